package org.hostpki.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hostpki.files.FileAcls;
import org.hostpki.files.FileOwners;
import org.hostpki.files.FileReasons;
import org.hostpki.files.GroupMembers;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CrlSource;
import org.hostpki.model.DesiredState;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;

/**
 * Who could have written a file that makes hostpki run programs, checked as sshd's StrictModes
 * checks {@code authorized_keys}: hooks run as the user running hostpki — root under the shipped
 * units — so a desired state that declares them, and every hook program named by a path, must be
 * owned by that user or root and writable by its owner alone; and so must every folder above it,
 * since whoever can write a folder can put another file in its place. A desired state without
 * hooks is held to the same: whoever could change it could hand themselves the server's key (an
 * output with {@code owner:} them) or have their CA trusted. A folder that others may
 * write but that has the sticky bit ({@code /tmp}) lets no one else rename or remove what it
 * holds, so it passes when its owner is root or that user. A group may write what is its owner's
 * alone: a user private group, as {@code umask 002} leaves files (0664) and folders (0775) on
 * Debian and Ubuntu, or root's group 0 of a file root owns, with no other member ({@link
 * GroupMembers}).
 *
 * <p>Both the path as given and the path its links lead to are checked. File systems without
 * POSIX permissions skip the checks.
 */
public final class StrictModes {
  private static final String ROOT = "root";

  private final String userName;
  private final GroupMembers groups;

  /**
   * @param userName the user hostpki runs as ({@code user.name})
   * @param groups who is in a group, for one that may write a file
   */
  public StrictModes(String userName, GroupMembers groups) {
    this.userName = userName;
    this.groups = groups;
  }

  /** Checks against the user this JVM runs as and the host's account files. */
  public static StrictModes forThisProcess() {
    return new StrictModes(FileOwners.processUser(), GroupMembers.system());
  }

  /**
   * What is wrong with a desired state: its file and each folder above it, and when it declares
   * programs to run, each hook program named by a path (bare names are found on PATH when the hook
   * runs).
   */
  public List<String> problems(DesiredState desired) {
    List<String> problems = new ArrayList<>();
    if (!desired.declaresPrograms()) {
      // Whoever may change it may add an output for themselves (owner: them) or their own CA to
      // what is trusted, which is as good as running a command as this user.
      desiredStateProblem(desired.source()).ifPresent(problems::add);
    } else {
      problem(desired.source(), desired.source() + " declares programs to run (hooks)")
          .ifPresent(problems::add);
      for (String program : new LinkedHashSet<>(desired.programs().stream().map(c -> c.get(0)).toList())) {
        if (program.startsWith("/")) {
          problem(desired.source().getFileSystem().getPath(program), programWhat(program))
              .ifPresent(problems::add);
        }
      }
    }
    problems.addAll(trustProblems(desired));
    return problems;
  }

  /**
   * What is wrong with a desired-state file and the way to it, whatever it declares: checked
   * before it is read as well as after ({@link #problems}), since a file whose way another user
   * could change might be swapped between the two, the clean one checked and the other one read.
   * When the way is clean before the read, no one else can have changed what was read.
   */
  public Optional<String> desiredStateProblem(Path file) {
    return problem(
        file,
        file + " says who gets the keys and what is trusted",
        "have hostpki hand them the server's key or trust their CA",
        file);
  }

