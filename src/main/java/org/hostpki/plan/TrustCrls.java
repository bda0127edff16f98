package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.TrustedCrl;

/**
 * Checks the CRLs a member host consumes ({@code trust.crls}) and decides which the trust store
 * holds: each must be signed by a certificate trusted after apply and not be issued in the future
 * (a CRL that is not is refused, naming its file). Of several CRLs from one CA only the newest is
 * kept. A trusted certificate a kept CRL lists is a warning, and so is a CRL with less than a
 * third of its validity left.
 *
 * <p>A CRL past its nextUpdate is installed as given, with a warning ({@code crl-expired}), not
 * refused: refusing it refused the whole apply, so a member whose CA had not yet published a new
 * CRL could not renew its own server certificate. Installed rather than left out or replaced by
 * the one the store held: it is the newest revocation list there is (the one before lists fewer
 * revocations and expired earlier), and clients that check revocation fail closed either way
 * ({@code openssl verify -crl_check} and nginx's {@code ssl_crl} refuse with "CRL has expired",
 * with none "unable to get certificate CRL"; Java's PKIX cannot determine the revocation status),
 * while a client that soft-fails still sees every revocation the CA made.
 *
 * <p>A CRL older than the one of its CA the store holds (a lower CRL number, RFC 5280 5.2.3; when
 * either has none, an earlier thisUpdate) does not replace it: the installed one is kept, with a
 * warning ({@code crl-older}). Installing it would undo the revocations made since, silently: a
 * stale copy pushed by configuration management, or an old CRL replayed to lift a revocation.
 * So does one with the installed one's number (or, without numbers, its thisUpdate) and other
 * content: a CA never issues two.
 */
final class TrustCrls {
  private TrustCrls() {}

