package org.hostpki.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileMode;
import org.hostpki.model.ObservedAccess;

/**
 * Creates files and directories with a declared owner, group and mode ({@link FileAccess}), all
 * three set before the first byte of content is written, so that no moment exists in which anyone
 * could read a key the declaration does not let them read.
 *
 * <p>A file is created (O_CREAT|O_EXCL, never following a link) with the declared mode's owner bits
 * alone ({@code 0600} or {@code 0400}: no one but this process can open it), and this process keeps
 * it open for writing; then it gets its exact mode (whatever the umask), then its group and owner;
 * only then is the content written, through the descriptor opened at creation. At every step the
 * mode is within the declared one: a crash leaves an empty file, or one with exactly the declared
 * access. The mode is set while this process still owns the file, so the only capability root
 * needs is CAP_CHOWN (chmod on a file another user owns would need CAP_FOWNER too). Java has no
 * {@code fchown}/{@code fchmod}, so owner and mode are set by path without following links; that
 * is as good as on the descriptor because the file lies in a directory only this process can write
 * (a generation being written, {@code ..NAME.partial}), where no one can swap the name for another
 * file.
 *
 * <p>A directory is made the same way: {@code mkdir} with the owner bits, exact mode, group and
 * owner. A generation directory {@code 0750} with a declared group is traversable by the group's
 * members and no one else; {@code ..data} is a link, and what a link points into decides.
 *
 * <p>Owners and groups are looked up in the user database of the file's file system (on Linux,
 * {@code getpwnam}/{@code getgrnam}, as chown does); a number is taken as is. Giving a file to
 * another user needs root (CAP_CHOWN); a group needs root or membership of it. A refusal is an
 * {@link IOException} naming the file and what was asked; the caller discards the unfinished
 * generation.
 */
final class OwnedFiles {
  private static final Set<OpenOption> CREATE_NEW_NO_FOLLOW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private OwnedFiles() {}

  /**
   * Creates {@code file}, which must not exist, with the access and then the content. Not synced:
   * the writer syncs all files of a generation together.
   *
   * @throws IOException when the file exists, a user or group is unknown, this process may not
   *     give the file to them, or writing fails; a file created before the failure is removed
   */
  static void createFile(Path file, byte[] content, FileAccess access) throws IOException {
    if (!FileModes.hasPosix(file)) {
      SafeFiles.writeNew(file, content, Set.of());
      return;
    }
    try (FileChannel channel =
        FileChannel.open(file, CREATE_NEW_NO_FOLLOW, PosixFilePermissions.asFileAttribute(ownerBits(access)))) {
      try {
        setAccess(file, access);
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      } catch (IOException e) {
        Files.deleteIfExists(file);
        throw IoFailures.naming(file, e); // a failed write(2) comes without the file's name
      } catch (RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
    }
  }

  /**
   * Creates {@code directory}, which must not exist, with the access.
   *
   * @throws IOException as {@link #createFile}; a directory created before the failure is removed
   */
  static void createDirectory(Path directory, FileAccess access) throws IOException {
    if (!FileModes.hasPosix(directory)) {
      Files.createDirectory(directory);
      return;
    }
    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(ownerBits(access)));
    try {
      setAccess(directory, access);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(directory);
      throw e;
    }
  }

  /**
   * Whether the file (not followed if a link) has exactly this access: the declared owner and
   * group, or for an undeclared one, {@code defaultOwner}'s (a new file's, the directory it is
   * created in), and exactly the mode. What {@code GenerationWriter} asks before it carries a file
   * over from the live generation by a hard link.
   *
   * @param defaultOwner a path whose owner and group an undeclared owner or group means
   */
  static boolean hasAccess(Path file, FileAccess access, Path defaultOwner) throws IOException {
    if (!FileModes.hasPosix(file)) {
      return true;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    PosixFileAttributes defaults =
        Files.readAttributes(defaultOwner, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipalLookupService accounts = file.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal owner =
        access.owner().isPresent() ? lookupUser(accounts, access.owner().get(), file) : defaults.owner();
    GroupPrincipal group =
        access.group().isPresent() ? lookupGroup(accounts, access.group().get(), file) : defaults.group();
    return attributes.owner().equals(owner)
        && attributes.group().equals(group)
        && attributes.permissions().equals(permissions(access.mode()));
  }

  /** What a file has, as {@link FileAccess#toString()} shows a declaration: {@code 0600 root:root}. */
  static ObservedAccess describe(Path file) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return new ObservedAccess(
        FileModes.mode(attributes.permissions()), attributes.owner().getName(), attributes.group().getName());
  }

  /** The exact mode, while this process owns the file, then group and owner. */
  private static void setAccess(Path path, FileAccess access) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipalLookupService accounts = path.getFileSystem().getUserPrincipalLookupService();
    Optional<GroupPrincipal> group =
        access.group().isPresent() ? Optional.of(lookupGroup(accounts, access.group().get(), path)) : Optional.empty();
    Optional<UserPrincipal> owner =
        access.owner().isPresent() ? Optional.of(lookupUser(accounts, access.owner().get(), path)) : Optional.empty();
    view.setPermissions(permissions(access.mode()));
    try {
      if (group.isPresent()) {
        view.setGroup(group.get());
      }
      if (owner.isPresent()) {
        view.setOwner(owner.get());
      }
    } catch (FileSystemException e) {
      throw new FileSystemException(
          path.toString(), null,
          "cannot give it to " + access.owner().orElse("(this user)") + ":" + access.group().orElse("(its group)")
              + " (" + reason(e) + "); handing files to another user takes root, a group root or"
              + " membership of that group");
    }
  }

  private static UserPrincipal lookupUser(UserPrincipalLookupService accounts, String name, Path path)
      throws IOException {
    return lookup(accounts::lookupPrincipalByName, "user", name, path);
  }

  private static GroupPrincipal lookupGroup(UserPrincipalLookupService accounts, String name, Path path)
      throws IOException {
    return lookup(accounts::lookupPrincipalByGroupName, "group", name, path);
  }

  /** One of {@link UserPrincipalLookupService}'s two lookups: by user name or by group name. */
  private interface Lookup<P extends UserPrincipal> {
    P byName(String name) throws IOException;
  }

  private static <P extends UserPrincipal> P lookup(Lookup<P> lookup, String kind, String name, Path path)
      throws IOException {
    try {
      return lookup.byName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new FileSystemException(
          path.toString(), null, "cannot give it to " + kind + " " + name + ": no such " + kind + " on this host");
    }
  }

  /** The declared mode's owner bits: what a new file or directory starts with. */
  private static Set<PosixFilePermission> ownerBits(FileAccess access) {
    return permissions(new FileMode(access.mode().bits() & 0700));
  }

  static Set<PosixFilePermission> permissions(FileMode mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE: 0400 ... 0001
    for (int i = 0; i < all.length; i++) {
      if ((mode.bits() & (0400 >> i)) != 0) {
        permissions.add(all[i]);
      }
    }
    return permissions;
  }

  private static String reason(FileSystemException e) {
    return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
  }
}
