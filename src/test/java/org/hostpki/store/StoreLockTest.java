package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store lock on a real directory (Jimfs locks are fake), with a second real process. */
class StoreLockTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00.750Z"), ZoneOffset.UTC);

  @TempDir Path temp;

  private final List<ChildJvm> children = new ArrayList<>();
  private final List<StoreLock> locks = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    locks.forEach(StoreLock::close);
    for (ChildJvm child : children) {
      child.kill();
    }
  }

  private Path store() {
    return temp.resolve("pki");
  }

  private StoreLock hold(String description) {
    StoreLock lock = StoreLock.acquire(store(), Duration.ZERO, description, CLOCK);
    locks.add(lock);
    return lock;
  }

  private ChildJvm child(String mode) throws IOException {
    ChildJvm child = ChildJvm.start(mode, store());
    children.add(child);
    return child;
  }

  @Test
  void testAcquire_createsStoreDirectoryAndLockFile() {
    hold("hostpki apply");

    assertThat(store()).isDirectory();
    assertThat(store().resolve(".lock")).isRegularFile();
  }

  @Test
  void testAcquire_secondInThisJvmIsRefusedNamingTheHolder() {
    hold("hostpki apply");

    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki rollback"))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "store " + store() + " is locked by pid " + ProcessHandle.current().pid()
                + " (hostpki apply, since 2026-03-01T12:00:00Z); wait for it or use "
                + "--lock-timeout");
  }

  @Test
  void testAcquire_refusalInThisJvmKeepsTheOsLock() throws IOException {
    hold("hostpki apply");
    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "again"))
        .isInstanceOf(HostpkiException.class);

    ChildJvm other = child("try");

    assertThat(other.nextLine())
        .startsWith("refused: store " + store() + " is locked by pid "
            + ProcessHandle.current().pid() + " (hostpki apply, since");
  }

  @Test
  void testAcquire_heldByAnotherProcessIsRefusedWithItsPid() throws IOException {
    ChildJvm holder = child("hold");
    assertThat(holder.nextLine()).isEqualTo("locked");

    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki apply"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "store " + store() + " is locked by pid " + holder.pid() + " (test holder, since ")
        .hasMessageEndingWith("; wait for it or use --lock-timeout");
  }

  /**
   * A holder in a container names itself pid 1 (its own PID namespace): on the host that is init. A
   * refusal names the PID this process can find it by, the one the kernel's lock table gives.
   */
  @Test
  void testAcquire_heldFromAnotherPidNamespaceIsRefusedWithThePidSeenHere() throws IOException {
    Namespace container = Namespace.pid();
    container.requireAvailable();
    ChildJvm holder =
        ChildJvm.start(container.wrap(Command.of(ChildJvm.commandLine("hold", store()))).arguments());
    children.add(holder);
    assertThat(holder.nextLine()).isEqualTo("locked");

    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki apply"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "store " + store() + " is locked by pid " + holder.jvmPid() + " (test holder, since ")
        .hasMessageContaining("; pid 1 in another PID namespace, pid:[")
        .hasMessageEndingWith(": a container's); wait for it or use --lock-timeout");
  }

  @Test
  void testAcquire_lockOfAKilledHolderIsReleasedByTheKernel() throws Exception {
    ChildJvm holder = child("hold");
    assertThat(holder.nextLine()).isEqualTo("locked");

    holder.kill();

    assertThat(hold("hostpki apply")).isNotNull();
  }

  @Test
  void testAcquire_waitsUntilTheHolderReleases() throws Exception {
    StoreLock first = hold("hostpki apply");
    CompletableFuture<StoreLock> second =
        CompletableFuture.supplyAsync(
            () -> StoreLock.acquire(store(), Duration.ofSeconds(60), "hostpki watch"));

    first.close();

    StoreLock acquired = second.get(60, TimeUnit.SECONDS);
    locks.add(acquired);
    assertThat(acquired.storeDirectory()).isEqualTo(store());
  }

  @Test
  void testAcquire_givesUpAfterTheTimeout() {
    hold("hostpki apply");
    long start = System.nanoTime();

    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ofMillis(300), "hostpki apply"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("(waited 300ms); wait for it or use --lock-timeout");
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void testAcquire_sayingOnceWhomItWaitsFor() throws Exception {
    StoreLock first = hold("hostpki apply");
    CompletableFuture<String> told = new CompletableFuture<>();
    CompletableFuture<StoreLock> second =
        CompletableFuture.supplyAsync(
            () -> StoreLock.acquire(store(), Duration.ofSeconds(60), "hostpki watch", CLOCK, words -> {
              if (!told.complete(words)) {
                throw new AssertionError("told twice: " + words);
              }
            }));

    assertThat(told.get(60, TimeUnit.SECONDS))
        .isEqualTo("waiting up to 60s for store " + store() + ", locked by pid " + ProcessHandle.current().pid()
            + " (hostpki apply, since 2026-03-01T12:00:00Z)");
    first.close();
    locks.add(second.get(60, TimeUnit.SECONDS));
  }

  @Test
  void testClose_releasesTheLockForTheNextHolder() {
    StoreLock first = StoreLock.acquire(store(), Duration.ZERO, "first", CLOCK);
    first.close();

    assertThat(hold("second")).isNotNull();
  }

  @Test
  void testClose_twiceDoesNothing() {
    StoreLock lock = StoreLock.acquire(store(), Duration.ZERO, "first", CLOCK);
    lock.close();
    lock.close();

    assertThat(hold("second")).isNotNull();
  }

  @Test
  void testClose_releasedLockIsFreeForAnotherProcess() throws IOException {
    hold("first").close();

    assertThat(child("try").nextLine()).isEqualTo("acquired");
  }

  @Test
  void testAcquire_doesNotFollowALinkPlantedAsTheLockFile() throws IOException {
    Files.createDirectories(store());
    Path victim = temp.resolve("victim");
    Files.writeString(victim, "precious");
    Files.createSymbolicLink(store().resolve(".lock"), victim);

    assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki apply"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("cannot lock store " + store())
        .hasMessageEndingWith("; the store is unchanged");
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  @Test
  void testCloseRemovingOwnFile_removesALockFileThisRunMade_andKeepsOneFoundThere() throws IOException {
    StoreLock made = StoreLock.acquire(store(), Duration.ZERO, "first", CLOCK);
    made.closeRemovingOwnFile();
    assertThat(store().resolve(".lock")).doesNotExist();

    Files.writeString(store().resolve(".lock"), ""); // an earlier run's
    StoreLock found = StoreLock.acquire(store(), Duration.ZERO, "second", CLOCK);
    found.closeRemovingOwnFile();
    found.closeRemovingOwnFile();

    assertThat(store().resolve(".lock")).isEmptyFile();
    assertThat(hold("third")).isNotNull();
  }
  @Test
  void testAcquire_lockFileIsForItsOwnerAlone_andAWiderOneFoundThereIsNarrowed() throws IOException {
    hold("first").close();
    assertThat(Files.getPosixFilePermissions(store().resolve(".lock")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    Files.setPosixFilePermissions(store().resolve(".lock"), PosixFilePermissions.fromString("rw-r--r--"));
    hold("second");

    assertThat(Files.getPosixFilePermissions(store().resolve(".lock")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  /** The attack: a user who can open the file holds a shared lock that keeps every apply out. */
  @Test
  void testAcquire_anotherUserCannotOpenTheLockFile() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    assumeTrue(Files.isExecutable(setpriv) && "root".equals(System.getProperty("user.name")));
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    hold("hostpki apply").close();

    Process nobody =
        new ProcessBuilder(
                setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "/bin/sh", "-c", "exec 3<\"$1\"", "sh", store().resolve(".lock").toString())
            .redirectErrorStream(true)
            .start();

    assertThat(nobody.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(nobody.getInputStream().readAllBytes())).contains("Permission denied");
    assertThat(nobody.exitValue()).isNotZero();
  }

  @Test
  void testAcquire_heldByAProcessThatDoesNotNameItselfIsRefusedWithHowToFindIt() throws IOException {
    hold("first").close();
    Path lockFile = store().toRealPath().resolve(".lock");
    try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki apply"))
          .isInstanceOf(HostpkiException.class)
          .hasMessage(
              "store " + store() + " is locked by a process that does not name itself in " + lockFile
                  + ", as hostpki does; see which with: fuser -v " + lockFile
                  + " (if it is not yours, stop it; then wait for hostpki or use --lock-timeout)");
    }
  }

  /**
   * rvcore11 7: a holder that writes no name (a person's script locking the file) is named by its
   * PID from the kernel's lock table, so "fuser -v" is not the only way to find it. (The test
   * above holds the lock in this JVM, where the kernel's table loses it as soon as hostpki's own
   * attempt closes its descriptor: POSIX locks are the process's, not the descriptor's.)
   */
  @Test
  void testAcquire_heldByAnotherProcessThatDoesNotNameItself_isNamedByItsPid() throws Exception {
    hold("first").close();
    Path lockFile = store().toRealPath().resolve(".lock");
    try (org.hostpki.testkit.PosixLockHolder holder = org.hostpki.testkit.PosixLockHolder.lock(lockFile)) {
      assertThatThrownBy(() -> StoreLock.acquire(store(), Duration.ZERO, "hostpki apply"))
          .isInstanceOf(HostpkiException.class)
          .hasMessageStartingWith(
              "store " + store() + " is locked by a process (pid " + holder.pid()
                  + ", by /proc/locks) that does not name itself in " + lockFile);
    }
  }
}
