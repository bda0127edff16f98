package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import org.hostpki.files.FileOwners;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;

/**
 * The ownership and permission rules a store must meet before hostpki trusts what it reads or
 * writes there, in the manner of ssh's StrictModes: whoever can write the store directory can
 * plant links and keys in it. On file systems without POSIX permissions the checks are skipped.
 */
final class StoreSafety {
  private static final String ROOT = "root";
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS_ANY =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final String userName;
  private final Set<String> owners;

  /** @param userName the user this process runs as; the store must be theirs (or root's) */
  StoreSafety(String userName) {
    this.userName = userName;
    this.owners = Set.copyOf(java.util.List.of(userName, ROOT));
  }

  /**
   * Who may own the store's directories and secret files: the user hostpki runs as, and root.
   * The checks take the set as a parameter, so that a file may one day be handed to the service
   * that reads it (an output the desired state declares for {@code postgres}, say).
   */
  Set<String> owners() {
    return owners;
  }

  /** The store directory is owned by this user or root, and only its owner can write it. */
  void checkStoreDirectory(Path store) throws IOException {
    if (!FileModes.hasPosix(store)) {
      return;
    }
    PosixFileAttributes attributes = Files.readAttributes(store, PosixFileAttributes.class);
    String owner = attributes.owner().getName();
    if (!FileOwners.isUserOrRoot(store, attributes.owner(), userName)) {
      throw new HostpkiException(
          "store " + store + " is owned by " + owner + ", but hostpki runs as " + userName
              + "; another user's directory could hold planted links and keys. Run hostpki as "
              + owner + ", or take the store over: chown -R " + userName + " " + store);
    }
    requireNotWritableByOthers(store, attributes.permissions(), "store directory " + store);
  }

  /** A directory inside a generation has an accepted owner and is writable by that owner only. */
  void checkGenerationDirectory(Path directory) throws IOException {
    if (FileModes.hasPosix(directory)) {
      PosixFileAttributes attributes =
          Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String owner = attributes.owner().getName();
      if (!accepted(directory, attributes.owner(), owners)) {
        throw new HostpkiException(
            "store directory " + directory + " is owned by " + owner + ", not by " + ownerWords(owners)
                + ": that user could plant links and keys in it. If that is not your doing,"
                + " consider the keys in it exposed; take it back with: chown -R " + userName + " "
                + directory);
      }
      requireNotWritableByOthers(directory, attributes.permissions(), "store directory " + directory);
    }
  }

  /**
   * A {@link FileKind#secret() secret} file has an accepted owner, and an {@link
   * FileKind#ownerOnly() owner-only} one (a private key, a key store) is for that owner alone;
   * other files are not checked. A file the desired state declares an access for is held to
   * exactly that and no more: its declared owner besides the accepted ones, and for a key its
   * declared group and mode; a mode wider than the declared one, a group that may read it other
   * than the declared group, and any write access for group or others are refused.
   *
   * <p>What the file's generation declared for it when it was written ({@link AccessRecord}) is
   * accepted too: the desired state may since declare less, and hostpki's own file, as it wrote
   * it, is then to be narrowed by the next write, not refused. A file within neither is refused
   * with the fix for what is declared now.
   *
   * @param file the file in its generation
   * @param kind what it holds, by the store's layout
   * @param visible the name users know it by ({@code STORE/server.key}), for the message; chmod
   *     and chown follow the link to the file
   * @param owners who may own it
   * @param declared what the desired state declares for it; empty: nothing
   * @param written what the generation's writer declared for it; empty: nothing
   */
  void checkFile(
      Path file, FileKind kind, Path visible, Set<String> owners, Optional<FileAccess> declared,
      Optional<FileAccess> written) throws IOException {
    Optional<String> problem = problem(file, kind, visible, owners, declared);
    if (problem.isPresent()
        && written.isPresent()
        && !written.equals(declared)
        // No record makes a key more than its group may read, whatever it says.
        && written.get().mode().within(AccessSpec.limit(kind.secret()))
        && FileModes.hasPosix(file)
        && declaredProblem(file, kind, visible, owners, written.get()).isEmpty()) {
      return;
    }
    if (problem.isPresent()) {
      throw new HostpkiException(problem.get());
    }
  }

  private Optional<String> problem(
      Path file, FileKind kind, Path visible, Set<String> owners, Optional<FileAccess> declared)
      throws IOException {
    if (declared.isPresent() && FileModes.hasPosix(file)) {
      return declaredProblem(file, kind, visible, owners, declared.get());
    }
    if (!kind.secret() || !FileModes.hasPosix(file)) {
      return Optional.empty();
    }
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String owner = attributes.owner().getName();
    boolean key = kind.ownerOnly();
    if (!accepted(file, attributes.owner(), owners)) {
      return Optional.of(
          (key ? "private key file " : "store file ") + visible + " is owned by " + owner
              + ", not by " + ownerWords(owners) + ": that user "
              + (key
                  ? "can read the key, and could have replaced it. If that is not your doing,"
                      + " consider the key exposed;"
                  : "could have changed what hostpki reads there;")
              + " take the file back with: chown " + userName + " " + visible);
    }
    Set<PosixFilePermission> mode = attributes.permissions();
    if (key && !disjoint(mode, GROUP_OR_OTHERS_ANY)) {
      return Optional.of(
          "private key file " + visible + " has mode " + FileModes.octal(mode)
              + ": group or others may use it. Restrict it: chmod 600 " + visible
              + " (and consider the key exposed)");
    }
    return Optional.empty();
  }

