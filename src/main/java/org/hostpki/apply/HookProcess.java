package org.hostpki.apply;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hostpki.model.DurationText;
import org.hostpki.model.TerminalText;

/**
 * Runs one hook command as a process of its own, so that a hook can neither hold hostpki (and the
 * store lock it holds) longer than its timeout nor leave anything running when it is stopped:
 *
 * <ul>
 *   <li>It starts in a session and process group of its own, through {@code setsid} (Java 17
 *       cannot make one), so that everything it starts can be found and stopped together.
 *   <li>Its output (standard output and error, one pipe) is read by a thread of its own and
 *       relayed to the log line by line, escaped (a hook's output is text from outside) and capped
 *       at {@value #OUTPUT_LIMIT} bytes; the log says when it was cut. Waiting is for the process,
 *       never for the pipe: a program the hook started in the background that keeps the pipe open
 *       does not delay anything, and its later output is read and dropped, so it never blocks.
 *   <li>When the hook itself exits, it is done; programs it started in the background keep
 *       running (a hook may well start a daemon).
 *   <li>At the timeout, every process of its session gets SIGTERM, and those still running
 *       {@link #GRACE} later SIGKILL; that counts as a failure.
 *   <li>When hostpki itself is stopped ({@code kill}, Ctrl-C at a terminal: the hook, in a session
 *       of its own, gets neither) while a hook of a one-off run ({@code apply}, {@code rollback})
 *       runs, the hook is stopped the same way, and no further hook starts. Left running, it went
 *       on while the store still called it due, so the next run ran it a second time beside or
 *       after it. {@code watch} does not stop its hooks: SIGTERM lets its apply finish.
 * </ul>
 *
 * <p>Just over 400 lines on purpose: starting a hook, relaying its output, its timeout and the stop
 * when hostpki is stopped all act on one session of processes, found through {@code /proc}; apart,
 * each part would need the others' state (the session, the relay thread, the set of running hooks).
 */
final class HookProcess {
  /** Bytes of a hook's output relayed to the log; the rest is counted and dropped. */
  static final int OUTPUT_LIMIT = 64 * 1024;

  /** How long processes get between SIGTERM and SIGKILL. */
  static final Duration GRACE = Duration.ofSeconds(5);

  /** How long output already written may take to arrive once the hook has exited. */
  private static final Duration DRAIN = Duration.ofMillis(300);

  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
  private static final Path PROC = Path.of("/proc");

  /** Hooks of one-off runs running now, which a stop of hostpki stops too. */
  private static final Set<Running> STOPPED_WITH_HOSTPKI = ConcurrentHashMap.newKeySet();

  /** Set once hostpki is being stopped: no hook of a one-off run starts after that. */
  private static boolean stopping;

  private static boolean shutdownHookAdded;

  private final PrintWriter log;
  private final Duration grace;
  private final boolean stoppedWithHostpki;

  HookProcess(PrintWriter log) {
    this(log, GRACE, false);
  }

  /**
   * @param grace how long processes get between SIGTERM and SIGKILL (tests shorten it)
   * @param stoppedWithHostpki whether a stop of hostpki stops the hook too (one-off runs)
   */
  HookProcess(PrintWriter log, Duration grace, boolean stoppedWithHostpki) {
    this.log = log;
    this.grace = grace;
    this.stoppedWithHostpki = stoppedWithHostpki;
  }

  /** A hook running now, as a stop of hostpki finds it. */
  private record Running(HookProcess runner, Process process, boolean ownSession, String shown) {}

