package org.hostpki.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A background child process, such as a TLS server. Closing it stops it by its PID: a polite
 * signal first, then a kill, for it and anything it started.
 */
final class RunningProcess implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(50);

  private final Command command;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  RunningProcess(Command command, Process process, Path stdout, Path stderr) {
    this.command = command;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Waits until something accepts TCP connections at the address; fails if the process exits
   * first or the time runs out.
   */
  RunningProcess awaitListening(InetSocketAddress address, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "exited with code " + process.exitValue() + " before listening on " + address + ": "
                + describe());
      }
      try (Socket probe = new Socket()) {
        probe.connect(address, (int) POLL.toMillis());
        return this;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "not listening on " + address + " after " + limit.toSeconds() + " s: " + describe());
        }
        sleep(POLL);
      }
    }
  }

  /** The command and what it printed so far, for failure messages. */
  String describe() {
    return command
        + "\n--- stdout\n"
        + Command.read(stdout)
        + "--- stderr\n"
        + Command.read(stderr);
  }

  @Override
  public void close() {
    try {
      stop(process);
    } finally {
      Command.delete(stdout);
      Command.delete(stderr);
    }
  }

  /** Stops a process and its descendants by PID: destroy, wait a little, then destroy forcibly. */
  static void stop(Process process) {
    // Listed before the parent goes: orphans are re-parented and no longer its descendants.
    List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a server", e);
    }
  }
}
