package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.InstallTarget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetLockTest {
  @TempDir Path dir;

  /**
   * The busy message said the other run "has been installing into this target for 0 minutes": it
   * is how long this run waited, and under a minute it said nothing.
   */
  @Test
  void testHold_busySaysHowLongThisRunWaitedInWordsThatFit() throws Exception {
    Path file = dir.resolve(".cacerts.hostpki.lock");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () -> {
              try (TargetLock lock = TargetLock.hold(InstallTarget.system(), file, TargetLock.WAIT)) {
                held.countDown();
                done.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try {
      assertThat(held.await(1, TimeUnit.MINUTES)).isTrue();
      assertThatThrownBy(() -> TargetLock.hold(InstallTarget.system(), file, Duration.ofMillis(200)))
          .isInstanceOf(InstallException.class)
          .hasMessageContaining("locked by another store's apply in this process all the 200 milliseconds this run waited")
          .hasMessageNotContaining("0 minutes");
    } finally {
      done.countDown();
      holder.get(1, TimeUnit.MINUTES);
    }
    assertThat(TargetLock.length(TargetLock.WAIT)).isEqualTo("1 minute");
    assertThat(TargetLock.length(Duration.ofMinutes(10))).isEqualTo("10 minutes");
    assertThat(TargetLock.length(Duration.ofSeconds(61))).isEqualTo("1 minute 1 second");
    assertThat(TargetLock.length(Duration.ofSeconds(45))).isEqualTo("45 seconds");
  }

  /**
   * rvsec12 F1, second variant: the owner of a Java trust store's folder locked the lock file
   * (theirs to lock), and root's timer run waited up to 10 minutes without a word in its journal,
   * then blamed "another hostpki". It says at once whom it waits for, and the refusal names them.
   */
  @Test
  void testHold_heldByAnotherProcess_saysWhomItWaitsForAtOnceAndInTheRefusal() throws Exception {
    Path file = dir.resolve(".cacerts.hostpki.lock");
    Files.createFile(file);
    try (org.hostpki.testkit.PosixLockHolder holder = org.hostpki.testkit.PosixLockHolder.lock(file)) {
      java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      InstallTarget target = InstallTarget.java(dir.resolve("cacerts"));
      assertThatThrownBy(() -> TargetLock.hold(target, file, Duration.ofMillis(300), lines::add))
          .isInstanceOf(InstallException.class)
          .hasMessageContaining(file + " (it keeps two hostpki runs installing into this target apart) was locked by"
              + " process " + holder.pid() + " (user " + System.getProperty("user.name"))
          .hasMessageContaining("all the 300 milliseconds this run waited; nothing was changed")
          .hasMessageContaining("If it is not hostpki (whoever owns the folder may lock a file in it), stop it")
          .hasMessageNotContaining("another hostpki");
      assertThat(lines).singleElement().asString()
          .startsWith("waiting up to 300 milliseconds to install into " + target.address() + ": " + file
              + " is locked by process " + holder.pid() + " (user ");
    }
  }

  /**
   * A root run left its 0600 lock file in a user's folder (the user's own Java trust store), and
   * that user's hostpki then failed "cannot lock ...: Permission denied". Root now hands the lock
   * file to the folder's owner, also one an older run left; never a file that is not its empty
   * lock file (a hard link to one of root's files put there by the folder's owner).
   */
  @Test
  void testHold_asRootInSomeoneElsesFolderTheLockFileIsTheirs() throws IOException {
    Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Path folder = Files.createDirectory(dir.resolve("home"));
    Files.setOwner(folder, nobody);
    Path fresh = folder.resolve(".cacerts.hostpki.lock");
    Path left = folder.resolve(".other.hostpki.lock");
    Files.createFile(left); // as an older root run left it
    Path notALock = folder.resolve(".linked.hostpki.lock");
    Files.writeString(notALock, "root's secret\n");
    Files.createLink(dir.resolve("elsewhere"), notALock);

    for (Path file : new Path[] {fresh, left, notALock}) {
      TargetLock.hold(InstallTarget.system(), file, TargetLock.WAIT).close();
    }

    assertThat(Files.getOwner(fresh, LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody);
    assertThat(Files.getOwner(left, LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody);
    assertThat(Files.getOwner(notALock, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
    // in root's own folder nothing changes hands
    Path own = dir.resolve(".own.hostpki.lock");
    TargetLock.hold(InstallTarget.system(), own, TargetLock.WAIT).close();
    assertThat(Files.getOwner(own, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
  }

  /**
   * rvsec12 F1: the owner of a Java trust store's folder put a FIFO where the lock file goes, and
   * root's apply hung for good in the open (holding the store's lock). The open is bounded now,
   * and the refusal says what to do; nothing was changed.
   */
  @Test
  void testHold_aFifoInPlaceOfTheLockFileIsRefusedNotWaitedForForGood() throws Exception {
    Path file = dir.resolve(".cacerts.hostpki.lock");
    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    CompletableFuture<Void> hold =
        CompletableFuture.runAsync(() -> TargetLock.hold(InstallTarget.system(), file, TargetLock.WAIT).close());

    assertThatThrownBy(() -> hold.get(2, TimeUnit.MINUTES))
        .hasCauseInstanceOf(InstallException.class)
        .cause()
        .hasMessageContaining("cannot lock " + file + " (it keeps two stores' installs apart)")
        .hasMessageContaining("remove it and apply again. Nothing was changed");
  }

  /**
   * The systemd advice for a read-only folder (TargetLockNamespaceTest) follows from the folder, not
   * from the exception's words, which are the C library's in its language: a folder that can be
   * written gets none, whatever the words (rvsec16).
   */
  @Test
  void testHold_theWordsAloneBringNoReadOnlyAdvice() {
    Path file = dir.resolve(".hostpki.lock");

    assertThatThrownBy(
            () -> TargetLock.hold(
                InstallTarget.system(), file, TargetLock.WAIT, line -> {},
                () -> {
                  throw new FileSystemException(file.toString(), null, "Read-only file system");
                }))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("cannot lock " + file)
        .hasMessageNotContaining("ProtectSystem=");
  }
}
