package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hostpki.store.StoreFiles.bytes;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the user names for output, on the real file system: replaced, never written through. */
class OutputFileTest {
  private static final byte[] CONTENT = bytes("-----BEGIN CERTIFICATE-----\nnew\n");

  @TempDir Path dir;
  private Path store;
  private String generation;

  @BeforeEach
  void makeStore() {
    store = dir.resolve("pki");
    generation =
        new StoreDirectory(store, new TestClock(Instant.parse("2026-03-01T12:00:00Z")))
            .write(StoreFiles.typical("v1"), bytes("{}"));
  }

  @Test
  void testWrite_newFileIsCompleteAndReadableByAll() throws IOException {
    Path file = dir.resolve("ca.crt");

    OutputFile.at(file).write(CONTENT);

    assertThat(Files.readAllBytes(file)).isEqualTo(CONTENT);
    assertThat(mode(file)).isEqualTo("rw-r--r--");
  }

  @Test
  void testCreate_writesANewFileReadableByAll_leavingNoTemporaryFile() throws IOException {
    Path out = Files.createDirectory(dir.resolve("new"));

    OutputFile.at(out.resolve("host.yaml")).create(CONTENT, "choose another");

    assertThat(Files.readAllBytes(out.resolve("host.yaml"))).isEqualTo(CONTENT);
    assertThat(mode(out.resolve("host.yaml"))).isEqualTo("rw-r--r--");
    try (var entries = Files.list(out)) {
      assertThat(entries).containsExactly(out.resolve("host.yaml"));
    }
  }

