package org.hostpki.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether a file may have a POSIX ACL ({@code setfacl -m u:nobody:rw}). With one, a file's group
 * bits show the ACL's mask, the most any user or group it names may do: a group-write bit then
 * says someone may write, whoever the file's group is. Java cannot read ACLs on Linux (its
 * user-defined attribute view sees only {@code user.*}, not {@code system.posix_acl_access}), so
 * this asks {@code ls -ld}, which marks a file with an ACL by a {@code +} after its mode (GNU
 * coreutils; a {@code .} alone is an SELinux context). When {@code ls} cannot say, a file may
 * have one.
 */
public final class FileAcls {
  private static final long TIMEOUT_SECONDS = 10;

  private FileAcls() {}

  /** Whether {@code file} (followed if a link) has an ACL, or whether that cannot be told. */
  public static boolean mayHaveAcl(Path file) {
    if (file.getFileSystem() != FileSystems.getDefault()) {
      return false; // a test's in-memory file system has no ACLs
    }
    Path ls = Path.of("/bin/ls");
    if (!Files.isExecutable(ls)) {
      ls = Path.of("/usr/bin/ls");
    }
    ProcessBuilder builder = new ProcessBuilder(ls.toString(), "-dlL", "--", file.toString())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      String out;
      try (InputStream in = process.getInputStream()) {
        out = new String(in.readNBytes(64), UTF_8);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return true;
      }
      if (process.exitValue() != 0) {
        return true;
      }
      return hasAclMark(out);
    } catch (IOException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
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
