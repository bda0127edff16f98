package org.hostpki.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.hostpki.files.FileModes;
import org.hostpki.files.InputFiles;
import org.hostpki.files.NotARegularFileException;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.store.KernelLocks;

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
  /** How the C library words EROFS in the C locale: tools {@link ToolRunner} runs print it so (LC_ALL=C). */
  static final String READ_ONLY = "Read-only file system";

  /**
   * How long one target waits for its lock: longer than another hostpki run's change of it
   * usually takes, and short, since the store's commit waits for it (new entries go in before the
   * commit). A target that stays locked fails alone: the store and the other targets go ahead,
   * the apply exits 3, and the next apply or watch tick tries the target again.
   */
  static final Duration WAIT = Duration.ofMinutes(1);

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private static final long POLL_MILLIS = 100;

  /** The lock file's mode when made. */
  static final java.nio.file.attribute.FileAttribute<?> MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** How the lock file is opened: made when missing, never through a link. */
  static final Set<java.nio.file.OpenOption> OPTIONS =
      Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private final ReentrantLock local;
  private final FileChannel channel;

  private TargetLock(ReentrantLock local, FileChannel channel) {
    this.local = local;
    this.channel = channel;
  }

  /** {@link #hold(InstallTarget, Path, Duration, Consumer)}, waiting without a word. */
  static TargetLock hold(InstallTarget target, Path file, Duration wait) {
    return hold(target, file, wait, line -> {});
  }

  /**
   * Waits up to {@code wait} for the lock on {@code file} (made 0600 when missing; a link is
   * refused).
   *
   * @param waiting told once, when another holds the lock and the wait begins: who holds it, as
   *     far as this process can tell, and how long this run waits at most. The folder's owner may
   *     hold the lock file of a Java trust store in their folder (it is theirs): a timer's run as
   *     root then waits up to {@link #WAIT}, and its journal says for whom.
   * @throws InstallException when it cannot be made or another holder keeps it longer than that
   */
  static TargetLock hold(InstallTarget target, Path file, Duration wait, Consumer<String> waiting) {
    return hold(target, file, wait, waiting, () -> FileChannel.open(file, OPTIONS, MODE));
  }

  /**
   * {@link #hold(InstallTarget, Path, Duration, Consumer)} with the lock file opened by {@code
   * opener} ({@link #OPTIONS}, {@link #MODE}): relative to a folder held open.
   */
  static TargetLock hold(
      InstallTarget target, Path file, Duration wait, Consumer<String> waiting, InputFiles.Opener<FileChannel> opener) {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      if (!local.tryLock()) {
        waiting.accept(waitingLine(target, file, wait, "another store's apply in this process"));
        if (!local.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
          throw busy(target, file, wait, "another store's apply in this process");
        }
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
      channel = open(target, file, opener);
      boolean told = false;
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new TargetLock(local, channel);
        }
        if (System.nanoTime() > deadline) {
          throw busy(target, file, wait, holder(file));
        }
        if (!told) {
          told = true;
          waiting.accept(waitingLine(target, file, wait, holder(file)));
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException e) {
      close(channel);
      local.unlock();
      throw new InstallException(
          target,
          "cannot lock " + file + " (it keeps two stores' installs apart): " + e.getMessage()
              // permission denied (EACCES: AccessDeniedException) is no read-only file system
              // (EROFS), whatever access(W_OK) says of the folder: no systemd advice (rvfinal16 3)
              + (!(e instanceof java.nio.file.AccessDeniedException) && readOnly(file.toAbsolutePath().getParent())
                  ? "; the folder is read-only for hostpki: " + READ_ONLY_ADVICE + ". Nothing was changed"
                  : ""),
          true,
          e);
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

  /**
   * Whether {@code folder} is on a file system mounted read-only, as the kernel sees it for this
   * process: {@code access(W_OK)} refused (EROFS; a read-only bind mount such as ProtectSystem's,
   * which {@link java.nio.file.FileStore#isReadOnly()} misses, as it reads the options of the file
   * system's first mount), or the file store says so. Not the exception's words: they are the C
   * library's, in its language (rvsec16).
   */
  static boolean readOnly(Path folder) {
    if (folder == null) {
      return false;
    }
    try {
      return !Files.isWritable(folder) && Files.isDirectory(folder) || Files.getFileStore(folder).isReadOnly();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * What to do when a write into a target's folder met a read-only file system: most often the
   * shipped units' {@code ProtectSystem=strict} without the drop-in that opens the trust stores.
   */
  static final String READ_ONLY_ADVICE =
      "under systemd, a unit with ProtectSystem= needs the folders of each trust.install target in"
          + " ReadWritePaths= (examples/systemd/trust-install.conf lists them; with the package, in"
          + " /usr/share/doc/hostpki/examples/systemd/)";

  private static String waitingLine(InstallTarget target, Path file, Duration wait, String holder) {
    return "waiting up to " + length(wait) + " to install into " + TerminalText.escape(target.address()) + ": "
        + TerminalText.escape(file.toString()) + " is locked by " + holder;
  }

  /**
   * Who holds the lock file, as far as this process can see: the process the kernel's lock table
   * names, with its user and program ({@code process 4242 (user app, /usr/bin/python3.11)}).
   */
  static String holder(Path file) {
    OptionalLong pid = KernelLocks.writeLockHolder(file);
    if (pid.isEmpty()) {
      return "another process (see which with: " + TerminalText.escape(ShellCommand.of("fuser", "-v", file)) + ")";
    }
    Optional<ProcessHandle.Info> info = ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::info);
    List<String> about = new ArrayList<>();
    info.flatMap(ProcessHandle.Info::user).ifPresent(user -> about.add("user " + TerminalText.escape(user)));
    info.flatMap(ProcessHandle.Info::command).ifPresent(command -> about.add(TerminalText.escape(command)));
    return "process " + pid.getAsLong() + (about.isEmpty() ? "" : " (" + String.join(", ", about) + ")");
  }

  /**
   * Opens the lock file, made when missing. Made by root in a folder of someone else's (a user's
   * Java trust store), it is handed to the folder's owner: that user's own hostpki must be able to
   * lock it too, and root can whoever owns it. A lock file an older root run left there is handed
   * over the same way.
   */
  private static FileChannel open(InstallTarget target, Path file, InputFiles.Opener<FileChannel> opener)
      throws IOException {
    FileChannel channel;
    try {
      // In a daemon thread, waited for at most InputFiles.OPEN_LIMIT, and refused unless it can
      // seek: the folder's owner (an app user's Java trust store) could have put a FIFO there, whose
      // open for writing waits for a reader for good, holding the store's lock all the while.
      channel = InputFiles.openBounded(file, opener);
    } catch (AccessDeniedException e) {
      throw new InstallException(target, notYours(file), true, e);
    } catch (NotARegularFileException | InputFiles.OpenTimedOut e) {
      throw new InstallException(
          target,
          "cannot lock " + file + " (it keeps two stores' installs apart): " + e.getReason()
              + "; it is no lock file hostpki made (a FIFO, a device or a socket someone put there):"
              + " remove it and apply again. Nothing was changed",
          true,
          e);
    }
    try {
      handOver(file);
    } catch (IOException | UnsupportedOperationException e) {
      // only a convenience for a later run as the folder's owner, which says what to do
    }
    return channel;
  }

  private static String notYours(Path file) {
    String user = TerminalText.escape(System.getProperty("user.name", "this user"));
    String owner;
    try {
      owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (IOException e) {
      return "cannot make " + file + " (it keeps two hostpki runs installing into this target apart): " + user
          + " may not write in " + file.getParent() + ". Nothing was changed. Run as a user who may change the"
          + " target, or make the file for this one (" + ShellCommand.of("touch", file) + "; "
          + ShellCommand.of("chown", user, file) + ")";
    }
    return "cannot lock " + file + " (it keeps two hostpki runs installing into this target apart): it belongs"
        + " to " + TerminalText.escape(owner) + " and " + user
        + " may not write it" + ("root".equals(owner) ? " (a run as root made it before hostpki handed such files to"
            + " the folder's owner)" : "") + "."
        + " Nothing was changed. Give it to the folder's owner (sudo chown --reference=" + file.getParent() + " "
        + file + ") and apply again";
  }

  /**
   * When this process runs as root and the lock file's folder belongs to another user: gives the
   * file it holds open to that user. Only an empty regular file with one link owned by root is
   * handed over (the lock file root made, not a hard link someone put there to a file of root's),
   * and through {@code /proc/self/fd}, so it is the file opened that changes owner even when the
   * name is replaced meanwhile.
   */
  private static void handOver(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        || Integer.valueOf(0).equals(Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
      return;
    }
    Optional<Path> fd = InstallFiles.opened(folder.toRealPath().resolve(file.getFileName()));
    if (fd.isEmpty()) {
      return;
    }
    Map<String, Object> held = Files.readAttributes(fd.get(), "unix:uid,nlink,size,mode");
    boolean rootsLockFile =
        Integer.valueOf(0).equals(held.get("uid")) && Integer.valueOf(1).equals(held.get("nlink"))
            && Long.valueOf(0).equals(held.get("size")) && (((Integer) held.get("mode")) & FileModes.TYPE) == FileModes.REGULAR;
    if (rootsLockFile) {
      Files.getFileAttributeView(fd.get(), PosixFileAttributeView.class)
          .setOwner(Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS));
    }
  }

  private static InstallException busy(InstallTarget target, Path file, Duration wait, String holder) {
    return new InstallException(
        target,
        TerminalText.escape(file.toString()) + " (it keeps two hostpki runs installing into this target apart) was"
            + " locked by " + holder + " all the " + length(wait) + " this run waited; nothing was changed. If that"
            + " is a hostpki apply or watch, it is stuck in its tool: see what it runs (ps -f --ppid PID). If it is"
            + " not hostpki (whoever owns the folder may lock a file in it), stop it; then apply again",
        true,
        null);
  }

  /** {@code 10 minutes}, {@code 1 minute 30 seconds}, {@code 300 milliseconds}. */
  static String length(Duration wait) {
    if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      return wait.toMillis() + " milliseconds";
    }
    long minutes = wait.toMinutes();
    long seconds = wait.toSecondsPart();
    String m = minutes == 0 ? "" : minutes + (minutes == 1 ? " minute" : " minutes");
    String s = seconds == 0 ? "" : seconds + (seconds == 1 ? " second" : " seconds");
    return (m + " " + s).strip();
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