  /**
   * What is wrong with the files that decide what is trusted, held to the desired state's own rule:
   * whoever may change a trusted certificate's file, a trust directory or a file in it, or a folder
   * above them, has their CA trusted — in the store's trust bundle, and with {@code trust.install}
   * by this host's system, Java or NSS — as surely as by writing it into the desired state; and
   * whoever may change {@code server.acme.caBundle} decides which server hostpki takes for its
   * ACME CA; whoever may change a file of {@code trust.crls}, a folder of them or a file in it
   * decides which revocations hold.
   */
  private List<String> trustProblems(DesiredState desired) {
    List<String> problems = new ArrayList<>();
    boolean installed = desired.trust().install().filter(InstallSpec::namesTargets).isPresent();
    String harm = "have hostpki trust their CA" + (installed ? " on this host" : "");
    for (TrustedCertificateSource source : desired.trust().certificates()) {
      if (source.content() instanceof TrustedCertificateSource.Content.FromFile file) {
        problem(file.file(), "trusted certificate file " + file.file() + " decides what is trusted", harm, file.file())
            .ifPresent(problems::add);
      }
    }
    for (Path directory : desired.trust().directories()) {
      String what = "trust directory " + directory + " decides what is trusted";
      readFolderProblem(directory, what, harm, TrustSpec::isTrustFileName).ifPresent(problems::add);
    }
    for (CrlSource crl : desired.trust().crls()) {
      Path path = crl.path();
      boolean folder = Files.isDirectory(path);
      String what = "trust.crls " + (folder ? "folder " : "file ") + path + " decides which certificates are revoked";
      Optional<String> problem = folder
          ? readFolderProblem(path, what, REVOCATION_HARM, CrlSource::isCrlFileName)
          : problem(path, what, REVOCATION_HARM, path);
      problem.ifPresent(problems::add);
    }
    desired.server().acme().flatMap(AcmeSpec::caBundle).flatMap(bundle -> problem(
            bundle, "server.acme.caBundle " + bundle + " decides which server is the ACME CA",
            "have hostpki take their server for the CA", bundle))
        .ifPresent(problems::add);
    return problems;
  }

  /**
   * What is wrong with a folder whose files are read (a trust directory, a folder of CRLs): the
   * folder itself and the way to it, else the first of its files that is read and that another
   * user could change.
   *
   * @param read which of its files are read, by name
   */
  private Optional<String> readFolderProblem(Path folder, String what, String harm, Predicate<String> read) {
    Optional<String> problem = problem(folder, what, harm, folder, true);
    return problem.isPresent() ? problem : entryProblem(folder, what, harm, read);
  }

  /**
   * The first file of a folder's that is read and that another user could change, or the way to
   * which (a link in it to another user's folder) another user could change.
   */
  private Optional<String> entryProblem(Path directory, String what, String harm, Predicate<String> isRead) {
    List<Path> read = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (isRead.test(entry.getFileName().toString()) && Files.isRegularFile(entry)) {
          read.add(entry);
        }
      }
      // one ls for the folder's ACLs, when a file that its owner's group alone may write needs it
      Function<Path, Optional<String>> acls = FileAcls.ofFiles(read);
      for (Path entry : read) {
        // A file in the folder: the way to it is the folder's, checked before, so only the file
        // itself (10,000 of them walked from / each cost a plan a second). A link: the way it
        // leads too, which may go through another user's folder.
        Optional<String> problem =
            Files.isSymbolicLink(entry)
                ? problem(entry, what, harm, entry, false)
                : check(entry, what, entry, harm, entry, false, acls);
        if (problem.isPresent()) {
          return problem.map(p -> p.replace(", but it ", ", but its file " + entry + " "));
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty(); // whoever reads it reports that
    } catch (IOException e) {
      return Optional.of(what + ", but who may write the files in it cannot be checked: " + FileReasons.cause(e));
    }
  }

  /**
   * What whoever may change a file or folder of {@code trust.crls} can do: the CRLs a trusted CA
   * signed are all accepted, so they choose which one is read — an older one, listing fewer
   * revocations, when the store holds none of that CA (a first apply, or after they took it away
   * for one apply) — or none.
   */
  private static final String REVOCATION_HARM =
      "have hostpki install an older CRL of its CA, or none, and so trust a revoked certificate again";

  /** Ways to a file no read can follow, so whoever reads it reports them (ELOOP, ENOTDIR). */
  private static final Set<String> UNREADABLE_WAYS = Set.of("Too many levels of symbolic links", "Not a directory");

