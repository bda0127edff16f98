package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hostpki-nss*} folders a killed plan left in the temporary folder (each a copy of an
 * app's key4.db): the next run that makes one removes this user's that are older than a day, and
 * nothing else (closing note 15: "they still take /tmp space").
 */
class NssLeftoversTest {
  @TempDir Path tmp;
  @TempDir Path elsewhere;

  @Test
  void removesOnlyThisUsersStaleFoldersNeverFollowingALink() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant now = Files.getLastModifiedTime(made).toInstant();
    Path stale = leftover("hostpki-nss200", now.minus(Duration.ofHours(25)));
    Files.setLastModifiedTime(stale.resolve("db").resolve("key4.db"), FileTime.from(now.minus(Duration.ofDays(3))));
    Path fresh = leftover("hostpki-nss300", now.minus(Duration.ofHours(23))); // a live run's, perhaps
    Path other = leftover("not-hostpki", now.minus(Duration.ofDays(9)));
    Path victim = leftover("victim", now.minus(Duration.ofDays(9)));
    Path victimHere = elsewhere.resolve("hostpki-nss-victim");
    Files.move(victim, victimHere);
    Path link = Files.createSymbolicLink(tmp.resolve("hostpki-nss400"), victimHere);
    Path file = Files.writeString(tmp.resolve("hostpki-nss500"), "not a folder");
    Files.setLastModifiedTime(file, FileTime.from(now.minus(Duration.ofDays(9))));

    assertThat(NssLeftovers.sweep(made)).containsExactly("hostpki-nss200");

    assertThat(stale).doesNotExist();
    assertThat(made).isDirectory();
    assertThat(fresh.resolve("db").resolve("key4.db")).exists();
    assertThat(other.resolve("db").resolve("key4.db")).exists();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(victimHere.resolve("db").resolve("key4.db")).exists();
    assertThat(file).exists();
  }

  @Test
  void leavesAnotherUsersFolder() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant now = Files.getLastModifiedTime(made).toInstant();
    Path theirs = leftover("hostpki-nss200", now.minus(Duration.ofDays(2)));
    Files.setOwner(theirs, tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Files.setLastModifiedTime(theirs, FileTime.from(now.minus(Duration.ofDays(2))));

    assertThat(NssLeftovers.sweep(made)).isEmpty();

    assertThat(theirs.resolve("db").resolve("key4.db")).exists();
  }

  /**
   * rvsec16: every folder a run made read the whole temporary folder, collecting and looking up
   * every name starting with hostpki-nss (any local user may make 200,000 of them). Only the names
   * createTempDirectory makes are taken now, and the names looked at are bounded.
   */
  @Test
  void takesOnlyTheNamesARunMakesAndLooksAtABoundedNumber() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant old = Files.getLastModifiedTime(made).toInstant().minus(Duration.ofDays(2));
    Path ours = leftover("hostpki-nss18446744073709551615", old);
    Path[] alike = {leftover("hostpki-nss", old), leftover("hostpki-nss-7", old), leftover("hostpki-nss7x", old),
        leftover("hostpki-nss123456789012345678901", old)};

    assertThat(NssLeftovers.sweep(made)).containsExactly("hostpki-nss18446744073709551615");

    assertThat(ours).doesNotExist();
    for (Path folder : alike) {
      assertThat(folder.resolve("db").resolve("key4.db")).exists();
    }
    for (int i = 0; i < 30; i++) {
      leftover("hostpki-nss" + (200 + i), old);
    }
    assertThat(NssLeftovers.sweep(made, 10, NssLeftovers.MAX_LEFTOVER_ENTRIES)).hasSizeBetween(1, 10);
  }

  /**
   * rvsec16: a leftover whose out/ the database's owner filled (300,000 files, or folders deeper
   * than a run makes) was read whole at every run and never removed. A sweep reads at most so many
   * names of one and removes those (rvsec17 M2: given up whole, such leftovers stayed for good and
   * piled up): what is left goes at the next sweeps.
   */
  @Test
  void removesALeftoverHoldingMoreThanARunLeavesOverSeveralSweeps() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant old = Files.getLastModifiedTime(made).toInstant().minus(Duration.ofDays(2));
    Path filled = leftover("hostpki-nss200", old);
    for (int i = 0; i < 20; i++) {
      Files.writeString(filled.resolve("db").resolve("f" + i), "x");
    }
    Files.setLastModifiedTime(filled, FileTime.from(old));
    Path plain = leftover("hostpki-nss300", old);

    assertThat(NssLeftovers.sweep(made, NssLeftovers.MAX_EXAMINED, 8)).containsExactly("hostpki-nss300");

    assertThat(plain).doesNotExist();
    try (java.util.stream.Stream<Path> names = Files.list(filled.resolve("db"))) {
      assertThat(names.count()).isEqualTo(22 - 7);
    }
    for (int sweep = 0; sweep < 2; sweep++) {
      assertThat(NssLeftovers.sweep(made, NssLeftovers.MAX_EXAMINED, 8)).isEmpty();
    }
    assertThat(NssLeftovers.sweep(made, NssLeftovers.MAX_EXAMINED, 8)).containsExactly("hostpki-nss200");
    assertThat(filled).doesNotExist();
  }

  /**
   * rvsec17 M2: the database's owner planted a tree 40 folders deep in a batch's out folder (theirs
   * while certutil runs): the run's removal stopped at 32 levels and the sweep at 8, so the
   * leftover stayed for good. A tree of any depth is removed now, a link in it never followed.
   */
  @Test
  void removesATreeOfAnyDepthNeverFollowingALink() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant old = Files.getLastModifiedTime(made).toInstant().minus(Duration.ofDays(2));
    Path deep = leftover("hostpki-nss200", old);
    Path victim = Files.writeString(Files.createDirectory(elsewhere.resolve("root-only")).resolve("keep"), "keep");
    Path at = deep.resolve("out");
    for (int i = 0; i < 40; i++) {
      at = Files.createDirectory(at).resolve("d");
    }
    Files.createDirectories(at);
    Files.writeString(at.resolve("f"), "x");
    Files.createSymbolicLink(at.resolve("link"), victim.getParent());
    Files.setLastModifiedTime(deep, FileTime.from(old));

    assertThat(NssLeftovers.sweep(made)).containsExactly("hostpki-nss200");

    assertThat(deep).doesNotExist();
    assertThat(victim).hasContent("keep");

    Path again = Files.createDirectories(tmp.resolve("again").resolve("a" + "/b".repeat(60)));
    Files.writeString(again.resolve("f"), "x");
    try (java.nio.file.DirectoryStream<Path> stream = Files.newDirectoryStream(tmp.resolve("again"))) {
      NssLeftovers.empty((java.nio.file.SecureDirectoryStream<Path>) stream, Long.MAX_VALUE);
    }
    assertThat(tmp.resolve("again")).isEmptyDirectory();
  }

  /**
   * rvfinal16 5: a long-lived watch swept only at its first look, so the leftovers of runs killed
   * later stayed for good. Now a process sweeps again a day after its last sweep, never sooner.
   */
  @Test
  void sweepsAtTheFirstLookAndAgainADayLater() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant old = Files.getLastModifiedTime(made).toInstant().minus(Duration.ofDays(2));
    long now = System.nanoTime() + Duration.ofDays(3).toNanos(); // after any other test's sweep
    try {
      leftover("hostpki-nss200", old);
      assertThat(NssLeftovers.sweepDaily(made, now)).containsExactly("hostpki-nss200");
      Path later = leftover("hostpki-nss300", old);
      assertThat(NssLeftovers.sweepDaily(made, now + Duration.ofHours(23).toNanos())).isEmpty();
      assertThat(later.resolve("db").resolve("key4.db")).exists();
      assertThat(NssLeftovers.sweepDaily(made, now + Duration.ofHours(25).toNanos())).containsExactly("hostpki-nss300");
    } finally {
      NssLeftovers.SWEPT.set(null); // the next sweep of this process is due again
    }
  }

  /**
   * rvcore17 L1: what builds before the private folder left in the temporary folder itself was
   * never swept again once runs made their folders in hostpki-UID. The daily sweep looks there too.
   */
  @Test
  void theDailySweepAlsoTakesOlderBuildsLeftoversInTheTemporaryFolderItself() throws IOException {
    Path own = Files.createDirectory(tmp.resolve(PrivateTemp.PREFIX + "0"));
    Path made = Files.createDirectory(own.resolve("hostpki-nss100"));
    Instant old = Files.getLastModifiedTime(made).toInstant().minus(Duration.ofDays(2));
    Path older = leftover("hostpki-nss200", old);
    Path tool = file("hostpki-tool3.out", old);
    long now = System.nanoTime() + Duration.ofDays(9).toNanos(); // after any other test's sweep
    try {
      assertThat(NssLeftovers.sweepDaily(made, now)).containsExactlyInAnyOrder("hostpki-nss200", "hostpki-tool3.out");
    } finally {
      NssLeftovers.SWEPT.set(null);
    }
    assertThat(older).doesNotExist();
    assertThat(tool).doesNotExist();
    assertThat(made).isDirectory();
  }

  /**
   * Closing note 16: the {@code hostpki-tool*} files a killed run left (a tool's input, output and
   * messages) were never removed. Now this user's stale ones of exactly those names are; a link,
   * another name and a fresh one are left.
   */
  @Test
  void removesAKilledRunsToolFiles() throws IOException {
    Path made = Files.createDirectory(tmp.resolve("hostpki-nss100"));
    Instant now = Files.getLastModifiedTime(made).toInstant();
    Path out = file("hostpki-tool123.out", now.minus(Duration.ofDays(2)));
    Path in = file("hostpki-tool9.in", now.minus(Duration.ofDays(2)));
    Path fresh = file("hostpki-tool5.err", now.minus(Duration.ofHours(1)));
    Path other = file("hostpki-tool5.txt", now.minus(Duration.ofDays(2)));
    Path target = file("target", now.minus(Duration.ofDays(2)));
    Path link = Files.createSymbolicLink(tmp.resolve("hostpki-tool7.out"), target);

    assertThat(NssLeftovers.sweep(made)).containsExactlyInAnyOrder("hostpki-tool123.out", "hostpki-tool9.in");

    assertThat(out).doesNotExist();
    assertThat(in).doesNotExist();
    assertThat(fresh).exists();
    assertThat(other).exists();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(target).exists();
  }

  private Path file(String name, Instant at) throws IOException {
    Path file = Files.writeString(tmp.resolve(name), "output");
    Files.setLastModifiedTime(file, FileTime.from(at));
    return file;
  }

  /** A folder as a killed run leaves it: db/ with the copied files, last changed at {@code at}. */
  private Path leftover(String name, Instant at) throws IOException {
    Path folder = Files.createDirectory(tmp.resolve(name));
    Path db = Files.createDirectory(folder.resolve("db"));
    Files.writeString(db.resolve("key4.db"), "keys");
    Files.writeString(db.resolve("cert9.db"), "certificates");
    Files.setLastModifiedTime(folder, FileTime.from(at));
    assertThat(Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant()).isEqualTo(at);
    return folder;
  }
}
