package org.hostpki.apply;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hostpki.config.StrictModes;
import org.hostpki.files.MountPoints;
import org.hostpki.model.DesiredState;
import org.hostpki.model.PendingHook;
import org.hostpki.model.TerminalText;

/**
 * Runs the desired state's hooks: argv lists, no shell, each command in turn (a failed one does
 * not stop the next), in the folder of the desired-state file, with an environment made for it:
 *
 * <ul>
 *   <li>hostpki's own environment, less every variable a secret is read from ({@link
 *       DesiredState#secretVariables()}: the store password, and any secret added later), with
 *       systemd's default PATH when it has none;
 *   <li>{@code HOSTPKI_STORE} (the store directory), {@code HOSTPKI_GENERATION} (the generation
 *       now current), {@code HOSTPKI_CHANGED} (the addresses whose change made the hook due,
 *       comma-separated: {@code server,output/server.p12}; past 32 KiB by kind, {@code trust/*};
 *       empty for {@code onExpiring}) and {@code HOSTPKI_HOOK} (its name);
 *   <li>for {@code onExpiring}, the certificate it is about: {@code HOSTPKI_CERTIFICATE} ({@code
 *       ca}, {@code ca-next}, {@code server}), {@code HOSTPKI_FINGERPRINT} (its SHA-256, lowercase
 *       hex), {@code HOSTPKI_NOT_AFTER} (RFC 3339, UTC), {@code HOSTPKI_WITHIN} (the threshold
 *       crossed: {@code 7d}, {@code 10%}, {@code due}, {@code margin}) and {@code HOSTPKI_REASON} (why
 *       nothing renews it, in words).
 * </ul>
 *
 * A program named by a path must be owned by root or the user running hostpki and writable by its
 * owner alone, as the desired-state file itself ({@link StrictModes}); a bare name is looked up on
 * the hook's PATH. How one command runs — its own process group, the timeout, the output — is
 * {@link HookProcess}'s.
 */
public class Hooks {
  /**
   * One command to run.
   *
   * @param timeoutSetting the setting messages name for the timeout ({@code hooks.timeout})
   */
  public record Command(
      String hook,
      List<String> argv,
      Map<String, String> environment,
      Optional<File> directory,
      Duration timeout,
      String timeoutSetting) {
    public Command {
      argv = List.copyOf(argv);
      environment = Map.copyOf(environment);
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(timeoutSetting, "timeoutSetting");
    }

    /** A command of the hooks section, its timeout {@code hooks.timeout}. */
    public Command(
        String hook, List<String> argv, Map<String, String> environment, Optional<File> directory, Duration timeout) {
      this(hook, argv, environment, directory, timeout, "hooks.timeout");
    }
  }

  /** Runs one command to its end; tests record instead. */
  @FunctionalInterface
  public interface Runner {
    /** @return empty on success, else what went wrong in words (the command is named by the caller) */
    Optional<String> run(Command command);
  }

  /**
   * What running the due hooks did.
   *
   * @param succeeded the {@linkplain PendingHook#key() obligations} whose every command exited 0
   * @param failures the others, each with its first failure in words
   */
  public record Outcome(List<String> succeeded, Map<String, String> failures) {
    public Outcome {
      succeeded = List.copyOf(succeeded);
      failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    public static Outcome none() {
      return new Outcome(List.of(), Map.of());
    }

    public Optional<String> firstFailure() {
      return failures.values().stream().findFirst();
    }
  }

  /** The longest {@code HOSTPKI_CHANGED} given as is, well below Linux's 128 KiB per string. */
  static final int CHANGED_LIMIT = 32 * 1024;

  /** PATH for hooks when hostpki has none (systemd's default). */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final PrintWriter log;
  private final Map<String, String> variables;
  private final Runner runner;
  private final StrictModes strictModes = StrictModes.forThisProcess();

  /** Hooks that inherit this process's environment (less the secrets). */
  public Hooks(PrintWriter log) {
    this(log, System.getenv());
  }