  /** How {@link #problem} messages about a hook program begin. */
  public String programWhat(String program) {
    return "hook program " + program + " runs as " + userName;
  }

  /**
   * What is wrong with a file whose content decides what runs as this user, for a message that
   * begins with {@code what}; empty when only its owner could have written it and every folder
   * above it, or when it does not exist (whoever reads it reports that).
   */
  public Optional<String> problem(Path file, String what) {
    return problem(file, what, "make hostpki run any command as " + userName, file);
  }

  /**
   * What is wrong with the folders above a store: whoever may write one can put another folder, or
   * a link to any folder, in the store's place (another store, {@code /root/.ssh}), where hostpki
   * would read and write keys and make a new CA. Checked as a hook's folders are, from the nearest
   * folder above the store that exists (the store itself is the store's own check); empty when
   * only root or this user can change them.
   */
  public Optional<String> storeProblem(Path store) {
    String what = "store " + store + " keeps keys";
    String harm = "have hostpki write keys and a new CA wherever that leads";
    if (!store.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Optional.empty();
    }
    try {
      PathWay way = PathWay.of(store);
      Optional<String> link = linkProblem(way, what, harm);
      return link.isPresent() ? link : folderProblem(way, what, store, harm, store);
    } catch (IOException e) {
      return Optional.of(what + ", but who may change the way to it cannot be checked: " + FileReasons.cause(e));
    }
  }

  /** @param moved what the fix may move instead: the hook program, the store */
  private Optional<String> problem(Path file, String what, String harm, Path moved) {
    return problem(file, what, harm, moved, false);
  }

  private Optional<String> problem(Path file, String what, String harm, Path moved, boolean folderItself) {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Optional.empty();
    }
    try {
      PathWay way = PathWay.of(file);
      Optional<String> link = linkProblem(way, what, harm);
      if (link.isPresent() || way.end().isEmpty()) {
        return link; // a missing file: whoever reads it reports that
      }
      Path real = way.end().get();
      // A device, FIFO or socket itself: whoever reads it refuses it as no regular file, and
      // advice to chmod /dev/zero would break the system. The folders on the way still count.
      Optional<String> fileProblem =
          isSpecial(real) ? Optional.empty() : check(real, what, file, harm, moved, folderItself);
      if (fileProblem.isPresent()) {
        return fileProblem;
      }
      return folderProblem(way, what, file, harm, moved);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (FileSystemException e) {
      if (UNREADABLE_WAYS.contains(String.valueOf(e.getReason()))) {
        return Optional.empty(); // a loop, a file where a folder must be: no read gets through either
      }
      return Optional.of(what + ", but who may write " + file + " cannot be checked: " + FileReasons.cause(e));
    } catch (IOException e) {
      return Optional.of(what + ", but who may write " + file + " cannot be checked: " + FileReasons.cause(e));
    }
  }

  private static boolean isSpecial(Path real) throws IOException {
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return !a.isRegularFile() && !a.isDirectory() && !a.isSymbolicLink();
  }

  /** The first folder on the way, nearest the file first, that someone else may change. */
  private Optional<String> folderProblem(PathWay way, String what, Path file, String harm, Path moved)
      throws IOException {
    List<Path> folders = new ArrayList<>(way.folders());
    Collections.reverse(folders);
    for (Path folder : folders) {
      Optional<String> folderProblem = check(folder, what, file, harm, moved, false);
      if (folderProblem.isPresent()) {
        return folderProblem;
      }
    }
    return Optional.empty();
  }

  /** @param folderItself whether {@code file} is a folder checked for what it holds (a trust directory) */
  private Optional<String> check(Path path, String what, Path file, String harm, Path moved, boolean folderItself)
      throws IOException {
    return check(path, what, file, harm, moved, folderItself, FileAcls::writers);
  }

