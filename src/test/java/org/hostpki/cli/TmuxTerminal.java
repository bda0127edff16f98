package org.hostpki.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.hostpki.testkit.Tool;

/**
 * An interactive shell in a real terminal: a tmux server of its own (a private socket), typed
 * into with send-keys and read with capture-pane, as a person at a keyboard would use it.
 */
final class TmuxTerminal implements AutoCloseable {
  private static final long WAIT_MILLIS = 10_000;

  private final Path socket;

  private TmuxTerminal(Path socket) {
    this.socket = socket;
  }

  /** Starts {@code command} (a shell and its arguments) in a 200×50 terminal in {@code directory}. */
  static TmuxTerminal start(Path socket, Path directory, List<String> command) throws Exception {
    TmuxTerminal t = new TmuxTerminal(socket);
    List<String> args = new ArrayList<>(List.of("new-session", "-d", "-x", "200", "-y", "50", "-c", directory.toString()));
    args.addAll(command);
    t.tmux(args);
    return t;
  }

  private String tmux(List<String> args) {
    List<String> command = new ArrayList<>(List.of("-S", socket.toString()));
    command.addAll(args);
    return Tool.TMUX.command(command.toArray(String[]::new)).run().assertSucceeded().output();
  }

  /** Types text literally (no key names). */
  void type(String text) throws Exception {
    tmux(List.of("send-keys", "-t", "0", "-l", text));
  }

  /** Presses keys by tmux's names: Tab, Enter, C-u, C-l. */
  void press(String... keys) throws Exception {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "0"));
    args.addAll(List.of(keys));
    tmux(args);
  }

  /** What the terminal shows now, without trailing blank lines. */
  String screen() throws Exception {
    return tmux(List.of("capture-pane", "-p", "-t", "0")).stripTrailing();
  }

  /** Waits until the screen satisfies {@code condition} and returns it; fails with the screen. */
  String waitFor(String what, Predicate<String> condition) throws Exception {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    String screen = screen();
    while (!condition.test(screen)) {
      if (System.nanoTime() > end) {
        fail("the terminal never showed " + what + "; it shows:\n" + screen);
      }
      Thread.sleep(50);
      screen = screen();
    }
    return screen;
  }

  /** The screen's last line: the command line being edited. */
  static String lastLine(String screen) {
    List<String> lines = screen.lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  @Override
  public void close() throws Exception {
    tmux(List.of("kill-server"));
  }
}
