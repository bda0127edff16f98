package org.hostpki.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.KernelPaths;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.TerminalText;

/**
 * Typed reading of desired-state values for the binders. A value of the wrong type has been
 * reported by the schema check already, so here it reads as absent; what only a program can check
 * (a duration that parses, a path the file system accepts) is reported here.
 */
final class Fields {
  private final Problems problems;
  private final Path folder;

  /**
   * @param folder the desired-state file's folder, against which relative paths resolve
   */
  Fields(Problems problems, Path folder) {
    this.problems = problems;
    this.folder = folder;
  }

  /** A value as given, with the node it came from (for messages about it). */
  record Given<T>(T value, YamlNode node) {}

  Problems problems() {
    return problems;
  }

  Path folder() {
    return folder;
  }

  void error(YamlNode node, String message) {
    problems.error(node.position(), message);
  }

  void warning(YamlNode node, String message) {
    problems.warning(node.position(), message);
  }

  static boolean has(YamlNode.Mapping m, String key) {
    return m.get(key).isPresent();
  }

  Optional<Given<String>> string(YamlNode.Mapping m, String key) {
    return m.scalar(key).flatMap(s -> s.string().map(v -> new Given<>(v, s)));
  }

  Optional<Boolean> bool(YamlNode.Mapping m, String key) {
    return m.scalar(key).flatMap(YamlNode.Scalar::bool);
  }

  Optional<Given<BigInteger>> integer(YamlNode.Mapping m, String key) {
    return m.scalar(key).flatMap(s -> s.integer().map(v -> new Given<>(v, s)));
  }

  /** The text items of a list; other items were reported by the schema check. */
  List<Given<String>> strings(YamlNode.Mapping m, String key) {
    List<Given<String>> out = new ArrayList<>();
    m.sequence(key)
        .ifPresent(
            seq ->
                seq.items().forEach(
                    item -> {
                      if (item instanceof YamlNode.Scalar s) {
                        s.string().filter(t -> !t.isEmpty()).ifPresent(t -> out.add(new Given<>(t, s)));
                      }
                    }));
    return out;
  }

