package org.hostpki.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

  /**
   * The mount a file is on, in this process's mount namespace: its mount point, file system type
   * and options (the mount's own, {@code noexec}, {@code ro}, then the file system's). For the
   * words of a failure ("no space is left on the tmpfs at /run/pki"): empty where the table cannot
   * be read or the path is on another file system than the default one.
   *
   * @param file an absolute path with its links resolved (or its nearest existing folder)
   */
  public static Optional<Mount> mountOf(Path file) {
    if (file.getFileSystem() != FileSystems.getDefault() || !file.isAbsolute()) {
      return Optional.empty();
    }
    try {
      String device = deviceName(((Number) Files.getAttribute(file, "unix:dev")).longValue());
      return mountOf(file, Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8))
          .filter(mount -> mount.device().equals(device));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A device number ({@code st_dev}) as the table writes it, {@code MAJOR:MINOR}. */
  static String deviceName(long dev) {
    // Linux's dev_t: the minor number's low 8 bits, the major's 12, then the rest of each
    return (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL)) + ":"
        + ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }

  /**
   * The file system type of each device of this process's mounts ({@code 8:1} to {@code ext4});
   * empty where the table cannot be read. A device mounted twice has one type.
   */
  static Map<String, String> typesByDevice() {
    List<String> lines;
    try {
      lines = Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return Map.of();
    }
    Map<String, String> types = new HashMap<>();
    for (String line : lines) {
      String[] fields = line.split(" ");
      int separator = List.of(fields).indexOf("-");
      if (fields.length < 6 || separator < 6 || separator + 1 >= fields.length) {
        continue;
      }
      types.put(fields[2], unescape(fields[separator + 1]));
    }
    return types;
  }

  /**
   * As {@link #mountOf(Path)}, from the lines of a {@code mountinfo} table. The caller checks the
   * device: a path this namespace does not see as the table does ({@code /proc/PID/root/...}) is
   * on another mount than the longest mount point on its way.
   */
  static Optional<Mount> mountOf(Path file, List<String> mountinfo) {
    Path wanted = file.normalize();
    Mount found = null;
    for (String line : mountinfo) {
      // ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS
      String[] fields = line.split(" ");
      int separator = List.of(fields).indexOf("-");
      if (fields.length < 6 || separator < 6 || separator + 1 >= fields.length) {
        continue;
      }
      Path mountPoint = wanted.getFileSystem().getPath(unescape(fields[4]));
      // the longest mount point on the way wins; of two at one place, the later (on top)
      if (wanted.startsWith(mountPoint)
          && (found == null || mountPoint.getNameCount() >= found.mountPoint().getNameCount())) {
        Set<String> options = new LinkedHashSet<>(List.of(fields[5].split(",")));
        if (separator + 3 < fields.length) {
          options.addAll(List.of(fields[separator + 3].split(",")));
        }
        found = new Mount(mountPoint, unescape(fields[separator + 1]), fields[2], Set.copyOf(options));
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * One mount of the table.
   *
   * @param device the file system's device numbers, {@code MAJOR:MINOR}
   * @param options the mount's options and its file system's ({@code ro}, {@code noexec}, {@code
   *     emergency_ro} after an error), without their order
   */
  public record Mount(Path mountPoint, String type, String device, Set<String> options) {
    /** {@code the tmpfs at /run/pki}: the words for it in a message. */
    public String words() {
      return "the " + type + " file system at " + mountPoint;
    }
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