  @Test
  void testCreate_neverReplacesAFileOrALink() throws IOException {
    Path file = Files.writeString(dir.resolve("host.yaml"), "mine");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), file);

    for (Path target : new Path[] {file, link}) {
      assertThatThrownBy(() -> OutputFile.at(target).create(CONTENT, "choose another"))
          .isInstanceOf(HostpkiException.class)
          .hasMessage("cannot write " + target + ": it exists, and it is not replaced; choose another");
    }
    assertThat(Files.readString(file)).isEqualTo("mine");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void testWrite_replacesAFileLeavingNoTemporaryFile() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path file = Files.writeString(out.resolve("ca.crt"), "old");

    OutputFile.at(file).write(CONTENT);

    assertThat(Files.readAllBytes(file)).isEqualTo(CONTENT);
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(file);
    }
  }

  /**
   * sign -o, export -o, plan --out, init -o killed while writing: each run left its hidden
   * temporary file beside the target, and they piled up. The next write of that file removes them
   * (a minute old, unlocked), never a live writer's, another file's, or one in a sticky directory.
   */
  @Test
  void testWrite_removesWhatKilledWritesOfTheFileLeft() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setAttribute(shared, "unix:mode", 01777);
    FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Path killed = old(out.resolve(".chain.pem.0123456789ab.tmp"), anHourAgo);
    Path writing = old(out.resolve(".chain.pem.abcdef012345.tmp"), anHourAgo);
    Path young = Files.writeString(out.resolve(".chain.pem.ba9876543210.tmp"), "half");
    Path otherFile = old(out.resolve(".other.pem.0123456789ab.tmp"), anHourAgo);
    Path notOurs = old(out.resolve(".chain.pem.0123456789ab.tmp.keep"), anHourAgo);
    Path inShared = old(shared.resolve(".chain.pem.0123456789ab.tmp"), anHourAgo);

    try (FileChannel channel = FileChannel.open(writing, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      OutputFile.at(out.resolve("chain.pem")).write(CONTENT);
      OutputFile.at(shared.resolve("chain.pem")).write(CONTENT);
    }

    assertThat(killed).doesNotExist();
    assertThat(List.of(writing, young, otherFile, notOurs, inShared)).allMatch(Files::exists);
    assertThat(out.resolve("chain.pem")).hasBinaryContent(CONTENT);
  }

  /**
   * A folder on the way that another user owns (a deploy user's webroot, a service's own folder):
   * its owner may plant entries under a temporary file's name, or swap one for a FIFO that would
   * hang the run opening it to test its lock; hostpki, as root, removes nothing there.
   */
  @Test
  void testWrite_removesNothingInAFolderAnotherUserMayChange() throws Exception {
    Path deploy = Files.createDirectory(dir.resolve("deploy"));
    Path webroot = Files.createDirectory(deploy.resolve("www"));
    Files.setPosixFilePermissions(webroot, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path inTheirs = old(webroot.resolve(".chain.pem.0123456789ab.tmp"), FileTime.fromMillis(0));
    chown("4242:4242", inTheirs);
    chown("4242:4242", webroot);
    OutputFile.at(webroot.resolve("chain.pem")).write(CONTENT);
    run("chown", "0:0", webroot.toString());
    chown("4242:4242", deploy); // theirs one folder up: they could swap www for their own
    OutputFile.at(webroot.resolve("chain.pem")).write(CONTENT);

    assertThat(inTheirs).exists();
    assertThat(webroot.resolve("chain.pem")).hasBinaryContent(CONTENT);
  }

  /**
   * A run stopped for over a minute (Ctrl-Z, a stalled NFS server) after writing its temporary
   * file but before renaming it: the next write of the file must not take it for a killed run's
   * leftover. It was unlocked once written, removed, and the stopped run failed on resuming.
   */
  @Test
  void testWrite_aStoppedRunsTemporaryFileIsLockedUntilItHasTheTargetsName() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path target = out.resolve("chain.pem");

    OutputFile.at(target).put(CONTENT, true, () -> {}, () -> {
          try (var written = Files.list(out)) {
            for (Path temporary : written.toList()) {
              Files.setLastModifiedTime(temporary, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            }
            OutputFile.at(target).write(bytes("meanwhile"));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });

    assertThat(target).hasBinaryContent(CONTENT);
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(target);
    }
  }

  private static Path old(Path file, FileTime time) throws IOException {
    Files.writeString(file, "half");
    Files.setLastModifiedTime(file, time);
    return file;
  }

  @Test
  void testWrite_replacedFileKeepsItsMode() throws IOException {
    Path file = Files.writeString(dir.resolve("mine.pem"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    OutputFile.at(file).write(CONTENT);

    assertThat(mode(file)).isEqualTo("rw-r-----");
  }

  @Test
  void testWrite_replacedFileKeepsItsOwner() throws Exception {
    Path file = Files.writeString(dir.resolve("theirs.pem"), "old");
    chown("4242:4243", file);

    OutputFile.at(file).write(CONTENT);

    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(4242);
    assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(4243);
  }

  @Test
  void testWrite_hardLinkToAStoreFileGetsANewFileAndTheStoreKeepsItsKey() throws IOException {
    Path key = store.resolve(generation).resolve("ca.key");
    Path link = Files.createLink(dir.resolve("ca.key"), key);

    OutputFile.at(link).write(CONTENT);

    assertThat(Files.readAllBytes(link)).isEqualTo(CONTENT);
    assertThat(Files.readString(key)).isEqualTo("ca key v1");
    assertThat(Files.readString(store.resolve("ca.key"))).isEqualTo("ca key v1");
  }

  @Test
  void testWrite_symbolicLinkReplacesTheFileItNamesAndStays() throws IOException {
    Path real = Files.writeString(Files.createDirectory(dir.resolve("certs")).resolve("ca.crt"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("ca.crt"), Path.of("certs/ca.crt"));

    OutputFile.at(link).write(CONTENT);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readAllBytes(real)).isEqualTo(CONTENT);
  }

  /**
   * metrics.textfile in a folder of node_exporter's: that user replaced the file with a link to
   * /etc/shadow, and root's next run replaced /etc/shadow with the metrics.
   */
  @Test
  void testAt_symbolicLinkOfAnotherUserIsNotFollowed() throws IOException {
    Path victim = Files.writeString(dir.resolve("shadow"), "precious");
    Path link = Files.createSymbolicLink(dir.resolve("hostpki.prom"), victim);
    Files.setAttribute(link, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> OutputFile.at(link).write(CONTENT))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("cannot write " + link + ": it is a symbolic link owned by 4242, who could point it at any"
            + " file for hostpki, running as root, to replace; remove the link, or name the file itself");
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  /**
   * metrics.textfile at /var/lib/prometheus/node-exporter/hostpki.prom, whose folders are
   * prometheus's: that user put a link in node-exporter's place, and root's run wrote its file in
   * the folder the link named.
   */
  @Test
  void testWrite_anotherUsersFolderLinkOnTheWayIsNotFollowed() throws Exception {
    Path theirs = Files.createDirectory(dir.resolve("prometheus"));
    Path elsewhere = Files.createDirectory(dir.resolve("etc"));
    Path folderLink = Files.createSymbolicLink(theirs.resolve("node-exporter"), elsewhere);
    run("chown", "-h", "4242", folderLink.toString(), theirs.toString());
    Path target = folderLink.resolve("hostpki.prom");

    assertThatThrownBy(() -> OutputFile.at(target).write(CONTENT))
        .hasMessage("cannot write " + target + ": it leads through the symbolic link " + folderLink
            + " owned by 4242, who could point it anywhere for hostpki, running as root, to write its"
            + " file there; name the file by its real path, or have root own the link");
    assertThat(elsewhere).isEmptyDirectory();
    Path rootsLink = Files.createSymbolicLink(dir.resolve("textfiles"), theirs.resolve("node-exporter"));
    assertThatThrownBy(() -> OutputFile.at(rootsLink.resolve("hostpki.prom")).write(CONTENT))
        .hasMessageContaining("it leads through the symbolic link " + folderLink + " owned by 4242");
    // root's link d/../l2, d a link to theirs/y: the kernel follows theirs/l2, where "d/.." read as
    // text leads to dir/l2.
    Path victim = Files.writeString(dir.resolve("shadow"), "precious");
    Files.createSymbolicLink(dir.resolve("d"), Files.createDirectory(theirs.resolve("y")));
    Path l1 = Files.createSymbolicLink(dir.resolve("l1"), Path.of("d/../l2"));
    Path l2 = Files.createSymbolicLink(theirs.resolve("l2"), victim);
    run("chown", "-h", "4242", l2.toString());
    assertThatThrownBy(() -> OutputFile.at(l1).write(CONTENT))
        .hasMessageContaining("it leads through the symbolic link " + l2 + " owned by 4242");
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  /**
   * The race between the check and the write: another user who owns a folder on the way swaps a
   * folder the check saw for a link to one of root's, with a file of theirs of the target's name in
   * the folder first. Written through the path, root replaced victim/ca.crt and gave it to that
   * user (the owner of the file the check saw); the folder is now opened link by link and held,
   * and the link found there is refused.
   */
  @Test
  void testWrite_folderSwappedForALinkAfterTheCheckIsRefused() throws Exception {
    Path victim = Files.createDirectory(dir.resolve("victim"));
    Files.writeString(victim.resolve("ca.crt"), "root's own");
    Path theirs = Files.createDirectory(dir.resolve("shared"));
    Path sub = Files.createDirectory(theirs.resolve("sub"));
    Files.writeString(sub.resolve("ca.crt"), "planted");
    run("chown", "4242", theirs.toString(), sub.toString(), sub.resolve("ca.crt").toString());
    OutputFile file = OutputFile.at(sub.resolve("ca.crt"));

    assertThatThrownBy(() -> file.put(CONTENT, true, () -> {
          try {
            Files.move(sub, theirs.resolve("sub.away"));
            Files.setAttribute(Files.createSymbolicLink(sub, victim), "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }, () -> {}))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("cannot write " + sub.resolve("ca.crt") + ": it leads through the symbolic link " + sub
            + " in a folder another user may change, who could put another link in its place while"
            + " hostpki follows it; name the file by its real path");
    assertThat(Files.readString(victim.resolve("ca.crt"))).isEqualTo("root's own");
    assertThat(Files.getAttribute(victim.resolve("ca.crt"), "unix:uid")).isEqualTo(0);
    try (var entries = Files.list(victim)) {
      assertThat(entries).containsExactly(victim.resolve("ca.crt"));
    }
  }

  /**
   * In a sticky folder every user may write (/tmp), another user waits for this run's temporary
   * file to appear and only then creates the target, empty: the file the check saw (none) is what
   * the new one takes after, so it is replaced by root's 0644 file, not given to them to change
   * (they got it in 4 runs of 6 with a polling script, 2 KB written on tmpfs).
   */
  @Test
  void testWrite_fileAnotherUserPlantsWhileItIsWrittenDoesNotGiveThemTheNewOne() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("tmp"));
    Files.setAttribute(shared, "unix:mode", 01777);
    Path target = shared.resolve("ca.pem");
    OutputFile file = OutputFile.at(target);

    file.put(CONTENT, true, () -> {}, () -> {
          try {
            Files.setAttribute(Files.createFile(target), "unix:uid", 4242);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });

    assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
    assertThat(mode(target)).isEqualTo("rw-r--r--");
    assertThat(target).hasBinaryContent(CONTENT);
  }

  /**
   * A link on the way pointed elsewhere between the check and the write (a deployment's "current"
   * switched): the folder checked is not the one the path now leads to, so nothing is written.
   */
  @Test
  void testWrite_linkRepointedAfterTheCheckWritesNothing() throws Exception {
    Path first = Files.createDirectory(dir.resolve("release-1"));
    Path second = Files.createDirectory(dir.resolve("release-2"));
    Path current = Files.createSymbolicLink(dir.resolve("current"), first);
    OutputFile file = OutputFile.at(current.resolve("ca.crt"));

    assertThatThrownBy(() -> file.put(CONTENT, true, () -> {
          try {
            Files.delete(current);
            Files.createSymbolicLink(current, second);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }, () -> {}))
        .hasMessage("cannot write " + current.resolve("ca.crt") + ": a folder or link on its path changed while"
            + " hostpki wrote it, and nothing was written; run it again, and if it happens again, name a"
            + " file in a folder no other user can write");
    assertThat(first).isEmptyDirectory();
    assertThat(second).isEmptyDirectory();
  }

  /**
   * A folder on the way that cannot be opened for want of a resource (too many open files, EMFILE)
   * has not changed: the reason and its fix, not "run it again"; a folder gone meanwhile has.
   */
  @Test
  void testWrite_aFolderThatCannotBeOpenedSaysWhyNotThatItChanged() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path target = out.resolve("ca.crt");
    OutputFolder.Opener exhausted = (folder, entry) -> {
      throw new FileSystemException(entry.toString(), null, "Too many open files");
    };
    OutputFolder.Opener gone = (folder, entry) -> {
      throw new NoSuchFileException(entry.toString());
    };

    assertThatThrownBy(() -> OutputFile.at(target, exhausted))
        .hasMessage("cannot write " + target + ": " + target.getRoot().resolve(target.getName(0)) + ": too many"
            + " open files (raise the limit: `ulimit -n`, LimitNOFILE= in a systemd unit)");
    assertThatThrownBy(() -> OutputFile.at(target, gone)).hasMessageContaining("changed while hostpki wrote it");
    assertThat(out).isEmptyDirectory();
  }

  /**
   * root's own link in a folder another user owns: they may replace it with theirs between the
   * look at the link and its reading, which Java can only do through the path; refused.
   */
  @Test
  void testWrite_rootsLinkInAnotherUsersFolderIsNotFollowed() throws Exception {
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Path real = Files.createDirectory(dir.resolve("real"));
    Path link = Files.createSymbolicLink(theirs.resolve("current"), real);
    run("chown", "4242", theirs.toString());

    assertThatThrownBy(() -> OutputFile.at(link.resolve("ca.crt"))) // before the command's work
        .hasMessage("cannot write " + link.resolve("ca.crt") + ": it leads through the symbolic link " + link
            + " in a folder another user may change, who could put another link in its place while"
            + " hostpki follows it; name the file by its real path");
    assertThat(real).isEmptyDirectory();
  }

  @Test
  void testWrite_anotherUsersFolderLinkInAStickyWorldWritableDirectoryIsNotFollowed() throws Exception {
    Path victim = Files.writeString(dir.resolve("shadow"), "root's own");
    Path shared = sticky("tmp");
    Path folderLink = Files.createSymbolicLink(shared.resolve("etc"), dir);
    run("chown", "-h", "4242", folderLink.toString());
    Path target = folderLink.resolve("shadow");

    assertThatThrownBy(() -> OutputFile.at(target).write(CONTENT))
        .hasMessageStartingWith("cannot write " + target + ": the symbolic link " + folderLink + ", which names " + dir
            + ", belongs to 4242, in " + shared + ", a sticky directory every user may write (as /tmp)")
        .hasMessageEndingWith("Remove it, or name a file in a directory only you can write");
    assertThat(Files.readString(victim)).isEqualTo("root's own");
  }

  @Test
  void testWrite_anotherUsersFileInAStickyWorldWritableDirectoryIsNotReplaced() throws Exception {
    Path shared = sticky("tmp");
    Path theirs = Files.writeString(shared.resolve("ca.crt"), "theirs");
    chown("4242", theirs);
    Path mine = Files.createSymbolicLink(shared.resolve("mine.crt"), Files.writeString(dir.resolve("mine"), "old"));

    assertThatThrownBy(() -> OutputFile.at(theirs).write(CONTENT))
        .hasMessageStartingWith("cannot write " + theirs + ": it belongs to 4242, in " + shared);
    assertThat(Files.readString(theirs)).isEqualTo("theirs");
    OutputFile.at(mine).write(CONTENT); // this user's own link and new files are as anywhere
    OutputFile.at(shared.resolve("new.crt")).write(CONTENT);
    assertThat(Files.readAllBytes(dir.resolve("mine"))).isEqualTo(CONTENT);
  }

  /** A directory as /tmp is: everyone may write, only an entry's owner may remove it. */
  private Path sticky(String name) throws Exception {
    Path shared = Files.createDirectory(dir.resolve(name));
    run("chmod", "1777", shared.toString());
    return shared;
  }

  @Test
  void testAt_visibleStoreNameIsRefused() {
    Path target = store.resolve("ca.key");

    assertThatThrownBy(() -> OutputFile.at(target))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "cannot write " + target + ": it is a symbolic link to "
                + store.resolve(generation).resolve("ca.key") + ", which is inside the hostpki store "
                + store + ", whose files only hostpki apply writes; writing there would damage the"
                + " store and its kept generations. Choose a path outside the store");
  }

  @Test
  void testAt_fileInAGenerationIsRefused() {
    assertThatThrownBy(() -> OutputFile.at(store.resolve(generation).resolve("ca.key")))
        .hasMessageContaining("it is inside the hostpki store " + store + ", whose files");
  }

  @Test
  void testAt_newFileInAStoreSubdirectoryIsRefused() {
    assertThatThrownBy(() -> OutputFile.at(store.resolve("trust").resolve("new.crt")))
        .hasMessageContaining("it is inside the hostpki store " + store);
  }

  @Test
  void testAt_newFileInTheStoreIsRefused() {
    assertThatThrownBy(() -> OutputFile.at(store.resolve("plan.json")))
        .hasMessageContaining("it is inside the hostpki store " + store);
  }

  @Test
  void testAt_missingFolderInsideTheStoreIsRefusedAsInsideNotAsMissing() {
    Path target = store.resolve("trust-hashed/new.crt");

    assertThatThrownBy(() -> OutputFile.at(target))
        .hasMessageContaining("it is inside the hostpki store " + store)
        .hasMessageNotContaining("mkdir");
  }

  @Test
  void testAt_directoryLinkedIntoTheStoreIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("certs"), store);

    assertThatThrownBy(() -> OutputFile.at(link.resolve("new.crt")))
        .hasMessageContaining("it is inside the hostpki store " + store);
  }

  @Test
  void testAt_storeThatLostItsDataLinkIsStillAStore() throws IOException {
    Files.writeString(store.resolve(".lock"), ""); // as every apply leaves it
    Files.delete(store.resolve("..data"));

    assertThatThrownBy(() -> OutputFile.at(store.resolve(generation).resolve("ca.key")))
        .hasMessageContaining("it is inside the hostpki store " + store);
  }

  @Test
  void testAt_lockFileWithoutGenerationsIsNoStore() throws IOException {
    Path app = Files.createDirectory(dir.resolve("app"));
    Files.writeString(app.resolve(".lock"), "");

    OutputFile.at(app.resolve("ca.crt")).write(CONTENT);

    assertThat(app.resolve("ca.crt")).exists();
  }

  @Test
  void testAt_missingDirectorySaysSo() {
    Path target = dir.resolve("missing/ca.crt");

    assertThatThrownBy(() -> OutputFile.at(target))
        .hasMessage(
            "cannot write " + target + ": the directory " + dir.resolve("missing")
                + " does not exist; create it first (mkdir -p " + dir.resolve("missing") + ")");
  }

  @Test
  void testAt_fileInPlaceOfTheDirectorySaysSo() throws IOException {
    Path file = Files.writeString(dir.resolve("host.yaml"), "x");

    assertThatThrownBy(() -> OutputFile.at(file.resolve("sub/ca.crt")))
        .hasMessage("cannot write " + file.resolve("sub/ca.crt") + ": " + file + " is not a directory");
  }

  @Test
  void testAt_directoryIsRefused() {
    assertThatThrownBy(() -> OutputFile.at(dir))
        .hasMessage("cannot write " + dir + ": it is a directory; name a file (in it, say)");
  }

  @Test
  void testAt_fifoIsRefusedPointingAtStandardOutput() throws Exception {
    Path fifo = dir.resolve("pipe");
    run("mkfifo", fifo.toString());

    assertThatThrownBy(() -> OutputFile.at(fifo))
        .hasMessage(
            "cannot write " + fifo + ": it is a FIFO (named pipe), not a regular file; hostpki"
                + " replaces files and never writes into a device or pipe. For standard output, give - as the file name");
  }

  @Test
  void testAt_deviceIsRefused() throws Exception {
    Path device = dir.resolve("null");
    run("mknod", device.toString(), "c", "1", "3");

    assertThatThrownBy(() -> OutputFile.at(device)).hasMessageContaining("it is a character device, not a regular file");
  }

  @Test
  void testAt_standardOutputByNameIsRefusedPointingAtTheDash() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("out.pem"), Path.of("/dev/stdout"));

    for (Path target : new Path[] {Path.of("/dev/stdout"), Path.of("/proc/self/fd/1"), link}) {
      assertThatThrownBy(() -> OutputFile.at(target))
          .hasMessageEndingWith(". For standard output, give - as the file name");
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void testAt_danglingLinkIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("gone.pem"), Path.of("nowhere/gone.pem"));

    assertThatThrownBy(() -> OutputFile.at(link))
        .hasMessageStartingWith(
            "cannot write " + link + ": it is a symbolic link to nowhere/gone.pem, which does not exist");
  }

  @Test
  void testWrite_directoryWithoutWriteAccessSaysPermissionDenied() {
    Path sys = Path.of("/sys");
    assumeThat(Files.isDirectory(sys.resolve("kernel"))).isTrue();
    Path target = sys.resolve("hostpki-test.crt");

    assertThatThrownBy(() -> OutputFile.at(target).write(CONTENT))
        .hasMessage(
            "cannot write " + target + ": permission denied: a new file cannot be created in /sys"
                + " (the file is replaced by a new one, so the directory must be writable)");
    assertThat(target).doesNotExist();
  }

  @Test
  void testWrite_worksOnAnyFileSystem() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/trusted.d/device.pem");
      Files.createDirectories(file.getParent());

      OutputFile.at(file).write(CONTENT);

      assertThat(Files.readAllBytes(file)).isEqualTo(CONTENT);
    }
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }

  private static void chown(String owner, Path file) throws Exception {
    run("chown", owner, file.toString());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }
}