  /**
   * A name as given, unless it is only blanks or starts or ends with one (white space or a no-break
   * space, Unicode Zs), which is reported: such a name differs from the one it looks like.
   *
   * @param onlyBlanks what to write instead of only blanks
   * @param padded what a padded name does not match
   */
  Optional<String> unpadded(Given<String> text, String onlyBlanks, String padded) {
    String value = text.value();
    YamlNode node = text.node();
    int start = 0;
    int end = value.length();
    while (start < end && isBlank(value.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(value.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      error(node, node.displayName() + " is only blanks; " + onlyBlanks);
      return Optional.empty();
    }
    if (end - start < value.length()) {
      error(node, node.displayName() + " '" + TerminalText.escape(value) + "' starts or ends with a blank, "
          + padded + "; write '" + TerminalText.escape(value.substring(start, end)) + "'");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private static boolean isBlank(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * The longest duration any setting takes, 100 years: more than any certificate needs, far from
   * the year 9999, past which a certificate cannot state its expiry (GeneralizedTime has four
   * digits for the year), and far from what a timeout in milliseconds can hold.
   */
  static final Duration MAX_DURATION = Duration.ofDays(36_500);

  /** A positive duration up to {@link #MAX_DURATION}; anything else is reported. */
  Optional<Given<Duration>> duration(YamlNode.Mapping m, String key) {
    return m.scalar(key).flatMap(this::duration);
  }

  /** A positive duration up to {@link #MAX_DURATION} in a text node; anything else is reported. */
  Optional<Given<Duration>> duration(YamlNode.Scalar node) {
    Optional<String> text = node.string();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> parsed = Durations.parse(text.get());
    if (parsed.isEmpty()) {
      error(node, node.displayName() + " '" + text.get() + "' is not a duration; write a whole number and a unit (90d, 12h, 30m, 45s) or ISO-8601 (P90D, PT12H)");
      return Optional.empty();
    }
    if (parsed.get().isNegative() || parsed.get().isZero()) {
      error(node, node.displayName() + " must be longer than zero");
      return Optional.empty();
    }
    if (parsed.get().compareTo(MAX_DURATION) > 0) {
      error(
          node,
          node.displayName() + " (" + text.get() + ") is longer than 100 years (36500d), more than any"
              + " setting needs; shorten it");
      return Optional.empty();
    }
    return Optional.of(new Given<>(parsed.get(), node));
  }

  /**
   * A renewal threshold: a positive duration, or a percentage of the lifetime above 0% and below
   * 100%; anything else is reported.
   */
  Optional<Given<RenewBefore>> renewBefore(YamlNode.Mapping m, String key) {
    return m.scalar(key).flatMap(s -> beforeExpiry(s, "33% (renew when two thirds of it have passed)"));
  }

  /**
   * A time before a certificate's expiry: a positive duration, or a percentage of its lifetime
   * above 0% and below 100%; anything else is reported.
   *
   * @param shareExample a share as an example, with what it means here
   */
  Optional<Given<RenewBefore>> beforeExpiry(YamlNode.Scalar node, String shareExample) {
    Optional<String> text = node.string();
    if (text.isEmpty() || !text.get().endsWith("%")) {
      return duration(node).map(d -> new Given<>(RenewBefore.of(d.value()), d.node()));
    }
    Optional<Percentage> share = Percentage.parse(text.get());
    if (share.isEmpty() || share.get().isZero() || share.get().compareTo(Percentage.of(100)) >= 0) {
      error(node, node.displayName() + " '" + text.get() + "' must be a share of the"
          + " certificate's lifetime above 0% and below 100%, e.g. " + shareExample);
      return Optional.empty();
    }
    return Optional.of(new Given<>(RenewBefore.of(share.get()), node));
  }

  /** A percentage from 0% to {@code maximum}; anything else is reported. */
  Optional<Given<Percentage>> percentage(YamlNode.Mapping m, String key, Percentage maximum, String example) {
    Optional<Given<String>> text = string(m, key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    YamlNode node = text.get().node();
    Optional<Percentage> share = Percentage.parse(text.get().value());
    if (share.isEmpty() || share.get().compareTo(maximum) > 0) {
      error(node, node.displayName() + " '" + text.get().value() + "' must be a percentage from 0% to "
          + maximum + ", e.g. " + example);
      return Optional.empty();
    }
    return Optional.of(new Given<>(share.get(), node));
  }

  /** Whether a key is set but its value could not be used (it was reported). */
  static boolean unusable(YamlNode.Mapping m, String key, Optional<?> value) {
    return has(m, key) && value.isEmpty();
  }

  /** A path from the file, resolved against the file's folder on the file's file system. */
  Optional<Path> path(Given<String> text) {
    if (text.value().equals("~") || text.value().startsWith("~/")) {
      warning(
          text.node(),
          text.node().displayName() + " '" + text.value() + "' starts with '~', which is not expanded"
              + " (no shell is involved), so it names a folder '~' next to this file; write the full path");
    }
    try {
      Path path = KernelPaths.resolve(folder, folder.getFileSystem().getPath(text.value()));
      if (KernelPaths.goesUp(path)) {
        // The store's code (outputs, the store's folder) takes a path's names as they stand.
        // Builds before f986cda3 took it by name: saying which folder keeps an upgraded host on the
        // store it has (the kernel's reading, the link target's parent, may name an empty folder).
        error(text.node(), text.node().displayName() + " '" + text.value() + "' " + KernelPaths.goesUpAdvice()
            + "; earlier hostpki builds took it by name, as " + folder.resolve(text.value()).normalize()
            + kernelReading(path) + ": write the one meant");
        return Optional.empty();
      }
      return Optional.of(path);
    } catch (InvalidPathException e) {
      error(text.node(), text.node().displayName() + " '" + text.value() + "' is not a valid path: " + e.getReason());
      return Optional.empty();
    }
  }

  /**
   * Where the kernel goes by a path that goes up after a link, when that is there now: ", the
   * kernel goes to /srv/real/pki". Both places named, a user chooses (rvcore13: only the by-name
   * one was named).
   */
  private static String kernelReading(Path path) {
    try {
      return "; the kernel goes to " + path.toRealPath();
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return "";
    }
  }

  Optional<Path> path(YamlNode.Mapping m, String key) {
    return string(m, key).flatMap(this::path);
  }

  /**
   * A secret's source, {env: VARIABLE} or {file: path}; both or neither was reported by the schema.
   * A variable the process itself lives by is refused: hostpki runs its hooks without every
   * variable a secret is read from, so they would lose it (a hook without PATH or HOME).
   */
  Optional<PasswordSource> secret(YamlNode.Mapping secret) {
    Optional<PasswordSource> env =
        string(secret, "env")
            .filter(e -> !e.value().isEmpty())
            .map(e -> {
              refuseProcessVariable(e);
              return new PasswordSource.Env(e.value(), Optional.of(origin(e.node())));
            });
    if (env.isPresent()) {
      return env;
    }
    return string(secret, "file")
        .flatMap(f -> path(f).map(p -> new PasswordSource.File(p, Optional.of(origin(f.node())))));
  }

  /**
   * Variables of the process itself, which a secret must not be kept in: the system's, the JVM's
   * and those hostpki sets for its hooks.
   */
  private static final Set<String> PROCESS_VARIABLES =
      Set.of(
          "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "PWD", "OLDPWD",
          "TMPDIR", "HOSTNAME", "MAIL", "DISPLAY", "XDG_RUNTIME_DIR", "LD_LIBRARY_PATH", "LD_PRELOAD",
          "JAVA_HOME", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "HOSTPKI_JAVA_OPTS", "HOSTPKI_LANGUAGE",
          "HOSTPKI_STORE", "HOSTPKI_GENERATION", "HOSTPKI_CHANGED", "HOSTPKI_HOOK", "HOSTPKI_CERTIFICATE",
          "HOSTPKI_FINGERPRINT", "HOSTPKI_NOT_AFTER", "HOSTPKI_WITHIN", "HOSTPKI_REASON");

  private void refuseProcessVariable(Given<String> env) {
    String name = env.value();
    if (PROCESS_VARIABLES.contains(name) || name.startsWith("LC_")) {
      error(
          env.node(),
          env.node().displayName() + " names " + TerminalText.escape(name) + ", a variable of the process itself: hostpki"
              + " runs its hooks without every variable a secret is read from, so they would run"
              + " without " + TerminalText.escape(name) + "; keep the secret in a variable of its own, e.g. {env: HOSTPKI_PASSWORD}");
    }
  }

  /** Where a node is written, for a model value that messages at run time name it by. */
  SourcePosition origin(YamlNode node) {
    Position at = node.position();
    return new SourcePosition(problems.file(), at.line(), at.column());
  }

  /**
   * A command, run without a shell: its text arguments. A program with a space in it is warned
   * about, since it was probably meant as several arguments. A program named by a path relative
   * to this file's folder ({@code ./reload.sh}, {@code bin/reload}) resolves against it, as every
   * relative path in the file does, not against the working directory (under systemd, {@code
   * /}); a bare name ({@code systemctl}) is looked up on PATH when the command runs.
   */
  Optional<List<String>> argv(YamlNode node) {
    if (!(node instanceof YamlNode.Sequence argv)) {
      return Optional.empty(); // reported by the schema check
    }
    List<String> args = new ArrayList<>();
    boolean controls = false;
    for (YamlNode arg : argv.items()) {
      if (arg instanceof YamlNode.Scalar s && s.string().isPresent()) {
        controls |= refuseControls(s, args.isEmpty());
        args.add(s.text());
      }
    }
    if (args.isEmpty() || controls) {
      return Optional.empty();
    }
    YamlNode program = argv.items().get(0);
    if (!args.get(0).isEmpty() && args.get(0).isBlank()) {
      error(
          program,
          program.displayName() + " is only blanks; write the program to run, e.g. [systemctl,"
              + " try-reload-or-restart, nginx]");
      return Optional.empty();
    }
    if (args.get(0).strip().contains(" ")) {
      warning(
          program,
          program.displayName() + " '" + TerminalText.escape(args.get(0)) + "' contains a space, but hooks run"
              + " without a shell; write each argument as its own item: " + TerminalText.escape(splitCommand(args)));
    }
    args.set(0, program(args.get(0)));
    return Optional.of(args);
  }

  /**
   * Refuses a control character in a command: a program is a path or a name, one line of plain
   * text; an argument may span lines (a script for {@code sh -c}) and hold tabs, but no other
   * control or bidirectional override, which would reach the program and every log that shows the
   * command (a NUL cannot be passed at all: arguments end at one). The other invisible formatting
   * characters are {@link InvisibleCharacters}' to refuse.
   *
   * @return whether it refused one
   */
  private boolean refuseControls(YamlNode.Scalar arg, boolean isProgram) {
    String text = arg.text();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean bidi = InvisibleCharacters.isBidiOverride(c);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || bidi;
      if (control && (isProgram || (c != '\n' && c != '\t'))) {
        error(
            arg,
            String.format(
                Locale.ROOT,
                "%s '%s' holds U+%04X, %s, at character %d; %s: remove it",
                arg.displayName(), TerminalText.escape(YamlNode.Scalar.abbreviated(text)), (int) c,
                c == 0 ? "a NUL" : bidi ? "a bidirectional override" : c >= 0x2028 ? "a line separator"
                    : "a control character",
                text.codePointCount(0, i) + 1,
                c == 0
                    ? "no program can be given it (an argument ends at a NUL)"
                    : isProgram
                        ? "the program is a path or a name on PATH, one line of plain text"
                        : "an argument may span lines and hold tabs (a script for sh -c), but no other"
                            + " control character or override, which would reach the program and every"
                            + " log that shows the command"));
        return true;
      }
    }
    return false;
  }

  private String program(String program) {
    if (program.indexOf('/') < 0) {
      return program;
    }
    try {
      return KernelPaths.resolve(folder, folder.getFileSystem().getPath(program)).toString();
    } catch (InvalidPathException e) {
      return program; // not a path this file system takes: starting it fails with the reason
    }
  }

  /** {@code ["systemctl reload", nginx]} as it was probably meant: {@code [systemctl, reload, nginx]}. */
  private static String splitCommand(List<String> args) {
    List<String> words = new ArrayList<>();
    args.forEach(a -> words.addAll(List.of(a.strip().split("\\s+"))));
    return "[" + String.join(", ", words) + "]";
  }
}