  /**
   * @return the fingerprints of the CRLs {@code trust-crls.pem} and {@code trust-hashed/} hold
   *     after apply, in the order the desired state names them; when a CRL is refused, those of
   *     the store (the plan shows no change of them, and is not applied)
   */
  static List<Fingerprint> plan(PlanInput in, PlanDraft draft) {
    if (in.crls().isEmpty()) {
      return List.of();
    }
    Map<Fingerprint, CertificateFacts> trusted = trustedAfterApply(in);
    Instant now = in.now();
    List<String> problems = new ArrayList<>();
    for (TrustedCrl crl : in.crls()) {
      problem(crl, trusted, now).ifPresent(p -> problems.add(crl.file() + ": " + p));
    }
    if (!problems.isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.CRL_REFUSED,
              Output.TRUST_CRLS.address(),
              "trust.crls: "
                  + (problems.size() == 1 ? "a CRL" : problems.size() + " CRLs")
                  + " cannot be trusted; nothing was changed:",
              problems));
      return in.observed().trustCrls().orElse(List.of());
    }
    List<TrustedCrl> kept = keepInstalledIfNewer(newestPerIssuer(in.crls()), in.installedCrls(), draft);
    for (TrustedCrl crl : kept) {
      warnIfExpiring(crl, now, draft);
      warnOfRevoked(crl, in, draft);
    }
    return kept.stream().map(c -> c.facts().fingerprint()).toList();
  }

  private static Optional<String> problem(
      TrustedCrl crl, Map<Fingerprint, CertificateFacts> trusted, Instant now) {
    CrlFacts f = crl.facts();
    String which = "the CRL of " + f.issuerDn() + number(f);
    if (crl.signer().isEmpty() || !trusted.containsKey(crl.signer().get())) {
      return Optional.of(
          which + " is not signed by a trusted certificate; trust the CA that issued it"
              + " (trust.certificates), or remove the file from trust.crls");
    }
    if (f.thisUpdate().isAfter(now)) {
      return Optional.of(
          which + " is not valid until " + DateText.of(f.thisUpdate()) + " (its thisUpdate): is this"
              + " host's clock behind?");
    }
    return Optional.empty();
  }

  private static String number(CrlFacts f) {
    return f.number().map(n -> " (number " + n + ")").orElse("");
  }

  /**
   * The certificates the trust store holds after apply, by fingerprint: the internal CAs of the
   * store and the trusted certificates.
   */
  private static Map<Fingerprint, CertificateFacts> trustedAfterApply(PlanInput in) {
    Map<Fingerprint, CertificateFacts> all = new LinkedHashMap<>();
    ObservedStore observed = in.observed();
    for (Optional<CertificateFacts> ca :
        List.of(
            observed.caCertificate(), observed.caNextCertificate(), observed.caPreviousCertificate())) {
      ca.ifPresent(c -> all.put(c.fingerprint(), c));
    }
    TrustPlan.afterApply(in).values().forEach(c -> all.put(c.fingerprint(), c));
    return all;
  }

  /** Of the CRLs one CA signed, the newest (the highest number, else the latest thisUpdate). */
  private static List<TrustedCrl> newestPerIssuer(List<TrustedCrl> crls) {
    Comparator<TrustedCrl> newer =
        Comparator.comparing(
                (TrustedCrl c) -> c.facts().number().orElse(java.math.BigInteger.valueOf(-1)))
            .thenComparing(c -> c.facts().thisUpdate());
    Map<String, TrustedCrl> newest = new LinkedHashMap<>();
    for (TrustedCrl crl : crls) {
      newest.merge(ca(crl), crl, (a, b) -> newer.compare(b, a) > 0 ? b : a);
    }
    Set<Fingerprint> seen = new HashSet<>();
    return newest.values().stream().filter(c -> seen.add(c.facts().fingerprint())).toList();
  }

  /** The CA that signed a CRL: its name and the fingerprint of the certificate whose key verifies it. */
  private static String ca(TrustedCrl crl) {
    return crl.facts().issuerDn() + "\n" + crl.signer().orElseThrow().hex();
  }

  /**
   * Each CRL of {@code given}, or the one of its CA installed when that one is newer, or as new
   * with other content (a warning names both).
   */
  private static List<TrustedCrl> keepInstalledIfNewer(
      List<TrustedCrl> given, List<TrustedCrl> installed, PlanDraft draft) {
    Map<String, TrustedCrl> installedByCa = new LinkedHashMap<>();
    installed.stream().filter(c -> c.signer().isPresent()).forEach(c -> installedByCa.putIfAbsent(ca(c), c));
    List<TrustedCrl> kept = new ArrayList<>();
    for (TrustedCrl crl : given) {
      TrustedCrl have = installedByCa.get(ca(crl));
      if (have == null || have.facts().fingerprint().equals(crl.facts().fingerprint())) {
        kept.add(crl);
        continue;
      }
      CrlFacts f = crl.facts();
      CrlFacts h = have.facts();
      int order =
          f.number().isPresent() && h.number().isPresent()
              ? f.number().get().compareTo(h.number().get())
              : f.thisUpdate().compareTo(h.thisUpdate());
      if (order > 0) {
        kept.add(crl);
        continue;
      }
      kept.add(have);
      String suspicious =
          order < 0
              ? ""
              : ": a CA never issues two CRLs with one "
                  + (f.number().isPresent() && h.number().isPresent() ? "number" : "thisUpdate");
      draft.warn(
          new Warning(
              WarningCode.CRL_OLDER,
              Output.TRUST_CRLS.address(),
              crl.file() + ": the CRL of " + f.issuerDn() + age(f)
                  + (order < 0 ? " is older than the one installed" : " is not the one installed but as new")
                  + age(h) + ", " + have.file() + suspicious + "; the installed one is kept, so the"
                  + " revocations it lists stay in force. Give the CA's current CRL ('hostpki export"
                  + " crl' on the CA host)"));
    }
    return kept;
  }

  /** A CRL's number, if it has one, and its thisUpdate, in parentheses. */
  private static String age(CrlFacts f) {
    return " (" + f.number().map(n -> "number " + n + ", ").orElse("") + "thisUpdate "
        + DateText.of(f.thisUpdate()) + ")";
  }

  private static void warnIfExpiring(TrustedCrl crl, Instant now, PlanDraft draft) {
    CrlFacts f = crl.facts();
    if (f.renewalTime().isEmpty() || now.isBefore(f.renewalTime().get())) {
      return;
    }
    Instant next = f.nextUpdate().orElseThrow();
    boolean expired = !now.isBefore(next);
    String when =
        expired
            ? " expired on " + DateText.of(next) + " (its nextUpdate, "
                + DurationText.left(Duration.between(next, now)) + " ago); it is installed all the"
                + " same, so clients that check revocation (openssl -crl_check, nginx ssl_crl, Java"
                + " PKIX) refuse every certificate of that CA until the CA publishes a new one: fetch it"
            : " expires on " + DateText.of(next) + " (in " + DurationText.left(Duration.between(now, next))
                + "); fetch a newer one from the CA";
    draft.warn(
        new Warning(
            expired ? WarningCode.CRL_EXPIRED : WarningCode.CRL_EXPIRING,
            Output.TRUST_CRLS.address(),
            crl.file() + ": the CRL of " + f.issuerDn() + number(f) + when
                + " ('hostpki export crl' on the CA host)"));
  }

  /** A trusted certificate of the CA that signed the CRL whose serial the CRL lists. */
  private static void warnOfRevoked(TrustedCrl crl, PlanInput in, PlanDraft draft) {
    CrlFacts f = crl.facts();
    TrustPlan.afterApply(in)
        .forEach(
            (name, c) -> {
              if (!c.issuerDn().equals(f.issuerDn())) {
                return;
              }
              Optional<RevokedCertificate> entry = f.entry(c.serialNumber());
              entry.ifPresent(
                  r ->
                      draft.warn(
                          new Warning(
                              WarningCode.TRUST_REVOKED,
                              Address.trust(name),
                              "trusted certificate '" + name + "' (serial "
                                  + CertificateFacts.serialHex(c.serialNumber()) + ") is revoked ("
                                  + r.reason().word() + ", on " + DateText.of(r.revocationDate())
                                  + ") by the CRL of " + f.issuerDn() + number(f) + ", "
                                  + crl.file() + "; stop trusting it: remove it from"
                                  + " trust.certificates or trust.directories")));
            });
  }
}
