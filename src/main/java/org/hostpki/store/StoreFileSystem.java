package org.hostpki.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * What a store needs of its file system: symbolic links. Its set is switched by renaming one link
 * ({@code ..data}) and its files are named through links ({@code server.key -> ..data/server.key});
 * no other way gives readers the old set or the new one, never a mixture. FAT file systems
 * ({@code vfat}, {@code msdos}, {@code exfat}: memory cards, USB sticks, EFI partitions, some NAS
 * shares) have none, nor hard links, owners or permissions. Such a file system is refused by name
 * before anything is made on it; one whose name does not tell (a FUSE mount) is found out when a
 * write fails, by trying to make a link, so that the message says what is wrong rather than which
 * call failed first.
 */
public final class StoreFileSystem {
  /** File system types, as the kernel names them, that have no symbolic links. */
  private static final Set<String> WITHOUT_LINKS = Set.of("vfat", "msdos", "fat", "umsdos", "exfat");

  /** The reasons a file system gives for a link it cannot make. */
  private static final Set<String> NO_LINKS =
      Set.of("Operation not permitted", "Function not implemented", "Operation not supported");

  private StoreFileSystem() {}

  /**
   * Why a store cannot be kept at {@code store}, when the file system it is (or would be made) on
   * is one known to have no symbolic links; empty otherwise, also when that cannot be told.
   */
  public static Optional<String> unsuitable(Path store) {
    return unsuitable(store, folder -> Files.getFileStore(folder).type());
  }

  /** As {@link #unsuitable(Path)}, with the file system type of a folder as {@code typeOf} tells. */
  static Optional<String> unsuitable(Path store, TypeOf typeOf) {
    Path folder = store.toAbsolutePath().normalize();
    while (folder != null && !Files.isDirectory(folder)) {
      folder = folder.getParent();
    }
    if (folder == null) {
      return Optional.empty();
    }
    String type;
    try {
      type = typeOf.type(folder);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    return WITHOUT_LINKS.contains(type)
        ? Optional.of("store " + store + " is " + withoutLinks(store, type))
        : Optional.empty();
  }

  /**
   * After a write failed: whether that is because no symbolic link can be made in {@code store},
   * with what to say; tried with the name of a leftover that every write removes, and removed at
   * once. Needs the store's lock. The reason reads after the store's name and a colon.
   */
  static Optional<String> failedForWantOfLinks(Path store) {
    Path probe = store.resolve(DataLink.TMP_NAME);
    try {
      Files.createSymbolicLink(probe, store.getFileSystem().getPath(DataLink.NAME));
    } catch (UnsupportedOperationException e) {
      return Optional.of("it is " + withoutLinks(store, typeOf(store)));
    } catch (FileSystemException e) {
      // Only where a plain file can be made: a folder marked immutable or append-only (chattr +i,
      // +a) refuses a link with the same EPERM, and on a file system that has links.
      return e.getReason() != null && NO_LINKS.contains(e.getReason()) && fileCanBeMade(probe)
          ? Optional.of("it is " + withoutLinks(store, typeOf(store)))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    removeProbe(probe);
    return Optional.empty();
  }

  private static boolean fileCanBeMade(Path probe) {
    try {
      Files.createFile(probe);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
    removeProbe(probe);
    return true;
  }

  private static void removeProbe(Path probe) {
    try {
      Files.deleteIfExists(probe);
    } catch (IOException e) {
      // a stale ..data_tmp: the next write removes it
    }
  }

  /** The type of the file system a folder is on ({@link FileStore#type()}). */
  @FunctionalInterface
  interface TypeOf {
    String type(Path folder) throws IOException;
  }

  private static String typeOf(Path store) {
    try {
      return Files.getFileStore(store).type();
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return "of unknown type";
    }
  }

  private static String withoutLinks(Path store, String type) {
    return "on a file system (" + type + ") without symbolic links, such as"
        + " FAT and exFAT: a store switches its set by renaming one link (..data) and names its"
        + " files through links, so that readers see the old set or the new one, never a mixture"
        + " (FAT has no owners or permissions either, which keep its keys private). Set store.path"
        + " to a folder on a Linux file system (ext4, xfs, btrfs, tmpfs), such as"
        + " /var/lib/hostpki/" + name(store) + ", and copy what is needed on this one with a hook"
        + " (hooks.afterServerChange) or hostpki export";
  }

  private static String name(Path store) {
    Path name = store.toAbsolutePath().normalize().getFileName();
    return name == null ? "pki" : name.toString();
  }
}
