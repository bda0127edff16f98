package org.hostpki.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a file is a mount point of its own: a single file mounted into place, as {@code docker
 * run -v FILE:FILE}, Docker Compose's and Kubernetes' {@code subPath} mounts (a ConfigMap's or
 * Secret's key) and {@code mount --bind FILE FILE} do. Such a file cannot be replaced the safe way
 * (a new file renamed over it): {@code rename(2)} refuses a mount point with {@code EBUSY}. The
 * kernel's table of this process's mounts, {@code /proc/self/mountinfo}, says it; a bind mount
 * within one file system shows nowhere else (the device number stays the same).
 */
public final class MountPoints {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** What to say of a file that is a mount point, after "it is". */
  public static final String WHY =
      "a mount point (a single file mounted into place, as docker run -v FILE:FILE and a"
          + " Kubernetes subPath mount do): hostpki replaces a file by renaming a complete new one"
          + " over it, so that a reader never sees it half-written, and a mount point cannot be"
          + " renamed over";

  private MountPoints() {}

  /**
   * Whether {@code file} (an absolute path with its links resolved) is a mount point of this
   * process's mount namespace. False on other file systems than the default one, and where the
   * table cannot be read.
   */
  public static boolean isMountPoint(Path file) {
    if (file.getFileSystem() != FileSystems.getDefault() || !file.isAbsolute()) {
      return false;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return false;
    }
    String wanted = file.normalize().toString();
    for (String line : lines) {
      // ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS ...; names escape space, tab, \n, \ as \ooo
      String[] fields = line.split(" ", 6);
      if (fields.length > 4 && unescape(fields[4]).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
