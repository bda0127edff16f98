package org.hostpki.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Whether a file may have a POSIX ACL ({@code setfacl -m u:nobody:rw}). With one, a file's group
 * bits show the ACL's mask, the most any user or group it names may do: a group-write bit then
 * says someone may write, whoever the file's group is. Java cannot read ACLs on Linux (its
 * user-defined attribute view sees only {@code user.*}, not {@code system.posix_acl_access}), so
 * this asks {@code ls -ld}, which marks a file with an ACL by a {@code +} after its mode (GNU
 * coreutils; a {@code .} alone is an SELinux context). When {@code ls} cannot say, a file may
 * have one. The files of one folder are asked of one {@code ls} ({@link #ofFiles}): one process
 * per file of a trust directory of 10,000 was most of a plan's time.
 */
public final class FileAcls {
  private static final long TIMEOUT_SECONDS = 10;
  /** Names ls -b prints as they are: no space, backslash, control or non-ASCII character. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/+@:,=%#~-]+");
  /** The most bytes of names given to one ls (Linux allows 2 MiB of arguments and environment). */
  private static final int ARGUMENT_BYTES = 256 << 10;

  private FileAcls() {}

  /** Whether {@code file} (followed if a link) has an ACL, or whether that cannot be told. */
  public static boolean mayHaveAcl(Path file) {
    if (file.getFileSystem() != FileSystems.getDefault()) {
      return false; // a test's in-memory file system has no ACLs
    }
    Optional<String> out = ls(List.of("-dlL", "--", file.toString()), 64, false);
    return out.isEmpty() || hasAclMark(out.get());
  }

  /**
   * The ACL marks of many files (a trust directory's), asked of one {@code ls} for all of them the
   * first time one is wanted: a file {@code ls} did not answer for (gone meanwhile, a name it
   * would print escaped) is asked of an {@code ls} of its own, so each answer is the one {@link
   * #mayHaveAcl} gives.
   */
  public static Predicate<Path> ofFiles(List<Path> files) {
    return new Predicate<>() {
      private Map<Path, Boolean> marks;

      @Override
      public boolean test(Path file) {
        if (marks == null) {
          marks = marks(files);
        }
        Boolean mark = marks.get(file);
        return mark != null ? mark : mayHaveAcl(file);
      }
    };
  }

  /** Files {@code ls -dlLUb} answered for, with whether each has an ACL. */
  static Map<Path, Boolean> marks(List<Path> files) {
    Map<Path, Boolean> marks = new HashMap<>();
    Map<String, Path> plain = new HashMap<>();
    for (Path file : files) {
      // a name ls prints as it is given, the last word of its line
      if (file.getFileSystem() == FileSystems.getDefault() && PLAIN.matcher(file.toString()).matches()) {
        plain.put(file.toString(), file);
      }
    }
    List<String> names = new ArrayList<>(plain.keySet());
    for (int from = 0; from < names.size(); ) {
      List<String> command = new ArrayList<>(List.of("-dlLUb", "--"));
      int bytes = 0;
      int to = from;
      while (to < names.size() && (to == from || bytes + names.get(to).length() < ARGUMENT_BYTES)) {
        bytes += names.get(to).length() + 1;
        command.add(names.get(to++));
      }
      // ls answers for each file it can and says which it cannot (exit 2): those are asked again
      Optional<String> out = ls(command, Integer.MAX_VALUE, true);
      for (String line : out.orElse("").split("\n")) {
        int last = line.lastIndexOf(' ');
        Path file = last < 0 ? null : plain.get(line.substring(last + 1));
        if (file != null) {
          marks.put(file, hasAclMark(line));
        }
      }
      from = to;
    }
    return marks;
  }

  /**
   * What ls wrote on its output; empty when it could not run, ran too long, or (unless {@code
   * partly}) failed for a file.
   */
  private static Optional<String> ls(List<String> arguments, int most, boolean partly) {
    Path ls = Path.of("/bin/ls");
    if (!Files.isExecutable(ls)) {
      ls = Path.of("/usr/bin/ls");
    }
    List<String> command = new ArrayList<>();
    command.add(ls.toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      String out;
      try (InputStream in = process.getInputStream()) {
        out = new String(in.readNBytes(most), UTF_8);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0 || partly ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Whether a line of {@code ls -l} marks its file as having an ACL; a line it cannot read does. */
  static boolean hasAclMark(String line) {
    int end = line.indexOf(' ');
    if (end < 10) {
      return true;
    }
    String mode = line.substring(0, end);
    return mode.length() > 10 && mode.charAt(10) == '+';
  }
}
