package org.hostpki.acme;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;
import org.hostpki.store.OutputFile;

/**
 * http-01 answered by the web server that already serves port 80: the key authorizations are
 * written as {@code WEBROOT/.well-known/acme-challenge/TOKEN} and removed afterwards, with the
 * folders this made, also when the order failed.
 *
 * <p>A webroot is often writable by the web server's user, so nothing in it is trusted:
 *
 * <ul>
 *   <li>The webroot itself is the user's setting and may be a link; it must be a folder outside
 *       any hostpki store ({@link OutputFile}'s rule). {@code .well-known} and {@code
 *       acme-challenge} must be folders, never links (a planted link would send the token file,
 *       and its removal, anywhere); missing ones are made 0755, relative to the folder held
 *       open that holds them (through {@code /proc/self/fd}; without {@code /proc}, through their
 *       path and checked after). Each is opened once, relative to
 *       the one before, and the token files are made and removed relative to the folder held
 *       open, so a folder swapped for a link after the check sends nothing anywhere.
 *   <li>A token is used as a file name only when it is base64url, as RFC 8555 section 8.3 says it
 *       is: a CA cannot name {@code ../} paths.
 *   <li>A token file is created new (O_CREAT|O_EXCL without following a link) with mode 0644
 *       whatever the umask (the web server must read it). Whatever already has its name — a link,
 *       a FIFO, a folder — is refused and left alone; only a regular file holding exactly this key
 *       authorization (left by an order that was killed) is taken over.
 *   <li>Removal is of what this wrote only: a file or folder is removed when it is still the one
 *       made (the same kind, device and inode: a link put in its place stays), a folder only
 *       when empty.
 * </ul>
 *
 * <p>Just over 400 lines on purpose: making the folders, the token files in them and removing both
 * share the folders held open and the record of what was made, each step checked against it.
 */
final class Http01Webroot implements ChallengeResponder {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  /**
   * Something this made: the folder held open that holds it, its name there, its path for
   * messages, and how to know it is still that: its kind and inode.
   */
  private record Made(SecureDirectoryStream<Path> in, Path name, Path shown, boolean folder, Object fileKey) {}

  private final Path webroot;
  /** Runs once the folders are open, before the token files are made (tests: a swap). */
  private final Runnable afterFolders;
  private final Consumer<Path> beforeMake;
  private final boolean throughProc;
  /** Files first, then folders, innermost first: the order of removal. */
  private final List<Made> files = new ArrayList<>();
  private final List<Made> folders = new ArrayList<>();
  /** The folders held open, innermost first: the webroot, .well-known, acme-challenge. */
  private final List<SecureDirectoryStream<Path>> handles = new ArrayList<>();

  Http01Webroot(Path webroot) {
    this(webroot, () -> { });
  }

  Http01Webroot(Path webroot, Runnable afterFolders) {
    this(webroot, afterFolders, folder -> { }, true);
  }

  /**
   * @param beforeMake runs before a missing folder is made, and before a token file just made is made
   *     readable to all (tests: a swap)
   * @param throughProc whether a missing folder is made through {@code /proc/self/fd} (tests:
   *     false, the way without {@code /proc})
   */
  Http01Webroot(Path webroot, Runnable afterFolders, Consumer<Path> beforeMake, boolean throughProc) {
    this.webroot = webroot;
    this.afterFolders = afterFolders;
    this.beforeMake = beforeMake;
    this.throughProc = throughProc;
  }