  /** @param variables the environment hostpki runs in, which hooks get less the secrets */
  public Hooks(PrintWriter log, Map<String, String> variables) {
    this(log, variables, null);
  }

  /**
   * Hooks of a one-off run ({@code apply}, {@code rollback}): a stop of hostpki (SIGTERM, Ctrl-C)
   * stops a hook that is running, which stays due, and starts no other (see {@link HookProcess}).
   *
   * @param variables the environment hostpki runs in, which hooks get less the secrets
   */
  public static Hooks stoppedWithHostpki(PrintWriter log, Map<String, String> variables) {
    return new Hooks(log, variables, new HookProcess(log, HookProcess.GRACE, true)::run);
  }

  /** @param runner runs each command; null for real processes ({@link HookProcess}) */
  public Hooks(PrintWriter log, Map<String, String> variables, Runner runner) {
    this.log = log;
    this.variables = Map.copyOf(variables);
    this.runner = runner != null ? runner : new HookProcess(log)::run;
  }

  /**
   * Runs every command of each due hook that the desired state declares.
   *
   * @param store the store directory, for {@code HOSTPKI_STORE}
   * @param generation the generation now current, for {@code HOSTPKI_GENERATION}
   */
  public Outcome run(DesiredState desired, List<PendingHook> due, Path store, String generation) {
    List<String> succeeded = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    for (PendingHook hook : due) {
      Optional<String> failure = Optional.empty();
      for (List<String> argv : desired.hooks().commands(hook.hook())) {
        Optional<String> problem = runOne(desired, hook, argv, store, generation);
        if (problem.isPresent() && failure.isEmpty()) {
          failure = problem;
        } else if (problem.isPresent()) {
          // The hook's first failure is its error; a later one would otherwise go unsaid.
          log.println("hook: " + problem.get());
          log.flush();
        }
      }
      if (failure.isPresent()) {
        failures.put(hook.key(), failure.get());
      } else {
        succeeded.add(hook.key());
      }
    }
    return new Outcome(succeeded, failures);
  }

  private Optional<String> runOne(
      DesiredState desired, PendingHook hook, List<String> argv, Path store, String generation) {
    String shown = hook.label() + " hook " + TerminalText.escape(argv.toString());
    Map<String, String> environment = environment(desired, hook, store, generation);
    Hooks.Command command =
        new Hooks.Command(hook.hook(), argv, environment, directory(desired), desired.hooks().timeout());
    return start("hook", command).map(p -> shown + " " + p);
  }

  /**
   * Runs one program the desired state names outside its hooks section — the ACME dns-01 hook —
   * by the hooks' rules: not started when it is missing or others could change it; hostpki's
   * environment less the secrets, with {@code variables} added; in the desired state's folder, in
   * a session of its own, its output relayed escaped, stopped with everything it started at the
   * timeout.
   *
   * @param name how the command is known ({@code dns-01})
   * @param timeoutSetting the setting messages name for the timeout
   * @return empty when it exited 0, else what went wrong in words (the command not named)
   */
  public Optional<String> runProgram(
      DesiredState desired, String name, List<String> argv, Map<String, String> variables, Duration timeout,
      String timeoutSetting) {
    Map<String, String> environment = withoutSecrets(desired);
    environment.putAll(variables);
    return start(
        name + " hook", new Hooks.Command(name, argv, environment, directory(desired), timeout, timeoutSetting));
  }

  /** @param what how the log names it: {@code hook}, {@code dns-01 hook} */
  private Optional<String> start(String what, Hooks.Command command) {
    log.println(what + ": running " + TerminalText.escape(String.join(" ", command.argv())));
    log.flush();
    Optional<String> refused = refusal(command.argv().get(0), command.environment());
    return refused.isPresent() ? refused : runner.run(command);
  }

