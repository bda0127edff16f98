package org.hostpki.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hostpki.model.TerminalText;

/**
 * Whether a file may have a POSIX ACL ({@code setfacl -m u:nobody:rw}). With one, a file's group
 * bits show the ACL's mask, the most any user or group it names may do: a group-write bit then
 * says someone may write, whoever the file's group is. Java cannot read ACLs on Linux (its
 * user-defined attribute view sees only {@code user.*}, not {@code system.posix_acl_access}), so
 * this asks {@code ls -ld}, which marks a file with an ACL by a {@code +} after its mode (GNU
 * coreutils; a {@code .} alone is an SELinux context). When {@code ls} cannot say, a file may
 * have one. The files of one folder are asked of one {@code ls} ({@link #ofFiles}): one process
 * per file of a trust directory of 10,000 was most of a plan's time. An {@code ls} that does not
 * end in 10 s (a stuck NFS or FUSE file) is killed, and the answer says so.
 */
public final class FileAcls {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Names ls -b prints as they are: no space, backslash, control or non-ASCII character. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/+@:,=%#~-]+");
  /** The most bytes of names given to one ls (Linux allows 2 MiB of arguments and environment). */
  private static final int ARGUMENT_BYTES = 256 << 10;
  /** Who may write a file that has an ACL, for messages. */
  static final String ACL = "whoever its ACL names (ls -l marks an ACL with '+')";

  private FileAcls() {}

  /**
   * Who besides its owner and group an ACL may let change {@code file} (followed if a link), for
   * a message ("whoever its ACL names"); empty when it has no ACL. When {@code ls} cannot say, a
   * file may have one; when it did not answer in time, the answer says so.
   */
  public static Optional<String> writers(Path file) {
    return writers(file, lsProgram(), TIMEOUT);
  }

  static Optional<String> writers(Path file, Path ls, Duration timeout) {
    if (file.getFileSystem() != FileSystems.getDefault()) {
      return Optional.empty(); // a test's in-memory file system has no ACLs
    }
    Listing out = ls(ls, List.of("-dlL", "--", file.toString()), 64, false, timeout);
    if (out.hung()) {
      return Optional.of(hung(out.command(), timeout));
    }
    return out.text().isEmpty() || hasAclMark(out.text().get()) ? Optional.of(ACL) : Optional.empty();
  }

  /**
   * The ACL answers ({@link #writers}) for many files (a trust directory's), asked of one {@code
   * ls} for all of them the first time one is wanted: a file {@code ls} did not answer for (gone
   * meanwhile, a name it would print escaped) is asked of an {@code ls} of its own, so each answer
   * is the one {@link #writers} gives. When that {@code ls} hangs (a stuck NFS or FUSE file), each
   * of its files is answered so, not asked again.
   */
  public static Function<Path, Optional<String>> ofFiles(List<Path> files) {
    return ofFiles(files, lsProgram(), TIMEOUT);
  }

  static Function<Path, Optional<String>> ofFiles(List<Path> files, Path ls, Duration timeout) {
    return new Function<>() {
      private Map<Path, Optional<String>> answers;

      @Override
      public Optional<String> apply(Path file) {
        if (answers == null) {
          answers = answers(files, ls, timeout);
        }
        Optional<String> answer = answers.get(file);
        return answer != null ? answer : writers(file, ls, timeout);
      }
    };
  }

  /** Files {@code ls -dlLUb} answered for, with whether each has an ACL. */
  static Map<Path, Boolean> marks(List<Path> files) {
    Map<Path, Boolean> marks = new HashMap<>();
    answers(files, lsProgram(), TIMEOUT).forEach((file, answer) -> marks.put(file, answer.isPresent()));
    return marks;
  }

  private static Map<Path, Optional<String>> answers(List<Path> files, Path ls, Duration timeout) {
    Map<Path, Optional<String>> answers = new HashMap<>();
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
      Listing out = ls(ls, command, Integer.MAX_VALUE, true, timeout);
      if (out.hung()) {
        String hung = hung(ls + " -dlLUb on " + (to - from) + " files of " + Path.of(names.get(from)).getParent(),
            timeout);
        names.subList(from, to).forEach(name -> answers.put(plain.get(name), Optional.of(hung)));
      }
      for (String line : out.text().orElse("").split("\n")) {
        int last = line.lastIndexOf(' ');
        Path file = last < 0 ? null : plain.get(line.substring(last + 1));
        if (file != null) {
          answers.put(file, hasAclMark(line) ? Optional.of(ACL) : Optional.empty());
        }
      }
      from = to;
    }
    return answers;
  }

  private static String hung(String command, Duration timeout) {
    return "whoever an ACL may name (" + TerminalText.escape(command) + " did not answer within " + timeout.toSeconds()
        + " s and was killed, so hostpki cannot tell whether it has one: a stuck NFS or FUSE mount?)";
  }

  private static Path lsProgram() {
    Path ls = Path.of("/bin/ls");
    return Files.isExecutable(ls) ? ls : Path.of("/usr/bin/ls");
  }

  /**
   * What {@code ls} wrote on its output, empty when it could not run or (unless {@code partly})
   * failed for a file; {@code hung} when it did not end within the timeout (then it is killed).
   */
  private record Listing(Optional<String> text, boolean hung, String command) {}

  /**
   * Runs ls. Its output is read by a thread of its own while this one waits with the timeout: a
   * read here would wait for as long as {@code ls} hangs on a file (a stuck network file system
   * leaves it in the kernel), and the timeout would never come.
   */
  private static Listing ls(Path ls, List<String> arguments, int most, boolean partly, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(ls.toString());
    command.addAll(arguments);
    String shown = command.size() <= 4 ? String.join(" ", command) : ls + " " + arguments.get(0);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Listing(Optional.empty(), false, shown);
    }
    CompletableFuture<String> out = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        String text = new String(in.readNBytes(most), UTF_8);
        in.transferTo(OutputStream.nullOutputStream()); // the rest, so that ls is not held up writing it
        out.complete(text);
      } catch (IOException e) {
        out.completeExceptionally(e);
      }
    }, "hostpki-ls-" + process.pid());
    reader.setDaemon(true); // an ls stuck in the kernel cannot be killed: nor its reader waited for
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly(); // by its PID: a stuck one ends when the kernel lets it
        return new Listing(Optional.empty(), true, shown);
      }
      String text = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Listing(process.exitValue() == 0 || partly ? Optional.of(text) : Optional.empty(), false, shown);
    } catch (ExecutionException e) {
      return new Listing(Optional.empty(), false, shown);
    } catch (TimeoutException e) { // ls ended, but something it started holds its output open
      return new Listing(Optional.empty(), true, shown);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Listing(Optional.empty(), false, shown);
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
