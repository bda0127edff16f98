package org.hostpki.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Standard output that remembers why a write failed. Java's print streams swallow the error, so
 * that {@code hostpki status --output json > /full/disk/status.json} would exit 0 with a cut
 * document; with this, the run says so and fails. A reader that stopped reading ({@code | head
 * -1}, EPIPE) is not a failure: it had what it wanted, as with any Unix tool.
 */
final class StandardOutput extends FilterOutputStream {
  private static final String BROKEN_PIPE = "Broken pipe";

  private IOException failure;

  private StandardOutput(OutputStream out) {
    super(out);
  }

  /** Installs a tracked {@link System#out} for this process and returns its tracker. */
  static StandardOutput install() {
    StandardOutput tracked =
        new StandardOutput(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 8192));
    System.setOut(new PrintStream(tracked, true, StandardCharsets.UTF_8));
    return tracked;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw remember(e);
    }
  }

  private synchronized IOException remember(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  /** Why writing failed, if it did, other than a reader that went away. */
  synchronized Optional<String> failure() {
    if (failure == null || String.valueOf(failure.getMessage()).contains(BROKEN_PIPE)) {
      return Optional.empty();
    }
    return Optional.of(failure.getMessage() == null ? failure.toString() : failure.getMessage());
  }

  /**
   * The exit code once the command is done: a failed write makes an otherwise successful run an
   * error, said on standard error, since what it printed is incomplete.
   */
  int exitCode(int code, PrintWriter err) {
    System.out.flush();
    return exitCode(code, failure(), err);
  }

  /**
   * The exit code of a run that ended with {@code code} and whose standard output failed as {@code
   * failure} says. Success becomes 1; a code that already says something is not done (changes
   * pending, a hook failed, a usage error, Nagios' WARNING or CRITICAL) stays, as it is still
   * true. The message says that the command itself ran, in words true for every command: {@code
   * hostpki apply >> /full/log} applied, {@code hostpki status > /dev/full} changed nothing; exit 1
   * otherwise means that nothing on disk changed.
   */
  static int exitCode(int code, Optional<String> failure, PrintWriter err) {
    if (failure.isEmpty()) {
      return code;
    }
    err.println(
        "error: cannot write standard output (" + failure.get() + "): what hostpki printed there is"
            + " incomplete, but the command itself ran to its end (exit code " + code + " otherwise):"
            + " a command that changes things (apply, rollback, revoke, sign, a file written with -o)"
            + " made its changes, one that only reads (status, plan, check, history) changed nothing;"
            + " 'hostpki status' shows the store. Make room or send the output elsewhere");
    err.flush();
    return code == ExitCodes.OK ? ExitCodes.ERROR : code;
  }
}
