package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.StoreLayout;

/**
 * Plans the trusted certificates ({@code trust/NAME.crt}): the declared ones are put there, changed
 * ones replaced, undeclared ones removed when {@code trust.prune} is on; and warns of what is
 * trusted but expiring, expired or trusted twice.
 */
final class TrustPlan {
  /** Trusted certificates expiring within this are warned about. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private final PlanInput in;
  private final ObservedStore observed;
  private final Instant now;
  private final PlanDraft draft;

  private TrustPlan(PlanInput in, PlanDraft draft) {
    this.in = in;
    this.observed = in.observed();
    this.now = in.now();
    this.draft = draft;
  }

  /** @return whether any trusted certificate changes */
  static boolean plan(PlanInput in, PlanDraft draft) {
    return new TrustPlan(in, draft).plan();
  }

  /**
   * The trusted certificates after apply, by name: the declared ones, and the store's undeclared
   * ones while pruning is off (they stay trusted).
   */
  static SortedMap<String, CertificateFacts> afterApply(PlanInput in) {
    SortedMap<String, CertificateFacts> all = new TreeMap<>();
    if (!in.desired().trust().prune()) {
      all.putAll(in.observed().trusted());
    }
    all.putAll(in.desiredTrust());
    return all;
  }

  private boolean plan() {
    boolean any = false;
    SortedMap<String, CertificateFacts> want = in.desiredTrust();
    Map<String, CertificateFacts> have = observed.trusted();
    for (Map.Entry<String, CertificateFacts> e : want.entrySet()) {
      String name = e.getKey();
      CertificateFacts c = e.getValue();
      CertificateFacts old = have.get(name);
      if (old == null) {
        String was = renamed().get(c.fingerprint());
        put(
            name,
            c,
            Action.CREATE,
            new Reason(
                ReasonCode.TRUST_ADDED,
                PlanWords.certificate(c) + (was == null ? "" : "; was trust/" + was + why(name, c))));
        any = true;
      } else if (!old.fingerprint().equals(c.fingerprint())) {
        put(
            name,
            c,
            Action.REPLACE,
            new Reason(
                ReasonCode.TRUST_CHANGED,
                "certificate changed: "
                    + old.fingerprint().abbreviatedColonHex()
                    + " → "
                    + PlanWords.certificate(c)));
        any = true;
      } else {
        draft.unchanged();
      }
      warnIfExpiring(name, c);
    }
    for (Map.Entry<String, CertificateFacts> e : have.entrySet()) {
      if (want.containsKey(e.getKey())) {
        continue;
      }
      if (in.desired().trust().prune()) {
        draft.add(
            new Change(
                Address.trust(e.getKey()),
                Action.DELETE,
                List.of(new Reason(ReasonCode.TRUST_REMOVED, noLongerDeclared(e.getValue()))),
                new Intent.RemoveTrusted(e.getKey()),
                PlanWords.certificateAttributes(e.getValue()),
                Attributes.none()));
        any = true;
      } else {
        // Kept because pruning is off: still trusted, so its expiry matters just the same.
        warnIfExpiring(e.getKey(), e.getValue());
      }
    }
    warnOfDuplicates(want);
    warnOfSameSubjectAndKey(want);
    return any;
  }

  /** Why a certificate has a new name, when the new one is a fingerprint name. */
  private static String why(String newName, CertificateFacts c) {
    return newName.contains("-" + c.fingerprint().hex().substring(0, StoreLayout.TRUSTED_NAME_DIGITS))
        ? " (each certificate of a file holding several is named by its fingerprint)"
        : "";
  }

  private Map<Fingerprint, String> renamedFrom; // the store's undeclared entries, by fingerprint
  private Map<Fingerprint, String> renamedTo; // the declared entries new to the store, likewise

  /** The store's entries deleted by pruning, by fingerprint: a new name may be an old one's. */
  private Map<Fingerprint, String> renamed() {
    if (renamedFrom == null) {
      renamedFrom =
          in.desired().trust().prune() ? newNames(observed.trusted(), in.desiredTrust()) : Map.of();
    }
    return renamedFrom;
  }

  private String noLongerDeclared(CertificateFacts c) {
    if (renamedTo == null) {
      renamedTo = newNames(in.desiredTrust(), observed.trusted());
    }
    String now = renamedTo.get(c.fingerprint());
    return now == null ? "no longer declared" : "no longer declared; now trust/" + now + why(now, c);
  }