  /** @param acls whom a file's ACL may let write it, if it may have one ({@link FileAcls}) */
  private Optional<String> check(Path path, String what, Path file, String harm, Path moved, boolean folderItself,
      Function<Path, Optional<String>> acls) throws IOException {
    PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
    boolean folder = a.isDirectory();
    boolean itself = path.equals(file) && (!folder || folderItself);
    String name = itself ? "it" : folder ? "its folder " + path : path.toString();
    String owner = a.owner().getName();
    if (!FileOwners.isUserOrRoot(path, a.owner(), userName)) {
      return Optional.of(
          what + ", but " + name + " is owned by " + owner + ", not by " + userName
              + (userName.equals(ROOT) ? "" : " or root") + ": " + owner + " could " + harm
              + ". Fix it: " + ShellCommand.of("chown", userName, path)
              + (folder && !itself ? " (or move " + moved.getFileName() + " to a folder of " + userName + "'s)" : ""));
    }
    Set<PosixFilePermission> mode = a.permissions();
    Optional<String> who;
    if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      who = Optional.of("every user");
    } else if (mode.contains(PosixFilePermission.GROUP_WRITE)) {
      who = groups.othersThanOwner(path, a)
          .map(why -> "its group " + TerminalText.escape(a.group().getName() + " (" + why + ")"));
      if (who.isEmpty()) {
        // With an ACL the group bits are its mask: the group being the owner's alone says nothing
        // of the users and groups the ACL names (user:nobody:rw).
        who = acls.apply(path);
      }
    } else {
      who = Optional.empty();
    }
    // A sticky folder keeps others from renaming or removing what they do not own, but not from
    // adding files: no help for a folder checked for what it holds (a trust directory).
    if (who.isPresent() && !(folder && !itself && sticky(path))) {
      return Optional.of(
          what + ", but " + name + " has mode " + octal(mode) + ": " + who.get()
              + " can " + (folder && itself
                  ? "add files to it" + (sticky(path) ? " (the sticky bit does not stop that)" : "")
                  : folder ? "put another file in its place" : "change it")
              + " and " + harm + ". Fix it: " + ShellCommand.of("chmod", "go-w", path));
    }
    return Optional.empty();
  }

  /**
   * A symbolic link on the way to {@code file} that another user owns. In a sticky folder every
   * user may write ({@code /tmp}) its owner may remove it and make another, pointing anywhere, so
   * checking where it leads now proves nothing; the kernel refuses to follow such a link under
   * {@code fs.protected_symlinks}, which is not set everywhere (nor in every container). A store
   * named {@code /tmp/pki} that {@code nobody} made a link to another store had root write a new
   * CA and key into that one. Elsewhere a link is held to what a file is held to: owned by this
   * user or root, as OpenSSH's {@code safe_path} holds every step of the way.
   */
  private Optional<String> linkProblem(PathWay way, String what, String harm) throws IOException {
    for (Path p : way.links()) {
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (FileOwners.isUserOrRoot(p, a.owner(), userName, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String owner = a.owner().getName();
      if (sticky(p.getParent())) {
        return Optional.of(
            what + ", but " + p + " is a symbolic link that " + owner + " made in the sticky folder "
                + p.getParent() + ": " + owner + " may point it anywhere and " + harm
                + ". Fix it: remove the link and name what it should lead to itself");
      }
      return Optional.of(
          what + ", but " + p + " is a symbolic link owned by " + owner + ", not by " + userName
              + (userName.equals(ROOT) ? "" : " or root") + ": " + owner + " could " + harm
              + ". Fix it: remove the link and name what it should lead to itself");
    }
    return Optional.empty();
  }

  /** Whether a folder has the sticky bit (S_ISVTX), which NIO's permissions leave out. */
  private static boolean sticky(Path folder) throws IOException {
    if (!folder.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return false;
    }
    Object mode = Files.getAttribute(folder, "unix:mode");
    return mode instanceof Integer bits && (bits & 01000) != 0;
  }

  private static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", bits);
  }
}
