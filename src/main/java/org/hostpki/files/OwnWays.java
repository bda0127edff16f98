package org.hostpki.files;

import static org.hostpki.files.FileModes.DIRECTORY;
import static org.hostpki.files.FileModes.LINK;
import static org.hostpki.files.FileModes.OTHERS_MAY_WRITE;
import static org.hostpki.files.FileModes.REGULAR;
import static org.hostpki.files.FileModes.STICKY;
import static org.hostpki.files.FileModes.TYPE;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether no one but root and the user hostpki runs as can put something else in a file's place:
 * then {@link InputFiles} opens it in the calling thread, not in a helper thread with a time limit.
 *
 * <p>The way is walked as the kernel walks it, one name at a time from {@code /}, every link
 * followed (multi-hop, {@code ..} after a link going to the real parent): each folder a name is
 * looked up in must be owned by root or this user and writable by no one else (no group or other
 * write bit: with an ACL the group bits are its mask, so no ACL entry can grant write either), or
 * be sticky ({@code /tmp}) with the name looked up in it owned by root or this user (the sticky
 * bit keeps others from removing or renaming over what they do not own). The file must be owned
 * by root or this user too (an owner's write lease, {@code F_SETLEASE}, holds others' opens for
 * up to {@code fs.lease-break-time}), and it and every folder must be on a local file system
 * ({@link #LOCAL}): an NFS or FUSE file system may not answer an open though it answered the
 * look from its cache, and {@code /proc}'s links lead to whatever a process holds open. Anything
 * else (a name missing, a loop, a folder another user may write or owns, a mount table that
 * cannot be read) is "no": the caller keeps the bounded open.
 *
 * <p>A folder found clean is remembered for {@link #REMEMBERED}, so that 10,000 files of one
 * folder do not walk the way 10,000 times: only root or this user could make it writable by
 * others meanwhile.
 */
final class OwnWays {
  /** File systems that answer an open as they answered the look, and hold no magic links. */
  static final Set<String> LOCAL = Set.of(
      "ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "jfs",
      "reiserfs", "vfat", "exfat", "ramfs", "squashfs", "iso9660", "bcachefs", "erofs");

  /** How long a folder found clean is taken as clean, in nanoseconds. */
  static final long REMEMBERED = 1_000_000_000L;

  /** As the kernel's MAXSYMLINKS: more is a loop. */
  private static final int MAX_LINKS = 40;


  private static final OwnWays PROCESS = new OwnWays(
      FileOwners.processUid(FileSystems.getDefault()), MountPoints::typesByDevice);

  private final OptionalInt uid;
  private final Supplier<Map<String, String>> mountTypes;
  /** Clean folders (real paths): whether sticky, and until when (System.nanoTime). */
  private final Map<Path, Folder> clean = new ConcurrentHashMap<>();
  /** The file system types of the mounts, read again after {@link #REMEMBERED}. */
  private volatile Mounts mounts = new Mounts(Map.of(), System.nanoTime());

  private record Folder(boolean sticky, long until) {}

  private record Mounts(Map<String, String> types, long until) {}

  /**
   * @param uid the user whose folders (beside root's) count as its own; empty: root's alone
   * @param mountTypes the file system type of each device, {@code MAJOR:MINOR}
   */
  OwnWays(OptionalInt uid, Supplier<Map<String, String>> mountTypes) {
    this.uid = uid;
    this.mountTypes = mountTypes;
  }

  /** For this process's user and mounts. */
  static OwnWays forThisProcess() {
    return PROCESS;
  }

  /**
   * Whether no one but root or this user can put another file, a FIFO, a device or a link in the
   * place of {@code file} (as its way is now), nor of any folder or link on its way.
   *
   * @param followLinks whether a link at the end is followed (if not, the answer for a link is no)
   */
  boolean othersCannotSwap(Path file, boolean followLinks) {
    if (file.getFileSystem() != FileSystems.getDefault()) {
      return false;
    }
    long now = System.nanoTime();
    Mounts known = mounts;
    if (now - known.until() >= 0) {
      known = new Mounts(mountTypes.get(), now + REMEMBERED);
      mounts = known;
    }
    try {
      return walk(file.toAbsolutePath(), followLinks, now, known.types());
    } catch (IOException | RuntimeException e) {
      return false; // the bounded open tells what is wrong
    }
  }

  private boolean walk(Path absolute, boolean followLinks, long now, Map<String, String> types)
      throws IOException {
    Path root = absolute.getRoot();
    Deque<String> names = new ArrayDeque<>();
    absolute.forEach(name -> names.add(name.toString()));
    Path current = root;
    Folder folder = clean(root, now);
    if (folder == null) {
      Map<String, Object> a = look(root);
      if (type(a) != DIRECTORY || !ownFolder(a, types)) {
        return false;
      }
      folder = remember(root, a, now);
    }
    int followed = 0;
    for (String name = WayNames.next(names); name != null; name = WayNames.next(names)) {
      if (name.equals("..")) {
        // current is a real folder reached from / through clean folders: so is its parent
        if (current.getParent() != null) {
          current = current.getParent();
          folder = clean(current, now);
          if (folder == null) {
            return false; // forgotten meanwhile: walk it again next time
          }
        }
        continue;
      }
      Path next = current.resolve(name);
      Folder known = names.isEmpty() ? null : clean(next, now);
      if (known != null) {
        current = next;
        folder = known;
        continue;
      }
      Map<String, Object> a = look(next);
      if (folder.sticky() && !ownedByUs(a)) {
        return false; // its owner may remove it and put anything in its place
      }
      int type = type(a);
      if (type == LINK) {
        if (names.isEmpty() && !followLinks) {
          return false;
        }
        if (++followed > MAX_LINKS) {
          return false;
        }
        Path target = Files.readSymbolicLink(next);
        WayNames.followLink(names, target);
        if (target.isAbsolute()) {
          current = root;
          folder = clean(root, now);
          if (folder == null) {
            return false;
          }
        }
        continue;
      }
      if (names.isEmpty()) {
        // Owned by another user, a file may hold a lease (F_SETLEASE) that delays its open
        return type == REGULAR && ownedByUs(a) && local(a, types);
      }
      if (type != DIRECTORY || !ownFolder(a, types)) {
        return false;
      }
      folder = remember(next, a, now);
      current = next;
    }
    return false; // the way ended in a folder
  }

  private Folder clean(Path folder, long now) {
    Folder known = clean.get(folder);
    if (known == null) {
      return null;
    }
    if (known.until() - now < 0) {
      clean.remove(folder, known);
      return null;
    }
    return known;
  }

  private Folder remember(Path path, Map<String, Object> a, long now) {
    Folder folder = new Folder((mode(a) & STICKY) != 0, now + REMEMBERED);
    clean.put(path, folder);
    return folder;
  }

  private static Map<String, Object> look(Path path) throws IOException {
    return Files.readAttributes(path, "unix:mode,uid,dev", LinkOption.NOFOLLOW_LINKS);
  }

  /** Owned by root or this user, on a local file system, and writable by its owner alone or sticky. */
  private boolean ownFolder(Map<String, Object> a, Map<String, String> types) {
    int mode = mode(a);
    return ownedByUs(a) && local(a, types) && ((mode & OTHERS_MAY_WRITE) == 0 || (mode & STICKY) != 0);
  }

  private boolean ownedByUs(Map<String, Object> a) {
    int owner = (Integer) a.get("uid");
    return owner == 0 || (uid.isPresent() && owner == uid.getAsInt());
  }

  private static boolean local(Map<String, Object> a, Map<String, String> types) {
    String type = types.get(MountPoints.deviceName(((Number) a.get("dev")).longValue()));
    return type != null && LOCAL.contains(type);
  }

  private static int mode(Map<String, Object> a) {
    return (Integer) a.get("mode");
  }

  private static int type(Map<String, Object> a) {
    return mode(a) & TYPE;
  }
}
