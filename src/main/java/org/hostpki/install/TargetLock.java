package org.hostpki.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.hostpki.model.InstallTarget;

/**
 * A host-wide lock on one install target, held by an installer from reading the target to its
 * check afterwards (or its rollback). Several stores on one host install into the same target
 * (the system trust store, one Java trust store): each store's own lock does not keep their
 * applies apart, and the platform's tools are not made to run twice at once — two
 * {@code update-ca-certificates} runs write the same temporary bundle, and the one renamed last
 * held one certificate, or every one twice. The lock is a POSIX record lock on a hidden file
 * the target's tool never reads, made once and left there; within one JVM a lock per file keeps
 * threads apart too (a record lock belongs to the process), and lets the thread that holds it
 * take it again.
 */
final class TargetLock implements AutoCloseable {
  /** Longer than any one holder needs: its tool runs (each bounded by the tool timeout) and checks. */
  static final Duration WAIT = Duration.ofMinutes(10);

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private static final long POLL_MILLIS = 100;

  private final ReentrantLock local;
  private final FileChannel channel;

  private TargetLock(ReentrantLock local, FileChannel channel) {
    this.local = local;
    this.channel = channel;
  }

  /**
   * Waits up to {@code wait} for the lock on {@code file} (made 0600 when missing; a link is
   * refused).
   *
   * @throws InstallException when it cannot be made or another holder keeps it longer than that
   */
  static TargetLock hold(InstallTarget target, Path file, Duration wait) {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      if (!local.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(target, file, wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException(target, "interrupted while waiting for " + file, true, e);
    }
    if (local.getHoldCount() > 1) {
      return new TargetLock(local, null); // this thread holds the file's lock already
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new TargetLock(local, channel);
        }
        if (System.nanoTime() > deadline) {
          throw busy(target, file, wait);
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException e) {
      close(channel);
      local.unlock();
      throw new InstallException(
          target, "cannot lock " + file + " (it keeps two stores' installs apart): " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      close(channel);
      local.unlock();
      Thread.currentThread().interrupt();
      throw new InstallException(target, "interrupted while waiting for " + file, true, e);
    } catch (RuntimeException e) {
      close(channel);
      local.unlock();
      throw e;
    }
  }

  private static InstallException busy(InstallTarget target, Path file, Duration wait) {
    return new InstallException(
        target,
        "another hostpki (another store on this host) has been installing into this target for "
            + wait.toMinutes() + " minutes, holding " + file + "; nothing was changed. Look for a hostpki apply or"
            + " watch stuck in its tool (ps -ef | grep hostpki) and apply again",
        true,
        null);
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // releasing: nothing to do
      }
    }
  }

  /** Releases the lock; the file stays. */
  @Override
  public void close() {
    close(channel);
    local.unlock();
  }
}
