package org.hostpki.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.RecordTime;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.CaOneStepRenewal;
import org.hostpki.plan.CaPhasedMove;
import org.hostpki.plan.Renewals;
import org.hostpki.renewal.Renewal;

/**
 * The Prometheus text format (version 0.0.4) of a run: one family per metric, each with its HELP
 * and TYPE lines, all gauges, times as Unix seconds ({@code _timestamp_seconds}), every series
 * labelled with the store's path so that several stores on one host do not collide.
 */
public final class StoreMetrics {
  private StoreMetrics() {}

  /**
   * @param state the store as the run left it; empty when it could not be read (the run's result
   *     is written all the same)
   * @param lastRun the last apply or {@code watch} observation; empty when none is known ({@code
   *     check} on a host whose file has none)
   */
  public static String render(DesiredState desired, Optional<StoreState> state, Optional<RunOutcome> lastRun) {
    String store = desired.store().path().toString();
    Families f = new Families();
    state.ifPresent(s -> certificates(f, desired, s, store));
    lastRun.ifPresent(run -> {
      f.sample(LAST_RUN_TIME,
          "When hostpki last applied this store (an apply, or an observation of hostpki watch).",
          labels("store", store), seconds(run.at()));
      f.sample(LAST_RUN_SUCCESS,
          "Whether that run ended without an error: 1 yes, 0 no.",
          labels("store", store), run.success() ? 1 : 0);
      f.sample(LAST_RUN_CHANGES,
          "How many changes that run made.",
          labels("store", store), run.changes());
    });
    state.ifPresent(s -> {
      f.sample("hostpki_hooks_pending",
          "Hooks the store records as due and not yet run successfully (the next run retries them).",
          labels("store", store), s.hooksPending());
      f.sample("hostpki_drifted_resources",
          "Resources that do not match the desired state after the run (0 when converged).",
          labels("store", store), s.drifted());
      acme(f, s.acme(), store);
      trust(f, desired, s.observed(), store);
      crls(f, s.observed(), store);
      s.installFailing().forEach(target -> f.sample("hostpki_install_target_failing",
          "A trust.install target whose last change failed or that cannot be read (1; there only while it"
              + " fails): apply exits 3 and tries it again; 'hostpki status' says why.",
          labels("store", store, "target", target), 1));
      s.warnings().stream()
          .collect(Collectors.groupingBy(code -> code, TreeMap::new, Collectors.counting()))
          .forEach((code, count) -> f.sample("hostpki_warnings",
              "Warnings of the run's plan by code (crl-expired, trust-expiring, ...); 'hostpki status' shows them.",
              labels("store", store, "code", code), count));
    });
    return f.text();
  }

  private static final String LAST_RUN_TIME = "hostpki_last_apply_timestamp_seconds";
  private static final String LAST_RUN_SUCCESS = "hostpki_last_apply_success";
  private static final String LAST_RUN_CHANGES = "hostpki_last_apply_changes";

  /**
   * The last run as a metrics file written by {@link #render} says it, for this store; empty when
   * the text does not say it whole (no file yet, another program's file).
   */
  public static Optional<RunOutcome> lastRun(String text, DesiredState desired) {
    return lastRun(text, desired.store().path().toString());
  }