  /** Why the program must not be started, if it must not: missing, or others could change it. */
  private Optional<String> refusal(String program, Map<String, String> environment) {
    if (program.indexOf('/') < 0) {
      return onPath(program, environment.getOrDefault("PATH", ""))
          ? Optional.empty()
          : Optional.of(
              "was not started: there is no program '" + TerminalText.escape(program)
                  + "' on PATH (" + TerminalText.escape(environment.getOrDefault("PATH", "")) + ")");
    }
    Path path = Path.of(program);
    if (!Files.exists(path)) {
      return Optional.of("was not started: " + TerminalText.escape(program) + " does not exist");
    }
    Optional<MountPoints.Mount> noexec = noexecMount(path);
    if (noexec.isPresent()) {
      return Optional.of(
          "was not started: " + TerminalText.escape(program) + " is on "
              + TerminalText.escape(noexec.get().words()) + ", mounted noexec: no program there"
              + " can be started, whatever its mode; move it to a folder mounted with exec, or name"
              + " the interpreter first ([sh, " + TerminalText.escape(program) + "])");
    }
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      return Optional.of(
          "was not started: " + TerminalText.escape(program) + " is not an executable file;"
              + " chmod +x it, or name the interpreter first ([sh, " + TerminalText.escape(program) + "])");
    }
    return strictModes
        .problem(path, strictModes.programWhat(program))
        .map(p -> "was not started: " + TerminalText.escape(p));
  }

  /** The mount a regular file that cannot be executed is on, when that is mounted noexec. */
  private static Optional<MountPoints.Mount> noexecMount(Path program) {
    if (!Files.isRegularFile(program) || Files.isExecutable(program)) {
      return Optional.empty();
    }
    try {
      return MountPoints.mountOf(program.toRealPath())
          .filter(mount -> mount.options().contains("noexec"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean onPath(String program, String path) {
    for (String folder : path.split(":")) {
      Path candidate = Path.of(folder.isEmpty() ? "." : folder).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> environment(
      DesiredState desired, PendingHook hook, Path store, String generation) {
    Map<String, String> environment = withoutSecrets(desired);
    environment.put("HOSTPKI_STORE", store.toAbsolutePath().toString());
    environment.put("HOSTPKI_GENERATION", generation);
    environment.put("HOSTPKI_CHANGED", changed(hook.changed()));
    environment.put("HOSTPKI_HOOK", hook.hook());
    hook.expiring().ifPresent(e -> {
      environment.put("HOSTPKI_CERTIFICATE", e.certificate());
      environment.put("HOSTPKI_FINGERPRINT", e.fingerprint().hex());
      environment.put("HOSTPKI_NOT_AFTER", e.notAfter().toString());
      environment.put("HOSTPKI_WITHIN", e.within());
      environment.put("HOSTPKI_REASON", e.reason());
    });
    return environment;
  }

  /**
   * The addresses for {@code HOSTPKI_CHANGED}, comma-separated. Linux refuses to start a program
   * with one environment string over 128 KiB (E2BIG), which 100,000 trusted certificates changed at
   * once would make, and the hook could then never run: past {@value #CHANGED_LIMIT} characters,
   * every {@code KIND/NAME} address is given as {@code KIND/*} ({@code server,trust/*}).
   */
  static String changed(List<String> addresses) {
    String all = String.join(",", addresses);
    if (all.length() <= CHANGED_LIMIT) {
      return all;
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (String address : addresses) {
      int slash = address.indexOf('/');
      kinds.add(slash < 0 ? address : address.substring(0, slash) + "/*");
    }
    return String.join(",", kinds);
  }

  /** hostpki's environment less every variable a secret is read from; systemd's PATH when none. */
  private Map<String, String> withoutSecrets(DesiredState desired) {
    Map<String, String> environment = new HashMap<>(variables);
    desired.secretVariables().forEach(environment::remove);
    environment.putIfAbsent("PATH", DEFAULT_PATH);
    return environment;
  }

  /** The desired state's folder, where hooks run; not on a file system processes cannot see. */
  private static Optional<File> directory(DesiredState desired) {
    Path folder = desired.source().getParent();
    if (folder == null
        || folder.getFileSystem() != FileSystems.getDefault()
        || !Files.isDirectory(folder)) {
      return Optional.empty();
    }
    return Optional.of(folder.toFile());
  }
}