  /**
   * Makes the token files. Each folder on the way is opened once, without following a link,
   * relative to the one before, and the token files are made relative to {@code acme-challenge}
   * held open (openat): whoever may write the webroot could otherwise swap {@code .well-known} or
   * {@code acme-challenge} for a link between the check and the write, and hostpki, running as
   * root, would make a file named by the CA wherever the link points ({@code /etc/sudoers.d},
   * where a file sudo cannot parse stops sudo for every user).
   */
  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    Path root = realWebroot();
    SecureDirectoryStream<Path> rootHandle = open(root);
    Path wellKnown = root.resolve(".well-known");
    SecureDirectoryStream<Path> wellKnownHandle = folder(rootHandle, wellKnown);
    Path folder = wellKnown.resolve("acme-challenge");
    SecureDirectoryStream<Path> challengeHandle = folder(wellKnownHandle, folder);
    afterFolders.run();
    for (PendingChallenge c : challenges) {
      if (!TOKEN.matcher(c.token()).matches()) {
        throw failure(
            "the CA sent the http-01 token " + TerminalText.escape(c.token()) + " for "
                + TerminalText.escape(c.describe()) + ", which is not base64url (RFC 8555 section 8.3);"
                + " it is not used as a file name");
      }
      tokenFile(challengeHandle, folder.resolve(c.token()), c.keyAuthorization().getBytes(StandardCharsets.US_ASCII));
    }
  }

  private Path realWebroot() throws AcmeFailure {
    Path root;
    try {
      root = webroot.toRealPath();
    } catch (IOException e) {
      throw failure(setting() + " cannot be used: " + FileReasons.of(e) + "; give the document root of the web"
          + " server that serves port 80 for these names");
    }
    if (!Files.isDirectory(root)) {
      throw failure(setting() + " is not a folder; give the document root of the web server that serves port 80"
          + " for these names");
    }
    try {
      // OutputFile's rules for a file the user names (not inside a hostpki store, not under /dev
      // or /proc), checked on a name beside .well-known before anything is made
      OutputFile.at(root.resolve(".well-known.hostpki-check"));
    } catch (HostpkiException e) {
      throw failure(setting() + " cannot take token files: " + e.getMessage());
    }
    return root;
  }

  /** The webroot, held open: the folders in it are opened relative to it. */
  private SecureDirectoryStream<Path> open(Path root) throws AcmeFailure {
    try {
      DirectoryStream<Path> stream = Files.newDirectoryStream(root);
      if (!(stream instanceof SecureDirectoryStream<Path> handle)) {
        stream.close();
        throw failure(setting() + " is on a file system that cannot hold a folder open (openat);"
            + " give a folder on a local file system");
      }
      handles.add(0, handle);
      return handle;
    } catch (IOException e) {
      throw failure("cannot read " + shown(root) + ": " + FileReasons.of(e));
    }
  }

  /**
   * A folder of the path to the token, opened in the folder held before it: there, or made now;
   * never a link. Java cannot make a folder relative to one held open (mkdirat): a missing one is
   * made through {@code /proc/self/fd/N/NAME}, N the folder held open (the kernel follows that to
   * the folder itself, whatever was renamed or linked since), else through its path and checked
   * after (see {@link #makeThroughPath}). What is opened then is what the folder held has under
   * that name.
   */
  private SecureDirectoryStream<Path> folder(SecureDirectoryStream<Path> parent, Path folder) throws AcmeFailure {
    Path name = folder.getFileName();
    boolean made;
    try {
      Optional<Path> held = throughProc ? HeldDescriptors.ofFolder(parent) : Optional.empty();
      beforeMake.accept(folder);
      if (held.isPresent()) {
        Files.createDirectory(held.get().resolve(name.toString()), PosixFilePermissions.asFileAttribute(FOLDER));
      } else {
        makeThroughPath(parent, name, folder);
      }
      made = true;
    } catch (FileAlreadyExistsException e) {
      made = false;
    } catch (IOException e) {
      throw failure("cannot make " + shown(folder) + ": " + writeFailure(e));
    }
    BasicFileAttributes attributes = attributes(parent, name, folder);
    if (attributes.isSymbolicLink()) {
      throw failure(shown(folder) + " is a symbolic link; hostpki does not follow links inside the webroot"
          + " (whoever can write there could point it anywhere). Make it a folder, or point "
          + setting().split(" ")[0] + " at the folder that holds .well-known/acme-challenge itself");
    }
    if (!attributes.isDirectory()) {
      throw failure(shown(folder) + " is " + FileReasons.kindOf(folder, attributes, LinkOption.NOFOLLOW_LINKS)
          + ", not a folder; remove it so that hostpki can make the folder");
    }
    SecureDirectoryStream<Path> handle;
    try {
      handle = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw failure(shown(folder) + " was replaced while hostpki opened it (" + FileReasons.cause(e)
          + "); nothing was written there");
    }
    handles.add(0, handle);
    try {
      BasicFileAttributes opened = handle.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
      if (made && keyOf(opened, folder).equals(keyOf(attributes, folder))) {
        handle.getFileAttributeView(PosixFileAttributeView.class).setPermissions(FOLDER);
        folders.add(0, new Made(parent, name, folder, true, keyOf(opened, folder)));
      }
    } catch (IOException e) {
      throw failure("cannot make " + shown(folder) + ": " + writeFailure(e));
    }
    return handle;
  }

  /**
   * Makes a folder through its path, where {@code /proc/self/fd} is not there to make it relative
   * to the folder held open, then checks that it is in that folder. When the folder's path led
   * elsewhere meanwhile (a folder of the webroot renamed and a link put in its place), the empty
   * folder made there is removed again and the order refused. What remains: the moment between
   * that check and the removal, when what was made is found through the path again.
   */
  private static void makeThroughPath(SecureDirectoryStream<Path> parent, Path name, Path folder)
      throws IOException, AcmeFailure {
    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
    BasicFileAttributes made;
    try {
      made = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      made = null;
    }
    BasicFileAttributes there;
    try {
      there = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (NoSuchFileException e) {
      there = null;
    }
    if (made != null && there != null && keyOf(there, folder).equals(keyOf(made, folder))) {
      return;
    }
    String removed = "";
    if (made != null && made.isDirectory()) {
      try {
        BasicFileAttributes now = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (now.isDirectory() && keyOf(now, folder).equals(keyOf(made, folder))) {
          Files.delete(folder);
          removed = "; the empty folder made where it led was removed again";
        }
      } catch (IOException e) {
        removed = "; an empty folder named " + shown(name) + " may be left where it led: " + FileReasons.cause(e);
      }
    }
    throw failure(shown(folder.getParent()) + " was replaced while hostpki made " + shown(name) + " in it"
        + removed + "; nothing was written. Whoever may write the webroot changed it: look at what is there");
  }

  private void tokenFile(SecureDirectoryStream<Path> folder, Path file, byte[] content) throws AcmeFailure {
    Path name = file.getFileName();
    try (SeekableByteChannel channel =
        folder.newByteChannel(name, CREATE_NEW, PosixFilePermissions.asFileAttribute(PUBLIC))) {
      beforeMake.accept(file);
      BasicFileAttributes created = attributes(folder, name, file);
      files.add(new Made(folder, name, file, false, keyOf(created, file)));
      makePublic(folder, name, file, created);
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      return;
    } catch (FileAlreadyExistsException e) {
      // checked below
    } catch (IOException e) {
      throw failure("cannot write the http-01 token file " + shown(file) + ": " + writeFailure(e));
    }
    BasicFileAttributes attributes = attributes(folder, name, file);
    if (attributes.isRegularFile() && sameContent(folder, name, content)) {
      // a killed order's: same token, same answer
      files.add(new Made(folder, name, file, false, keyOf(attributes, file)));
      return;
    }
    throw failure(
        shown(file) + " already exists (" + FileReasons.kindOf(file, attributes, LinkOption.NOFOLLOW_LINKS)
            + "); hostpki writes token files only as new files and leaves what it did not write alone."
            + " Remove it, then try again");
  }

  private static boolean sameContent(SecureDirectoryStream<Path> folder, Path name, byte[] content) {
    // Opened within a time limit: a FIFO swapped in since the look would block the open for good.
    try (SeekableByteChannel channel = InputFiles.openBounded(name, () -> folder.newByteChannel(name, READ))) {
      if (channel.size() != content.length) {
        return false;
      }
      ByteBuffer buffer = ByteBuffer.allocate(content.length);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read it all
      }
      return java.util.Arrays.equals(buffer.array(), content);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public List<String> cleanUp() {
    List<String> warnings = new ArrayList<>();
    List<Made> all = new ArrayList<>(files);
    all.addAll(folders);
    for (Made made : all) {
      try {
        BasicFileAttributes now =
            made.in().getFileAttributeView(made.name(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        if (!made.fileKey().equals(keyOf(now, made.shown()))
            || (made.folder() ? !now.isDirectory() : !now.isRegularFile())) {
          warnings.add(shown(made.shown()) + " was replaced while the order ran; hostpki left it as it is");
        } else if (made.folder()) {
          made.in().deleteDirectory(made.name());
        } else {
          made.in().deleteFile(made.name());
        }
      } catch (NoSuchFileException e) {
        // gone already
      } catch (DirectoryNotEmptyException e) {
        // someone put files there too: theirs
      } catch (IOException e) {
        warnings.add("could not remove " + shown(made.shown()) + " after the order: " + FileReasons.cause(e)
            + "; remove it by hand");
      }
    }
    files.clear();
    folders.clear();
    for (SecureDirectoryStream<Path> handle : handles) {
      try {
        handle.close();
      } catch (IOException e) {
        // a folder read only: nothing to lose
      }
    }
    handles.clear();
    return warnings;
  }

  static String writeFailure(IOException e) {
    String cause = FileReasons.cause(e);
    String hint = "";
    if (cause.contains("read-only")) {
      hint = " (a systemd unit with ProtectSystem=strict needs the webroot in ReadWritePaths=: see"
          + " examples/systemd/acme-webroot.conf)";
    } else if (e instanceof AccessDeniedException) {
      hint = " (the example units run as root without CAP_DAC_OVERRIDE, so root writes only where the owner"
          + " bits let it: make .well-known and .well-known/acme-challenge root's, or writable by the user"
          + " hostpki runs as; see examples/systemd/acme-webroot.conf)";
    }
    return cause + "; hostpki must be able to write into the webroot while an order runs" + hint;
  }

  private static Object keyOf(BasicFileAttributes attributes, Path path) {
    Object key = attributes.fileKey();
    return key != null ? key : path; // a file system without inodes: the name is all there is
  }

  /**
   * Makes the token file just created {@code rw-r--r--} whatever the umask (the unit's is 0077):
   * through the descriptor this process holds of it ({@code /proc/self/fd/N}: chmod there changes
   * the file held open, and opens nothing). Through its name, the JDK opens the file to change its
   * mode, and a FIFO whoever may write the folder renamed over it meanwhile would hold the apply —
   * and the store's lock — for good. Without {@code /proc}, through its name.
   */
  private void makePublic(SecureDirectoryStream<Path> folder, Path name, Path file, BasicFileAttributes created)
      throws IOException, AcmeFailure {
    Optional<Path> own = created.isRegularFile() ? HeldDescriptors.of(created.fileKey(), false) : Optional.empty();
    if (own.isPresent()) {
      if (!Files.getPosixFilePermissions(own.get()).equals(PUBLIC)) {
        Files.setPosixFilePermissions(own.get(), PUBLIC);
      }
      return;
    }
    if (throughProc && HeldDescriptors.available()) {
      throw failure(shown(file) + " was replaced while hostpki wrote it (" + FileReasons.kindOf(file, created,
          LinkOption.NOFOLLOW_LINKS) + " now); nothing was written to it. Whoever may write the webroot changed"
          + " it: look at what is there");
    }
    folder.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(PUBLIC);
  }

  /** What {@code name} in the folder held is, without following a link. */
  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> folder, Path name, Path shown)
      throws AcmeFailure {
    try {
      return folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (IOException e) {
      throw failure("cannot read " + shown(shown) + ": " + FileReasons.of(e));
    }
  }

  private String setting() {
    return "server.acme.http01.webroot " + shown(webroot);
  }

  private static String shown(Path path) {
    return TerminalText.escape(path.toString());
  }

  private static AcmeFailure failure(String message) {
    return new AcmeFailure(AcmeFailure.Kind.CHALLENGE_SETUP, message);
  }
}
