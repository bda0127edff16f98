package org.hostpki.install;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.hostpki.files.FileModes;
import org.hostpki.files.FileOwners;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;

/**
 * The folder hostpki makes its private temporary folders and files in ({@link
 * NssDatabaseInstaller}'s copies and batches, {@link ToolRunner}'s output files): {@code
 * ${java.io.tmpdir}/hostpki-UID}, the user's own, mode 0711 (rvfinal16 5). In it only this user
 * makes names, so {@link NssLeftovers}' sweep of a killed run's leftovers reads only what hostpki
 * left there: in the temporary folder itself any local user's 4,096 look-alike names ahead of them
 * kept them for good. Others may pass through it (certutil runs as a database's owner, in a folder
 * made for it inside), never list or write it.
 *
 * <p>It is made with {@code mkdir}, which follows no link. One that is there already is used only
 * when it is a folder (not a link), this user's, and no one else may write it; otherwise the
 * temporary folder itself is used, as before, and {@link #refused} says why (a local user may have
 * made {@code /tmp/hostpki-0} before root's first run: refusing to run would let them stop every
 * NSS install of root's).
 */
final class PrivateTemp {
  /** The folder's name before the user's id. */
  static final String PREFIX = "hostpki-";

  private PrivateTemp() {}

  /** Where the private folders go, and why not in hostpki's own folder when they do not. */
  record Place(Path folder, String refused) {
    /** Whether the temporary folder itself is used: {@link #refused} says why. */
    boolean bypassed() {
      return refused != null;
    }
  }

  /** The place in {@code java.io.tmpdir}. */
  static Place place() {
    return place(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** The place in {@code temporary}, made if it is not there (looked at each time: a cleaner may remove it). */
  static Place place(Path temporary) {
    OptionalInt uid = FileOwners.processUid(temporary.getFileSystem());
    if (uid.isEmpty() || !temporary.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return new Place(temporary, "this system gives no user id or file modes");
    }
    Path own = temporary.resolve(PREFIX + uid.getAsInt());
    try {
      Files.createDirectory(own, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      passable(own);
      return new Place(own, null);
    } catch (FileAlreadyExistsException e) {
      return existing(own, uid.getAsInt());
    } catch (IOException | RuntimeException e) {
      return new Place(temporary, "it cannot be made: " + TerminalText.escape(Objects.toString(e.getMessage(), e.toString())));
    }
  }

  /**
   * Mode 0711 on the folder itself, never through a link (rvcore17 L4: in a temporary folder
   * without the sticky bit, another user may swap the name for a link between mkdir and chmod).
   */
  static void passable(Path own) throws IOException {
    Files.getFileAttributeView(own, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setPermissions(PosixFilePermissions.fromString("rwx--x--x"));
  }

  private static Place existing(Path own, int uid) {
    String problem;
    try {
      Map<String, Object> a = Files.readAttributes(own, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      int owner = (Integer) a.get("uid");
      if ((mode & FileModes.TYPE) == FileModes.LINK) {
        problem = "it is a symbolic link" + KeystorePlace.leadsTo(own);
      } else if ((mode & FileModes.TYPE) != FileModes.DIRECTORY) {
        problem = "it is no folder";
      } else if (owner != uid) {
        problem = "it belongs to uid " + owner + ", not to uid " + uid;
      } else if ((mode & FileModes.OTHERS_MAY_WRITE) != 0) {
        problem = "others may write it (mode " + Integer.toOctalString(mode & 07777) + ")";
      } else {
        if ((mode & 011) != 011) {
          // certutil, run as a database's owner, passes through it
          passable(own);
        }
        return new Place(own, null);
      }
    } catch (IOException | RuntimeException e) {
      problem = "it cannot be read: " + Objects.toString(e.getMessage(), e.toString());
    }
    return new Place(own.getParent(), TerminalText.escape(own + " is not used: " + problem
        + ". Someone else may have made it before hostpki's first run; private copies are made in "
        + own.getParent() + " itself, where a killed run's leftovers are not always found. Remove it"
        + " (" + ShellCommand.of("rm", "-r", own) + "; hostpki makes it again), or give hostpki another temporary folder"
        + " (HOSTPKI_JAVA_OPTS=-Djava.io.tmpdir=DIR)"));
  }
}
