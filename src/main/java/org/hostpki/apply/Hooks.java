package org.hostpki.apply;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the desired state's hook commands: argv lists, no shell, output passed through to our
 * standard error so it lands in the same log.
 */
public class Hooks {
  /** A hook that runs longer than this is stopped and counts as failed. */
  static final long TIMEOUT_SECONDS = 300;

  private final PrintWriter log;

  public Hooks(PrintWriter log) {
    this.log = log;
  }

  /** Runs each command in turn; returns the first failure (later hooks still run). */
  public Optional<Reconciler.HooksFailure> afterServerChange(List<List<String>> commands) {
    Optional<Reconciler.HooksFailure> failure = Optional.empty();
    for (List<String> argv : commands) {
      Optional<String> problem = run(argv);
      if (problem.isPresent() && failure.isEmpty()) {
        failure = Optional.of(new Reconciler.HooksFailure(problem.get()));
      }
    }
    return failure;
  }

  private Optional<String> run(List<String> argv) {
    log.println("hook: running " + String.join(" ", argv));
    log.flush();
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      return Optional.of("hook " + argv + " could not be started: " + e.getMessage());
    }
    try {
      p.getInputStream().transferTo(new java.io.OutputStream() {
        @Override
        public void write(int b) {
          log.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          log.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
        }
      });
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of("hook " + argv + " did not finish within " + TIMEOUT_SECONDS + " s and was stopped");
      }
    } catch (IOException e) {
      // Output lost; the exit status still decides.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return Optional.of("interrupted while hook " + argv + " ran");
    }
    log.flush();
    int code = p.exitValue();
    return code == 0 ? Optional.empty() : Optional.of("hook " + argv + " exited with status " + code);
  }
}
