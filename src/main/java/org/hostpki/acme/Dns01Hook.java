package org.hostpki.acme;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hostpki.model.DnsName;
import org.hostpki.model.DurationText;
import org.hostpki.model.TerminalText;

/**
 * dns-01 (RFC 8555 section 8.4) through the user's hook: a program run by {@link HookRunner} (the
 * hooks' rules: no shell, no secrets in its environment, a timeout), once per identifier to
 * present the TXT record and once to clean it up, with what it needs in its environment:
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
 * for). A run that is refused, exits non-zero or outlasts the timeout fails the order; cleanup
 * runs for every identifier a present run was started for, also when that run or the order
 * failed, and its failures are warnings.
 *
 * <p>Each run gets at most what is left of the order's {@code server.acme.timeout}; the cleanup
 * runs together at least {@link #CLEANUP_GRACE} more, so that the records made are removed also
 * after the order ran out of time. A cleanup run with no time left is not started: a warning names
 * the record to remove by hand.
 */
final class Dns01Hook implements ChallengeResponder {
  static final String RECORD_PREFIX = "_acme-challenge.";
  /** The cleanup runs after an order may take together at least this long past its deadline. */
  static final Duration CLEANUP_GRACE = Duration.ofSeconds(30);

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  private final List<String> argv;
  private final Duration timeout;
  private final HookRunner runner;
  private final OrderDeadline deadline;
  private final List<PendingChallenge> started = new ArrayList<>();

  /**
   * @param timeout one run's ({@code server.acme.dns01.timeout})
   * @param deadline the order's: no run outlasts it
   */
  Dns01Hook(List<String> argv, Duration timeout, HookRunner runner, OrderDeadline deadline) {
    this.argv = List.copyOf(argv);
    this.timeout = timeout;
    this.runner = runner;
    this.deadline = deadline;
  }

  static String recordName(PendingChallenge c) {
    return RECORD_PREFIX + c.identifier() + ".";
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    for (PendingChallenge c : challenges) {
      refuseUnlessAName(c);
      String doing = "presenting the TXT record " + recordName(c) + " by the dns-01 hook " + shown();
      if (deadline.left().isZero()) {
        throw deadline.ranOut(doing, "not started, no time was left");
      }
      started.add(c);
      Optional<String> problem = run("present", c, deadline);
      if (problem.isPresent() && deadline.left().isZero()) {
        throw deadline.ranOut(doing, "it " + problem.get());
      }
      if (problem.isPresent()) {
        throw new AcmeFailure(
            AcmeFailure.Kind.CHALLENGE_SETUP,
            "the dns-01 hook " + shown() + " could not present the TXT record " + recordName(c) + ": it "
                + problem.get());
      }
    }
  }

  /**
   * The identifier comes from the CA's authorization and goes into the hook's environment, where
   * a script may well paste it into a command ({@code nsupdate}, an API call): only a DNS name is
   * passed on, never text with spaces, newlines or quotes in it.
   */
  private static void refuseUnlessAName(PendingChallenge c) throws AcmeFailure {
    Optional<String> problem =
        c.identifierType().equals("dns")
            ? DnsName.problem(c.identifier(), false)
            : Optional.of("is not a DNS name, which dns-01 validates only");
    if (problem.isPresent() || !BASE64URL.matcher(c.dnsDigest()).matches()) {
      throw new AcmeFailure(
          AcmeFailure.Kind.PROTOCOL,
          "the CA asked for dns-01 on the identifier " + TerminalText.escape(c.identifierType() + ":" + c.identifier())
              + ", which " + TerminalText.escape(problem.orElse("has no valid TXT value"))
              + "; the hook was not run for it");
    }
  }

  @Override
  public List<String> cleanUp() {
    List<String> warnings = new ArrayList<>();
    OrderDeadline cleanup = deadline.atLeast(CLEANUP_GRACE);
    for (PendingChallenge c : started) {
      if (cleanup.left().isZero()) {
        warnings.add(
            "the dns-01 hook " + shown() + " was not run to remove the TXT record " + recordName(c)
                + ": no time was left (server.acme.timeout, and " + DurationText.of(CLEANUP_GRACE)
                + " more for cleanup); remove it by hand");
        continue;
      }
      run("cleanup", c, cleanup).ifPresent(problem -> warnings.add(
          "the dns-01 hook " + shown() + " could not remove the TXT record " + recordName(c) + ": it " + problem
              + "; remove it by hand"));
    }
    started.clear();
    return warnings;
  }

  private String shown() {
    return TerminalText.escape(argv.toString());
  }

  /** One run, for at most {@code dns01.timeout} and what is left of {@code within}. */
  private Optional<String> run(String action, PendingChallenge c, OrderDeadline within) {
    Duration limit = within.cap(timeout);
    try {
      return runner.run(
          argv,
          Map.of(
              "HOSTPKI_ACME_ACTION", action,
              "HOSTPKI_ACME_IDENTIFIER", c.identifier(),
              "HOSTPKI_ACME_DNS_NAME", recordName(c),
              "HOSTPKI_ACME_DNS_VALUE", c.dnsDigest()),
          limit,
          limit.compareTo(timeout) < 0 ? OrderDeadline.SETTING : HookRunner.TIMEOUT_SETTING);
    } catch (RuntimeException e) {
      // the next identifier's cleanup must still run
      return Optional.of("failed: " + TerminalText.escape(String.valueOf(e.getMessage())));
    }
  }
}
