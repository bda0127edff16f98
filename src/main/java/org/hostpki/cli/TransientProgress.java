package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.hostpki.apply.Progress;
import org.hostpki.model.TerminalText;

/**
 * Progress on a terminal, as a person wants it: nothing for a run that is over in half a second;
 * after that one line on standard error naming the step under way and how long the run has taken
 * ({@code hostpki: generating the server's RSA 4096 key (6 s)}), rewritten in place and
 * erased before anything else is printed and at the end. Nothing of it stays on the screen, in a
 * pipe or in a log: it is made only for a terminal ({@link #forTerminal}).
 *
 * <p>A timer thread draws it; every other output goes through a {@link TerminalWriter}, which
 * calls {@link #erase} first. Once erased, the line stays away until the next step starts, which
 * the engine announces from the thread that prints: a drawn line never sits inside other text.
 */
final class TransientProgress implements Progress, AutoCloseable {
  /** How long a run may take before progress shows. */
  static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final long TICK_MILLIS = 100;

  /** Return to the line's start and clear the line (ECMA-48 EL 2). */
  private static final String CLEAR = "\r\u001b[2K";

  private final PrintWriter terminal;
  private final Runnable flushOthers;
  private final LongSupplier nanoTime;
  private final long delayNanos;
  private final int width;
  private final Ticker ticker;
  /** Stops the ticks; null until the first step. */
  private Runnable stopTicking;
  private long started = -1;
  private String step;
  private boolean shown;
  private String drawn = "";
  private boolean closed;

  /**
   * @param terminal the raw stream of the terminal (standard error), written with no escaping
   * @param flushOthers flushes what else was written to the same screen (standard output) before
   *     a line is drawn after it
   * @param width the terminal's columns: a longer line would wrap, and only its last row would
   *     be erased
   * @param ticker calls {@link #tick} from the first step on (a test calls it itself)
   */
  TransientProgress(
      PrintWriter terminal,
      Runnable flushOthers,
      LongSupplier nanoTime,
      long delayNanos,
      int width,
      Ticker ticker) {
    this.terminal = terminal;
    this.flushOthers = flushOthers;
    this.nanoTime = nanoTime;
    this.delayNanos = delayNanos;
    this.width = Math.max(width, 20);
    this.ticker = ticker;
  }

  /** Progress for a terminal {@code width} columns wide, drawn by a timer thread of its own. */
  static TransientProgress forTerminal(PrintWriter terminal, Runnable flushOthers, int width) {
    return new TransientProgress(terminal, flushOthers, System::nanoTime, DELAY_NANOS, width, Ticker.THREAD);
  }

  /** Calls a tick over and over until stopped. */
  @FunctionalInterface
  interface Ticker {
    /** Starts calling {@code tick}; returns what stops it. */
    Runnable start(Runnable tick);

    /** Every tenth of a second, on a daemon thread (it never keeps the JVM alive). */
    Ticker THREAD =
        tick -> {
          ScheduledExecutorService timer =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "hostpki-progress");
                    t.setDaemon(true);
                    return t;
                  });
          timer.scheduleAtFixedRate(tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
          return timer::shutdownNow;
        };
  }

  @Override
  public synchronized void step(String description) {
    if (closed) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (started < 0) {
      started = now;
    }
    step = description;
    if (shown) {
      draw(now);
    }
    if (stopTicking == null) {
      stopTicking = ticker.start(this::tick);
    }
  }

  /** Draws the line once the run has taken long enough, and keeps its clock going. */
  synchronized void tick() {
    if (closed || step == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - started >= delayNanos) {
      draw(now);
    }
  }

  /** Erases the line, if it is shown, until the next step: other output comes next. */
  synchronized void erase() {
    if (shown) {
      terminal.print(CLEAR);
      terminal.flush();
      shown = false;
    }
    step = null;
  }

  /** Erases the line for good and stops the timer. */
  @Override
  public synchronized void close() {
    erase();
    closed = true;
    if (stopTicking != null) {
      stopTicking.run();
    }
  }

  /** Draws the line, when it differs from the one on the screen (a new step, another second). */
  private void draw(long now) {
    String what = "hostpki: " + TerminalText.escape(step);
    long seconds = (now - started) / 1_000_000_000L;
    String took = seconds == 0 ? " ..." : " (" + seconds + " s)";
    int room = width - 1 - took.length();
    if (what.length() > room) {
      what = what.substring(0, Math.max(room - 3, 0)) + "...";
    }
    String line = what + took;
    if (shown && line.equals(drawn)) {
      return;
    }
    flushOthers.run();
    terminal.print(CLEAR + line);
    terminal.flush();
    shown = true;
    drawn = line;
  }
}