  /** The last run of the store at {@code store} (its label) that a metrics file's text records. */
  public static Optional<RunOutcome> lastRun(String text, String store) {
    String labels = labels("store", store);
    Optional<Long> at = sample(text, LAST_RUN_TIME + labels);
    Optional<Long> success = sample(text, LAST_RUN_SUCCESS + labels);
    Optional<Long> changes = sample(text, LAST_RUN_CHANGES + labels);
    // a time outside RecordTime's years (the file edited, or written by whoever may write its
    // folder) made check stop with "internal error: DateTimeException" (thostile16): such a run
    // is not known
    Optional<Instant> time = at.flatMap(RecordTime::ofEpochSecond);
    if (time.isEmpty() || success.isEmpty() || changes.isEmpty()
        || changes.get() < 0 || changes.get() > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(new RunOutcome(time.get(), success.get() == 1, changes.get().intValue()));
  }

  /**
   * The {@code store} label values of the samples in a metrics file's text other than this
   * store's, unescaped: the stores whose series a write of this store's would drop.
   */
  public static SortedSet<String> otherStores(String text, DesiredState desired) {
    String ours = desired.store().path().toString();
    SortedSet<String> out = new TreeSet<>();
    Matcher m = STORE_LABEL.matcher(text);
    while (m.find()) {
      String store = unescapeLabel(m.group(1));
      if (!store.equals(ours)) {
        out.add(store);
      }
    }
    return out;
  }

  /** A {@code store} label in a sample line (comments hold none: they start with '#'). */
  private static final Pattern STORE_LABEL =
      Pattern.compile("(?m)^hostpki_[a-z_]+\\{(?:[a-z_]+=\"(?:[^\"\\\\]|\\\\.)*\",)*store=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static String unescapeLabel(String escaped) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\' && i + 1 < escaped.length()) {
        char next = escaped.charAt(++i);
        sb.append(next == 'n' ? '\n' : next);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The value of the sample line that starts with {@code series} and a space. */
  private static Optional<Long> sample(String text, String series) {
    for (String line : text.split("\n", -1)) {
      if (line.startsWith(series + " ")) {
        try {
          return Optional.of(Long.parseLong(line.substring(series.length() + 1).strip()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static void certificates(Families f, DesiredState desired, StoreState s, String store) {
    ObservedStore o = s.observed();
    Map<String, CertificateFacts> certificates = new LinkedHashMap<>();
    o.caCertificate().ifPresent(c -> certificates.put("ca", c));
    o.caNextCertificate().ifPresent(c -> certificates.put("ca-next", c));
    o.caPreviousCertificate().ifPresent(c -> certificates.put("ca-previous", c));
    o.serverCertificate().ifPresent(c -> certificates.put("server", c));
    SortedMap<String, Renewal> renewals = Renewals.of(desired, o, s.acme(), s.now(), true);
    certificates.forEach((name, c) -> f.sample("hostpki_certificate_not_before_timestamp_seconds",
        "Start of the certificate's validity (notBefore).",
        labels("store", store, "certificate", name), seconds(c.notBefore())));
    certificates.forEach((name, c) -> f.sample("hostpki_certificate_not_after_timestamp_seconds",
        "End of the certificate's validity (notAfter).",
        labels("store", store, "certificate", name), seconds(c.notAfter())));
    certificates.forEach((name, c) -> f.sample("hostpki_certificate_chain_not_after_timestamp_seconds",
        "When the certificate stops being valid for clients: its notAfter, or an earlier notAfter of"
            + " a certificate in the chain imported with it (what check and renewal count from).",
        labels("store", store, "certificate", name), seconds(Renewals.chainNotAfter(c, o))));
    renewals.forEach((name, r) -> f.sample("hostpki_certificate_next_renewal_timestamp_seconds",
        "When an unattended run renews the certificate; in the past while a renewal is due.",
        labels("store", store, "certificate", name), seconds(r.at())));
    CaOneStepRenewal.of(desired, o, renewals).ifPresent(r -> f.sample("hostpki_ca_one_step_renewal_timestamp_seconds",
        "When an unattended run replaces the internal CA in one step (ca.rotation is not set): the"
            + " server (or a fleet CA's hosts, at their next signing) moves to the new CA at once and"
            + " clients that trust the CA by hand refuse it; in the past while due. Absent with"
            + " ca.rotation.",
        labels("store", store), seconds(r.at())));
    CaPhasedMove.of(desired, o, renewals, s.now()).ifPresent(m -> f.sample("hostpki_ca_rotation_move_timestamp_seconds",
        "When a phased CA rotation under way (ca.rotation.overlap, ca-next.crt in the store) moves to"
            + " the new CA: the server (or a fleet CA's hosts, at their next signing) moves to it, and"
            + " clients that trust the CA by hand refuse it unless given ca-next before; in the past"
            + " while due. Present only during the overlap.",
        labels("store", store), seconds(m.at())));
    renewals.forEach((name, r) -> f.sample("hostpki_certificate_renewal_due",
        "Whether the certificate is due for renewal (1), also while it waits for a maintenance window.",
        labels("store", store, "certificate", name), r.state() == Renewal.State.SCHEDULED ? 0 : 1));
  }

  /**
   * A store with an ACME record: its failed orders in a row. A failed order waits out its back-off
   * and the runs in between succeed, so hostpki_last_apply_success does not stay 0 while the CA
   * keeps failing; this stays above 0 until an order succeeds.
   */
  private static void acme(Families f, AcmeObservation acme, String store) {
    if (acme.accountUrl().isEmpty() && acme.failure().isEmpty()) {
      return; // no ACME issuer, or none ordered yet
    }
    f.sample("hostpki_acme_order_failures",
        "ACME orders failed in a row since the last one that succeeded (0: the last succeeded).",
        labels("store", store), acme.failure().map(AcmeObservation.Failure::inARow).orElse(0));
    acme.failure().ifPresent(failure -> f.sample("hostpki_acme_next_attempt_timestamp_seconds",
        "When the next ACME order may be tried after the failed ones (back-off, Retry-After).",
        labels("store", store), seconds(failure.nextAttempt())));
  }

  /**
   * A fleet CA's CRLs ({@code ca.crl}, and {@code ca-previous.crl} after a rotation's move): when
   * each was issued and when clients that check it stop accepting it, so that an alert can fire
   * when apply has not renewed {@code ca.crl} in time.
   */
  private static void crls(Families f, ObservedStore o, String store) {
    Map<String, CrlFacts> crls = new LinkedHashMap<>();
    o.caCrl().ifPresent(c -> crls.put(StoreLayout.CA_CRL, c));
    o.caPreviousCrl().ifPresent(c -> crls.put(StoreLayout.CA_PREVIOUS_CRL, c));
    crls.forEach((file, crl) -> {
      f.sample("hostpki_crl_this_update_timestamp_seconds",
          "When the fleet CA's CRL was issued (crl=\"ca.crl\", or ca-previous.crl after a CA rotation).",
          labels("store", store, "crl", file), seconds(crl.thisUpdate()));
      crl.nextUpdate().ifPresent(next -> f.sample("hostpki_crl_next_update_timestamp_seconds",
          "When clients that check the CRL stop accepting it (its nextUpdate); apply renews ca.crl"
              + " with a third of its validity left.",
          labels("store", store, "crl", file), seconds(next)));
    });
  }

  private static void trust(Families f, DesiredState desired, ObservedStore o, String store) {
    f.sample("hostpki_trust_certificates",
        "Trusted certificates in the store (trust/).",
        labels("store", store), o.trusted().size());
    o.trusted().values().stream()
        .map(CertificateFacts::notAfter)
        .min(Instant::compareTo)
        .ifPresent(soonest -> f.sample("hostpki_trust_soonest_not_after_timestamp_seconds",
            "The earliest end of validity among the trusted certificates.",
            labels("store", store), seconds(soonest)));
    if (desired.metrics().trustCertificates()) {
      o.trusted().forEach((name, c) -> f.sample("hostpki_trust_certificate_not_after_timestamp_seconds",
          "End of a trusted certificate's validity, by its name in trust/.",
          labels("store", store, "name", name), seconds(c.notAfter())));
    }
  }

  private static long seconds(Instant t) {
    return t.getEpochSecond();
  }

  /** {@code {store="/var/lib/hostpki",certificate="ca"}}, values escaped as the format wants. */
  private static String labels(String... namesAndValues) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(namesAndValues[i]).append("=\"").append(escapeLabel(namesAndValues[i + 1])).append('"');
    }
    return sb.append('}').toString();
  }

  /** Backslash, double quote and line feed are escaped in label values; nothing else is. */
  static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Families in the order first sampled, each with its samples. */
  private static final class Families {
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, List<String>> samples = new LinkedHashMap<>();

    void sample(String name, String helpText, String labels, long value) {
      help.putIfAbsent(name, helpText);
      samples.computeIfAbsent(name, n -> new ArrayList<>()).add(name + labels + " " + value);
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      help.forEach((name, text) -> {
        sb.append("# HELP ").append(name).append(' ').append(text).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        samples.get(name).forEach(line -> sb.append(line).append('\n'));
      });
      return sb.toString();
    }
  }
}
