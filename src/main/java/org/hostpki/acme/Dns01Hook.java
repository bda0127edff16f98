package org.hostpki.acme;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.TerminalText;

/**
 * dns-01 (RFC 8555 section 8.4) through the user's hook: a program run without a shell, once per
 * identifier to present the TXT record and once to clean it up, with what it needs in its
 * environment:
 *
 * <ul>
 *   <li>{@code HOSTPKI_ACME_ACTION}: {@code present} or {@code cleanup};
 *   <li>{@code HOSTPKI_ACME_IDENTIFIER}: the name being validated ({@code portal.example.com}; for
 *       a wildcard, the name below the {@code *.});
 *   <li>{@code HOSTPKI_ACME_DNS_NAME}: the record's name, fully qualified with the final dot
 *       ({@code _acme-challenge.portal.example.com.});
 *   <li>{@code HOSTPKI_ACME_DNS_VALUE}: the TXT value.
 * </ul>
 *
 * The present run returns once the record is visible to the CA (propagation is the hook's to wait
 * for). A run that exits non-zero or outlasts the timeout (it and its children are then stopped)
 * fails the order; cleanup runs for every identifier a present run was started for, also when the
 * order failed, and its failures are warnings.
 */
final class Dns01Hook implements ChallengeResponder {
  static final String RECORD_PREFIX = "_acme-challenge.";
  private static final int OUTPUT_LIMIT = 4096;

  private final List<String> argv;
  private final Duration timeout;
  private final Map<String, String> environment;
  private final List<PendingChallenge> started = new ArrayList<>();

  /**
   * @param environment the environment the hook inherits (the process's own, in production)
   */
  Dns01Hook(List<String> argv, Duration timeout, Map<String, String> environment) {
    this.argv = List.copyOf(argv);
    this.timeout = timeout;
    this.environment = Map.copyOf(environment);
  }

  static String recordName(PendingChallenge c) {
    return RECORD_PREFIX + c.identifier() + ".";
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    for (PendingChallenge c : challenges) {
      started.add(c);
      String problem = run("present", c);
      if (problem != null) {
        throw new AcmeFailure(
            AcmeFailure.Kind.CHALLENGE_SETUP,
            "the dns-01 hook " + TerminalText.escape(argv.get(0)) + " could not present the TXT record "
                + recordName(c) + ": " + problem);
      }
    }
  }

  @Override
  public List<String> cleanUp() {
    List<String> warnings = new ArrayList<>();
    for (PendingChallenge c : started) {
      String problem = run("cleanup", c);
      if (problem != null) {
        warnings.add(
            "the dns-01 hook " + TerminalText.escape(argv.get(0)) + " could not remove the TXT record "
                + recordName(c) + ": " + problem + "; remove it by hand");
      }
    }
    started.clear();
    return warnings;
  }

  /** Runs the hook once; null when it succeeded, else why not. */
  private String run(String action, PendingChallenge c) {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(environment);
    env.put("HOSTPKI_ACME_ACTION", action);
    env.put("HOSTPKI_ACME_IDENTIFIER", c.identifier());
    env.put("HOSTPKI_ACME_DNS_NAME", recordName(c));
    env.put("HOSTPKI_ACME_DNS_VALUE", c.dnsDigest());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return "it cannot be started (" + TerminalText.escape(String.valueOf(e.getMessage())) + ")";
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain = new Thread(() -> drain(process.getInputStream(), output), "hostpki-dns-01-hook-output");
    drain.setDaemon(true);
    drain.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(process);
        return "it did not finish within " + timeout.toSeconds() + " s (server.acme.dns01.timeout) and was stopped"
            + lastLines(output);
      }
      drain.join(1000);
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    int exit = process.exitValue();
    return exit == 0 ? null : "it exited with status " + exit + lastLines(output);
  }

  /** The hook and every process it started, by PID: gently, then for good. */
  private static void stop(Process process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    try {
      process.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[1024];
    try (in) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        synchronized (out) {
          if (out.size() < OUTPUT_LIMIT) {
            out.write(buffer, 0, Math.min(n, OUTPUT_LIMIT - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // the process was stopped
    }
  }

  private static String lastLines(ByteArrayOutputStream output) {
    String text;
    synchronized (output) {
      text = output.toString(StandardCharsets.UTF_8).strip();
    }
    if (text.isEmpty()) {
      return "";
    }
    List<String> lines = text.lines().toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
    return "; its output ended: " + TerminalText.escape(String.join(" / ", tail));
  }
}
