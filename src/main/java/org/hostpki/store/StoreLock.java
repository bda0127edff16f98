package org.hostpki.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;

/**
 * The exclusive lock that serialises writers of one store: an OS lock on {@code STORE/.lock},
 * which the kernel releases when its holder exits or crashes — there is no pid file to go stale.
 * The holder writes who it is into the file so that a refused caller can name it.
 *
 * <p>The file is for its owner alone (0600): a POSIX lock needs only an open file, and a shared
 * (read) lock, which any user who may open the file for reading can take, keeps the exclusive one
 * from being granted — a local user could otherwise hold every unattended run off forever. A lock
 * file an earlier version made 0644 is narrowed the next time it is opened.
 *
 * <p>Within one JVM a second lock on the same store is refused like one from another process
 * (see {@link HeldLocks} for why it never touches the file then).
 */
public final class StoreLock implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Set<OpenOption> OPEN_OPTIONS =
      Set.of(
          StandardOpenOption.CREATE,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> CREATE_NEW_OPTIONS =
      Set.of(
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
  private static final int REPLACED_LOCK_FILE_ATTEMPTS = 10;

  private final Path storeDirectory;
  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean created;
  private boolean closed;

  private StoreLock(Path storeDirectory, Path lockFile, FileChannel channel, FileLock lock, boolean created) {
    this.storeDirectory = storeDirectory;
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
    this.created = created;
  }

  /** {@link #acquire(Path, Duration, String, Clock)} with the system clock. */
  public static StoreLock acquire(Path storeDirectory, Duration timeout, String holderDescription) {
    return acquire(storeDirectory, timeout, holderDescription, Clock.systemUTC());
  }

  /** {@link #acquire(Path, Duration, String, Clock, Consumer)}, waiting without a word. */
  public static StoreLock acquire(
      Path storeDirectory, Duration timeout, String holderDescription, Clock clock) {
    return acquire(storeDirectory, timeout, holderDescription, clock, words -> {});
  }

  /**
   * Takes the store's lock, creating the store directory if missing.
   *
   * @param timeout how long to wait for another holder; zero: fail at once
   * @param holderDescription what the holder is doing, e.g. {@code hostpki apply}
   * @param clock for the "since" a refused caller is told
   * @param waiting told once, when another holds the lock and this caller begins to wait for it:
   *     whom it waits for and how long at most (a timer's apply waiting two minutes for an Ansible
   *     run says so in the journal, not only when it gives up)
   * @throws HostpkiException when another holder keeps the lock past the timeout, naming it
   */
  public static StoreLock acquire(
      Path storeDirectory, Duration timeout, String holderDescription, Clock clock,
      Consumer<String> waiting) {
    Objects.requireNonNull(storeDirectory, "storeDirectory");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative lock timeout: " + timeout);
    }
    if (Files.exists(storeDirectory)
        && !Files.isDirectory(storeDirectory)) {
      throw new HostpkiException(
          "store "
              + storeDirectory
              + " is not a directory; point store.path at a directory (it is made if missing)");
    }
    LockHolder holder =
        new LockHolder(
            ProcessHandle.current().pid(),
            clock.instant(),
            holderDescription,
            KernelLocks.ownPidNamespace().orElse(""));
    Path lockFile;
    try {
      SafeFiles.ensureStoreDirectory(storeDirectory);
      lockFile = storeDirectory.toRealPath().resolve(LOCK_FILE);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot lock store " + storeDirectory + ": " + IoFailures.describe(e) + "; the store is unchanged", e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean told = false;
    while (true) {
      Optional<StoreLock> lock = tryAcquire(storeDirectory, lockFile, holder);
      if (lock.isPresent()) {
        return lock.get();
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw refused(storeDirectory, lockFile, timeout);
      }
      if (!told) {
        told = true;
        waiting.accept(
            "waiting up to " + words(timeout) + " for store " + storeDirectory + ", locked by "
                + holderName(lockFile).orElse(
                    unnamedHolder(lockFile) + " that does not name itself in " + lockFile
                        + " (see which with: " + ShellCommand.of("fuser", "-v", lockFile) + ")"));
      }
      sleep(Math.min(remaining, POLL_INTERVAL.toNanos()), storeDirectory);
    }
  }

  private static Optional<StoreLock> tryAcquire(
      Path storeDirectory, Path lockFile, LockHolder holder) {
    if (!HeldLocks.claim(lockFile, holder)) {
      return Optional.empty();
    }
    try {
      // A lock file is removed only by its holder (closeRemovingOwnFile): one locked here may have
      // lost its name meanwhile, and another process then locks the new file of that name.
      for (int attempt = 0; attempt < REPLACED_LOCK_FILE_ATTEMPTS; attempt++) {
        Attempt locked = lockOnce(storeDirectory, lockFile, holder);
        if (!locked.replaced()) {
          if (locked.lock().isEmpty()) {
            HeldLocks.release(lockFile);
          }
          return locked.lock();
        }
      }
      throw new IOException("its lock file " + lockFile + " was replaced " + REPLACED_LOCK_FILE_ATTEMPTS
          + " times while this run locked it");
    } catch (IOException e) {
      HeldLocks.release(lockFile);
      throw new HostpkiException(
          "cannot lock store " + storeDirectory + ": " + IoFailures.describe(e) + "; the store is unchanged", e);
    } catch (RuntimeException e) {
      HeldLocks.release(lockFile);
      throw e;
    }
  }

  /** One attempt: the lock, none (another holder has it), or replaced: to be tried again. */
  private record Attempt(Optional<StoreLock> lock, boolean replaced) {}

  /** One attempt; replaced when the lock file lost its name while this run locked it. */
  private static Attempt lockOnce(
      Path storeDirectory, Path lockFile, LockHolder holder) throws IOException {
    FileChannel channel = null;
    try {
      boolean created = true;
      try {
        channel =
            FileChannel.open(
                lockFile, CREATE_NEW_OPTIONS, FileModes.creationAttributes(lockFile, FileModes.SECRET));
      } catch (FileAlreadyExistsException e) {
        created = false;
        channel =
            FileChannel.open(
                lockFile, OPEN_OPTIONS, FileModes.creationAttributes(lockFile, FileModes.SECRET));
        narrow(lockFile);
      }
      // The file opened is the one named now, unless its holder removed it in the instant since.
      Optional<Object> opened = fileKey(lockFile);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // locked in this JVM other than through StoreLock
      }
      if (lock == null) {
        channel.close();
        return new Attempt(Optional.empty(), false);
      }
      if (opened.isEmpty() || !opened.equals(fileKey(lockFile))) {
        channel.close(); // releases the lock on a file no longer named .lock
        return new Attempt(Optional.empty(), true);
      }
      name(channel, holder);
      return new Attempt(Optional.of(new StoreLock(storeDirectory, lockFile, channel, lock, created)), false);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * Writes who holds the lock into its file, for a refused caller's message. Best effort: the lock
   * is the kernel's, and the name only words a refusal. On a full disk the name needs a block the
   * empty file does not have: failing there made every run fail, also one that has nothing to
   * write, and a refused caller is told to look with {@code fuser} instead.
   */
  private static void name(FileChannel channel, LockHolder holder) {
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.toBytes()), 0);
    } catch (IOException e) {
      try {
        channel.truncate(0); // no half-written name
      } catch (IOException ignored) {
        // a name cut short parses as none: the refusal names no holder either way
      }
    }
  }

  /**
   * Makes a lock file that group or others may open (0644, as hostpki made it before) its owner's
   * alone, so that no other user can open it to hold a lock on it from now on. Best effort: a file
   * of another user's that this one may not change is left as it is (a refusal then names a holder
   * that is not hostpki, see {@link #refused}).
   */
  private static void narrow(Path lockFile) {
    if (!FileModes.hasPosix(lockFile)) {
      return;
    }
    try {
      Set<PosixFilePermission> mode =
          Files.readAttributes(lockFile, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .permissions();
      if (!FileModes.SECRET.containsAll(mode)) {
        FileModes.setExactly(lockFile, FileModes.SECRET);
      }
    } catch (IOException e) {
      // not this user's to change: the lock works as before
    }
  }

  /** The file's identity (device and inode), without following a link; empty when it is gone. */
  private static Optional<Object> fileKey(Path file) throws IOException {
    try {
      Object key =
          java.nio.file.Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      return Optional.of(key == null ? file : key); // no identities on this file system: the name
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static HostpkiException refused(Path storeDirectory, Path lockFile, Duration timeout) {
    Optional<String> holder = holderName(lockFile);
    String waited = timeout.isZero() ? "" : " (waited " + words(timeout) + ")";
    if (holder.isEmpty()) {
      // hostpki names itself in the file the moment it has the lock: this holder is not hostpki
      // (or one that has not written its name yet), perhaps a user who opened the file to keep
      // hostpki out.
      return new HostpkiException(
          "store " + storeDirectory + " is locked by " + unnamedHolder(lockFile) + " that does not name itself in "
              + lockFile + waited + ", as hostpki does; see which with: " + ShellCommand.of("fuser", "-v", lockFile)
              + " (if it is not yours, stop it; then wait for hostpki or use --lock-timeout)");
    }
    return new HostpkiException(
        "store " + storeDirectory + " is locked by " + holder.get() + waited
            + "; wait for it or use --lock-timeout");
  }

  /**
   * A holder that wrote no name into the lock file (not hostpki, or one that has not written it
   * yet): its PID as the kernel's lock table gives it, where this process can see it.
   */
  private static String unnamedHolder(Path lockFile) {
    OptionalLong pid = KernelLocks.writeLockHolder(lockFile);
    return pid.isPresent() ? "a process (pid " + pid.getAsLong() + ", by /proc/locks)" : "a process";
  }

  /** The holder as the lock file names it, seen from this process; empty when it names none. */
  private static Optional<String> holderName(Path lockFile) {
    Optional<LockHolder> inThisJvm = HeldLocks.holder(lockFile);
    Optional<String> holder = inThisJvm.map(LockHolder::toString);
    if (inThisJvm.isEmpty()) {
      // Another process holds it: reading the file here releases no lock of ours.
      try {
        holder =
            LockHolder.parse(SafeFiles.readNoFollow(lockFile))
                .map(h -> h.seenFrom(KernelLocks.ownPidNamespace(), KernelLocks.writeLockHolder(lockFile)));
      } catch (IOException e) {
        holder = Optional.empty();
      }
    }
    return holder;
  }

  private static String words(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }

  private static void sleep(long nanos, Path storeDirectory) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostpkiException(
          "interrupted while waiting for the lock on store " + storeDirectory);
    }
  }

  public Path storeDirectory() {
    return storeDirectory;
  }

  /**
   * Releases the lock, removing the lock file first when this run made it: for a refusal that must
   * leave nothing it made (a folder found to hold another program's files under the lock). A run
   * waiting for the lock meanwhile finds the file gone once it has it and locks the new one.
   * Removing is best effort, as emptying is in {@link #close()}.
   */
  public synchronized void closeRemovingOwnFile() {
    if (!closed && created) {
      try {
        java.nio.file.Files.deleteIfExists(lockFile);
      } catch (IOException e) {
        // left as any lock file is: empty once released, and hostpki's own in a folder check
      }
    }
    close();
  }

  /**
   * Releases the lock. Idempotent. Emptying the lock file (so that it names no holder once there
   * is none) is best effort: failing at it must not turn a finished apply into a failed one, and
   * the next holder writes its own name anyway.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.truncate(0);
    } catch (IOException e) {
      // the text left names a process that no longer holds the lock; nothing depends on it
    }
    try {
      try {
        lock.release();
      } finally {
        try {
          channel.close(); // releases the lock too, should release() have failed
        } finally {
          HeldLocks.release(lockFile);
        }
      }
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot release the lock on store " + storeDirectory + ": "
              + IoFailures.describe(e), e);
    }
  }
}