  private Optional<String> declaredProblem(
      Path file, FileKind kind, Path visible, Set<String> owners, FileAccess declared) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipalLookupService accounts = file.getFileSystem().getUserPrincipalLookupService();
    String what = (kind.ownerOnly() ? "private key file " : "store file ") + visible;
    UserPrincipal owner = attributes.owner();
    boolean declaredOwner = declares(accounts, declared.owner(), owner, false);
    if (!accepted(file, owner, owners) && !declaredOwner) {
      return Optional.of(
          what + " is owned by " + owner.getName() + ", but "
              + declared.owner().map(o -> "the desired state declares " + o).orElse("it belongs to " + userName + ", who runs hostpki")
              + ": that user could have replaced it"
              + (kind.ownerOnly() ? ", and can read the key; if that is not your doing, consider the key exposed" : "")
              + ". Take it back with: chown " + declared.owner().orElse(userName) + " " + visible);
    }
    if (declaredOwner && !accepted(file, owner, owners)) {
      // The service user the file is declared for owns it, and may chmod and chgrp it as it
      // likes: it can read the key anyway. What it made wider is access drift, written anew as
      // declared (StoreDirectory#accessDrift); refused, it would stop the runs that renew
      // everything else until a person came.
      return Optional.empty();
    }
    int mode = bits(attributes.permissions());
    int beyond = mode & ~declared.mode().bits();
    if ((mode & 0022) != 0 || beyond != 0) {
      return Optional.of(
          what + " has mode " + FileModes.octal(attributes.permissions()) + ", wider than the declared "
              + declared.mode() + (kind.ownerOnly() ? " (consider the key exposed)" : "")
              + ". Restrict it: chmod " + Integer.toOctalString(declared.mode().bits()) + " " + visible);
    }
    if (kind.secret() && (mode & 0070) != 0) {
      GroupPrincipal group = attributes.group();
      // No group declared: the mode's group bits are for the group a new file gets in its
      // generation (hostpki's user's, or the folder's under setgid), as hostpki wrote it and as
      // OwnedFiles#hasAccess takes it; as with Ansible's mode without group.
      GroupPrincipal created = declared.group().isPresent() ? null : Files.readAttributes(
          file.getParent(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group();
      boolean declaredGroup = created != null ? created.equals(group) : declares(accounts, declared.group(), group, true);
      if (!declaredGroup) {
        return Optional.of(
            what + " may be read by group " + group.getName() + ", which the desired state does not declare"
                + declared.group().map(g -> " (it declares " + g + ")").orElse("")
                + ". Fix it: chgrp " + (created == null ? declared.group().get() : created.getName()) + " " + visible
                + (kind.ownerOnly() ? " (and consider the key exposed)" : ""));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the declared user (group) is the file's. A name the host no longer has — a generation's
   * record naming a service user deleted since — is the file's only when the file's owner (group)
   * has no name either, a bare number: the deleted one's. A number the host has since given to
   * another name is not: that one's members could read the file.
   */
  private static boolean declares(
      UserPrincipalLookupService accounts, Optional<String> name, UserPrincipal actual, boolean group) {
    if (name.isEmpty()) {
      return false;
    }
    Optional<UserPrincipal> declared = principal(accounts, name.get(), group);
    if (declared.isPresent()) {
      return declared.get().equals(actual);
    }
    return !actual.getName().isEmpty() && actual.getName().chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Optional<UserPrincipal> principal(UserPrincipalLookupService accounts, String name, boolean group) {
    try {
      return Optional.of(group ? accounts.lookupPrincipalByGroupName(name) : accounts.lookupPrincipalByName(name));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** One of {@code accepted}; for the store's own owners, the user or root also by number. */
  private boolean accepted(Path file, UserPrincipal owner, Set<String> accepted) throws IOException {
    return accepted.contains(owner.getName())
        || (accepted.equals(owners)
            && FileOwners.isUserOrRoot(file, owner, userName, LinkOption.NOFOLLOW_LINKS));
  }

  private static int bits(Set<PosixFilePermission> permissions) {
    return FileModes.mode(permissions).bits();
  }

  /** {@code root}, or {@code alice or root}: who may own a store entry. */
  private String ownerWords(Set<String> accepted) {
    if (accepted.equals(owners)) {
      return userName.equals(ROOT) ? ROOT + " (who runs hostpki)" : userName + " (who runs hostpki) or " + ROOT;
    }
    return String.join(" or ", new java.util.TreeSet<>(accepted));
  }

  private static void requireNotWritableByOthers(
      Path directory, Set<PosixFilePermission> mode, String what) {
    if (!disjoint(mode, GROUP_OR_OTHERS_WRITE)) {
      throw new HostpkiException(
          what + " has mode " + FileModes.octal(mode)
              + ": group or others can write it, and so plant links and keys there. Fix it: "
              + ShellCommand.of("chmod", "go-w", directory));
    }
  }

  private static boolean disjoint(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
    for (PosixFilePermission p : a) {
      if (b.contains(p)) {
        return false;
      }
    }
    return true;
  }
}