  /** The entries of {@code names} that {@code others} lacks, by fingerprint (the first name of each). */
  private static Map<Fingerprint, String> newNames(
      Map<String, CertificateFacts> names, Map<String, CertificateFacts> others) {
    Map<Fingerprint, String> byFingerprint = new java.util.HashMap<>();
    names.forEach(
        (name, c) -> {
          if (!others.containsKey(name)) {
            byFingerprint.putIfAbsent(c.fingerprint(), name);
          }
        });
    return byFingerprint;
  }

  private void put(String name, CertificateFacts c, Action action, Reason reason) {
    draft.add(
        new Change(
            Address.trust(name),
            action,
            List.of(reason),
            new Intent.PutTrusted(name, c.fingerprint()),
            observed.trusted().containsKey(name)
                ? PlanWords.certificateAttributes(observed.trusted().get(name))
                : Attributes.none(),
            PlanWords.certificateAttributes(c)));
  }

  private void warnIfExpiring(String name, CertificateFacts c) {
    if (c.isExpiredAt(now)) {
      draft.warn(
          new Warning(
              WarningCode.TRUST_EXPIRED,
              Address.trust(name),
              "trusted certificate '" + name + "' expired on " + DateText.of(c.notAfter())));
    } else if (c.expiresWithin(EXPIRY_WARNING, now)) {
      draft.warn(
          new Warning(
              WarningCode.TRUST_EXPIRING,
              Address.trust(name),
              "trusted certificate '"
                  + name
                  + "' expires on "
                  + DateText.of(c.notAfter())
                  + " (in "
                  + DurationText.left(Duration.between(now, c.notAfter()))
                  + ")"));
    }
  }

  /**
   * Self-issued certificates of one subject and key that differ: OpenSSL finds a trusted
   * certificate for a server's own self-signed one by subject and key, takes the first (in the
   * bundle's and trust-hashed/'s order: by name), and refuses the server that presents the other
   * (openssl s_client, nginx, HAProxy, Python before 3.13; curl's partial chains and Java, GnuTLS
   * accept it). A device that renewed its certificate keeping its key leaves such a pair.
   */
  private void warnOfSameSubjectAndKey(SortedMap<String, CertificateFacts> want) {
    Map<String, Map<Fingerprint, String>> bySubjectAndKey = new TreeMap<>();
    want.forEach(
        (name, c) -> {
          if (c.isSelfIssued()) {
            bySubjectAndKey
                .computeIfAbsent(c.subjectDn() + "\n" + c.publicKey().publicKeyFingerprint(), k -> new TreeMap<>())
                .putIfAbsent(c.fingerprint(), name);
          }
        });
    Map<String, List<String>> groups = new TreeMap<>();
    bySubjectAndKey.forEach((key, byFingerprint) -> groups.put(key, new ArrayList<>(byFingerprint.values())));
    warnOfGroups(
        groups,
        WarningCode.TRUST_SAME_KEY,
        (key, names) ->
            "trusted certificates "
                + String.join(", ", names)
                + " are self-signed with the same subject ("
                + want.get(names.get(0)).subjectDn()
                + ") and key but differ: OpenSSL clients (openssl s_client, nginx, HAProxy,"
                + " Python before 3.13) accept only '"
                + names.get(0)
                + "' when a server presents one of them itself; keep only the certificate"
                + " the device presents now");
  }

  private void warnOfDuplicates(SortedMap<String, CertificateFacts> want) {
    Map<Fingerprint, List<String>> byFingerprint = new TreeMap<>();
    want.forEach(
        (name, c) -> byFingerprint.computeIfAbsent(c.fingerprint(), f -> new ArrayList<>()).add(name));
    warnOfGroups(
        byFingerprint,
        WarningCode.TRUST_DUPLICATE,
        (fp, names) ->
            "the same certificate is trusted under several names: "
                + String.join(", ", names)
                + " ("
                + fp.shortForm()
                + ")");
  }

  /** One warning for each group of several names, about the first; the message gets them sorted. */
  private <K> void warnOfGroups(
      Map<K, List<String>> groups,
      WarningCode code,
      java.util.function.BiFunction<K, List<String>, String> message) {
    groups.forEach(
        (key, names) -> {
          if (names.size() > 1) {
            List<String> sorted = names.stream().sorted().toList();
            draft.warn(new Warning(code, Address.trust(sorted.get(0)), message.apply(key, sorted)));
          }
        });
  }
}
