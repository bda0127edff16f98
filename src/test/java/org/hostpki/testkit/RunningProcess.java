package org.hostpki.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process started by {@link Command#start()}: a server, a hostpki run to kill halfway.
 * Closing it stops it by its PID (a polite signal first, then a kill), with everything it started,
 * and removes its output files.
 */
public final class RunningProcess implements AutoCloseable {
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

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What it printed so far on stdout. */
  public String stdout() {
    return Command.read(stdout);
  }

  public String stderr() {
    return Command.read(stderr);
  }

  /**
   * Waits for its end; past {@code limit} it is killed (with its children) and the test fails
   * with what it printed.
   */
  public ProcessResult await(Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(process);
        throw new AssertionError(
            "did not finish within " + limit.toSeconds() + " s, killed: " + describe());
      }
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
    return new ProcessResult(command.arguments(), process.exitValue(), stdout(), stderr());
  }

  /**
   * Waits until something accepts TCP connections at the address; fails if the process exits
   * first or the time runs out.
   */
  public RunningProcess awaitListening(InetSocketAddress address, Duration limit) {
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
        pause(POLL);
      }
    }
  }

  /**
   * SIGKILL, as a crash or the OOM killer ends a process: no shutdown hook, no finally block runs.
   * Its children go the same way. Returns once it is gone.
   */
  public void kill() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaitGone(children);
  }

  /** The command and what it printed so far, for failure messages. */
  public String describe() {
    return command + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr();
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
    List<ProcessHandle> children = process.descendants().toList();
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
      awaitGone(children);
    }
  }

  /** Waits (a little) until the processes are gone, so that a test sees them gone. */
  private static void awaitGone(List<ProcessHandle> processes) {
    for (ProcessHandle p : processes) {
      try {
        p.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // a process that will not go is reported by the caller's check, not here
      }
    }
  }

  private static void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a server", e);
    }
  }
}