  /**
   * Runs the command to its end or its timeout.
   *
   * @return empty when it exited 0; else what went wrong, in words (the command already named)
   */
  Optional<String> run(Hooks.Command command) {
    List<String> argv = new ArrayList<>();
    Optional<Path> setsid = setsid();
    setsid.ifPresent(s -> argv.add(s.toString()));
    argv.addAll(command.argv());
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(command.environment());
    command.directory().ifPresent(builder::directory);
    Process process;
    Running running;
    synchronized (STOPPED_WITH_HOSTPKI) {
      if (stoppedWithHostpki && stopping) {
        return Optional.of("was not started: hostpki was being stopped");
      }
      // Before the start: a stop right after it waits for this lock, then stops the hook.
      if (stoppedWithHostpki && !addShutdownHook()) {
        return Optional.of("was not started: hostpki was being stopped");
      }
      try {
        process = builder.start();
      } catch (IOException e) {
        return Optional.of("could not be started: " + TerminalText.escape(String.valueOf(e.getMessage())));
      }
      running = new Running(this, process, setsid.isPresent(), TerminalText.escape(String.join(" ", command.argv())));
      if (stoppedWithHostpki) {
        STOPPED_WITH_HOSTPKI.add(running);
      }
    }
    try {
      return await(process, running, command);
    } finally {
      STOPPED_WITH_HOSTPKI.remove(running);
    }
  }

  private Optional<String> await(Process process, Running running, Hooks.Command command) {
    Optional<Path> setsid = running.ownSession() ? setsid() : Optional.empty();
    Relay relay = new Relay(process.getInputStream(), log);
    Thread reader = new Thread(relay, "hostpki-hook-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        relay.finish(Duration.ZERO);
        int stopped = stop(process, setsid.isPresent());
        return Optional.of(
            "did not finish within " + DurationText.of(command.timeout()) + " (" + command.timeoutSetting() + "): "
                + "stopped it" + (stopped > 1 ? " and the " + (stopped - 1) + " process(es) it started" : "")
                + " (SIGTERM; SIGKILL to any still running " + DurationText.of(grace) + " later)");
      }
    } catch (InterruptedException e) {
      relay.finish(Duration.ZERO);
      stop(process, setsid.isPresent());
      Thread.currentThread().interrupt();
      return Optional.of("was stopped: hostpki was interrupted while it ran");
    }
    relay.finish(DRAIN);
    // A hook that exited 0 just as the stop began counts as stopped too, and stays due: running it
    // once more is the safe side of that race.
    if (stoppedWithHostpki && isStopping()) {
      return Optional.of("was stopped: hostpki was stopped while it ran");
    }
    return describe(process.exitValue());
  }

  private static boolean isStopping() {
    synchronized (STOPPED_WITH_HOSTPKI) {
      return stopping;
    }
  }

  /**
   * Once per JVM: a stop of hostpki (SIGTERM, SIGINT, SIGHUP) stops the hooks of one-off runs.
   *
   * @return false when the JVM is already being stopped (then no hook may start)
   */
  private static boolean addShutdownHook() {
    if (shutdownHookAdded) {
      return true;
    }
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(HookProcess::stopAll, "hostpki-hook-stop"));
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
    shutdownHookAdded = true;
    return true;
  }

  private static void stopAll() {
    List<Running> all;
    synchronized (STOPPED_WITH_HOSTPKI) {
      stopping = true;
      all = List.copyOf(STOPPED_WITH_HOSTPKI);
    }
    for (Running r : all) {
      r.runner().log.println(
          "hook: hostpki is being stopped: stopping " + r.shown() + " too; a hook stopped this way"
              + " stays due and runs at the next apply");
      r.runner().log.flush();
      r.runner().stop(r.process(), r.ownSession());
    }
  }

  private static Optional<String> describe(int status) {
    if (status == 0) {
      return Optional.empty();
    }
    // Java reports a process ended by signal N as status 128 + N, as shells do.
    if (status > 128 && status < 128 + 65) {
      return Optional.of(
          "ended with status " + status + " (killed by signal " + (status - 128)
              + signalName(status - 128) + ", or exited " + status + ")");
    }
    return Optional.of("exited with status " + status);
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 1 -> ", SIGHUP";
      case 2 -> ", SIGINT";
      case 6 -> ", SIGABRT";
      case 9 -> ", SIGKILL";
      case 11 -> ", SIGSEGV";
      case 13 -> ", SIGPIPE";
      case 15 -> ", SIGTERM";
      default -> "";
    };
  }

  /** {@code setsid} where the system has it; without it, hooks run in hostpki's own group. */
  static Optional<Path> setsid() {
    return SETSID.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Stops the hook and everything it started: SIGTERM to every process of its session, SIGKILL to
   * those still running after the grace period. Returns how many processes there were.
   */
  private int stop(Process process, boolean ownSession) {
    List<ProcessHandle> members = members(process, ownSession);
    members.forEach(ProcessHandle::destroy);
    awaitGone(members, grace);
    // Anything started since the SIGTERM belongs to the session too.
    List<ProcessHandle> left = new ArrayList<>(members(process, ownSession));
    members.stream().filter(m -> !left.contains(m)).forEach(left::add);
    left.stream().filter(HookProcess::running).forEach(ProcessHandle::destroyForcibly);
    // A signal is delivered after kill(2) returns: wait until they are gone for the caller.
    awaitGone(left, grace);
    try {
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return members.size();
  }

  private static void awaitGone(List<ProcessHandle> processes, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline && processes.stream().anyMatch(HookProcess::running)) {
      sleep(20);
    }
  }

  /**
   * The processes of the hook's session (its id is the hook's pid, as setsid made it), found in
   * {@code /proc}; without {@code setsid} or {@code /proc}, the hook and its descendants.
   */
  static List<ProcessHandle> members(Process process, boolean ownSession) {
    List<ProcessHandle> members = new ArrayList<>();
    if (ownSession && Files.isDirectory(PROC)) {
      long session = process.pid();
      try (Stream<Path> entries = Files.list(PROC)) {
        for (Path entry : entries.toList()) {
          String name = entry.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit) && sessionOf(entry) == session) {
            ProcessHandle.of(Long.parseLong(name)).ifPresent(members::add);
          }
        }
      } catch (IOException e) {
        // fall back below
      }
    }
    if (members.isEmpty()) {
      members.add(process.toHandle());
      process.descendants().forEach(members::add);
    }
    return members;
  }

  /** The session id in {@code /proc/PID/stat}, or -1 when the process is gone. */
  private static long sessionOf(Path procEntry) {
    try {
      String stat = Files.readString(procEntry.resolve("stat"), StandardCharsets.ISO_8859_1);
      // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Running, not a zombie waiting for a parent that does not reap it. */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(p.pid())).resolve("stat"), StandardCharsets.ISO_8859_1);
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads the hook's output to its end and relays it, line by line and escaped, until {@link
   * #finish}: from then on, what still comes is read and dropped, so that a program the hook left
   * running never blocks on a full pipe.
   */
  private static final class Relay implements Runnable {
    private static final String PREFIX = "hook output: ";

    private final InputStream in;
    private final PrintWriter log;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean relaying = true;
    private long relayed;
    private long dropped;

    Relay(InputStream in, PrintWriter log) {
      this.in = in;
      this.log = log;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          accept(buffer, n);
        }
      } catch (IOException e) {
        // the pipe was closed under us: the end
      } finally {
        ended.countDown();
      }
    }

    private synchronized void accept(byte[] buffer, int n) {
      if (!relaying) {
        return;
      }
      for (int i = 0; i < n; i++) {
        byte b = buffer[i];
        if (relayed >= OUTPUT_LIMIT) {
          dropped++;
        } else if (b == '\n') {
          relayed++;
          emitLine();
        } else {
          relayed++;
          line.write(b);
        }
      }
    }

    /** Waits up to {@code drain} for the end of the output, relays what came, stops relaying. */
    void finish(Duration drain) {
      try {
        ended.await(drain.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        if (!relaying) {
          return;
        }
        if (line.size() > 0) {
          emitLine();
        }
        if (dropped > 0) {
          log.println(
              "hook: output cut after " + OUTPUT_LIMIT + " bytes; " + dropped + " more bytes not shown");
        }
        relaying = false;
        log.flush();
      }
    }

    private void emitLine() {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      log.println(PREFIX + TerminalText.escape(text));
      log.flush();
    }
  }
}
