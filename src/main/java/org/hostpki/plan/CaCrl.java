package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.CrlUrl;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.PreviousCaCrl;

/**
 * Plans {@code ca.crl}, the CRL of a fleet CA ({@code hostpki revoke} writes it): renewed like a
 * certificate, once a third of its validity is left ({@link CrlFacts#renewalTime}), so that
 * clients never meet an expired CRL while apply or {@code watch} runs.
 *
 * <p>Each CA clients trust has a CRL of its own, as RFC 5280 wants of a CA until its certificates
 * expire and EJBCA does for a renewed CA's old key: when a rotation moves to the new CA, the old
 * CA signs its last CRL while its key is still there (the same entries, valid until the old CA's
 * notAfter) as {@code ca-previous.crl}, which leaves with {@code ca-previous.crt}, and the new CA
 * gets its own {@code ca.crl} (empty) in the same apply, so that a client checking every CRL of
 * the chain ({@code openssl verify -crl_check_all}) finds one for members of either CA. A CA
 * replaced at once ({@code --replace ca}) is trusted no more: its CRL goes. A store whose {@code
 * ca.crl} a build before {@code ca-previous.crl} left with the previous CA's CRL gets the same at
 * the next apply, the old CRL kept as it is.
 */
final class CaCrl {
  private CaCrl() {}

  /**
   * @param signerChanges this plan replaces the CA that signs ({@code ca.crt})
   * @param previousKept {@code ca-previous.crt} is there after this plan: with {@code
   *     signerChanges}, the CA that signs now
   */
  static void plan(PlanInput in, boolean signerChanges, boolean previousKept, PlanDraft draft) {
    Optional<CrlFacts> observed = in.observed().caCrl();
    Optional<CertificateFacts> ca = in.observed().caCertificate();
    if (observed.isEmpty()) {
      first(in, ca, signerChanges && previousKept, draft);
      return;
    }
    if (ca.isEmpty()) {
      return;
    }
    if (signerChanges) {
      boolean moves = previousKept && issuedBy(observed.get(), ca.get());
      newCrl(observed.get(), moves ? Intent.PreviousCrl.FINAL : Intent.PreviousCrl.DROP,
          moves ? distributionPoints(in, ca.get()) : "", draft);
      return;
    }
    if (!issuedBy(observed.get(), ca.get())) {
      boolean keep =
          previousKept
              && PreviousCaCrl.leftAsCaCrl(
                  observed.get(), ca.get(), in.observed().caPreviousCertificate(),
                  in.observed().caPreviousCrl().isPresent());
      newCrl(observed.get(), keep ? Intent.PreviousCrl.KEEP : Intent.PreviousCrl.DROP, "", draft);
      return;
    }
    CrlFacts crl = observed.get();
    Optional<Instant> due = crl.renewalTime();
    Instant now = in.now();
    if (due.isEmpty() || now.isBefore(due.get())) {
      draft.unchanged();
      return;
    }
    Instant next = crl.nextUpdate().orElseThrow();
    String number = crl.number().map(n -> "ca.crl number " + n).orElse("ca.crl");
    Reason reason =
        now.isBefore(next)
            ? new Reason(
                ReasonCode.EXPIRING,
                number + " expires on " + DateText.of(next) + " (in "
                    + DurationText.left(Duration.between(now, next)) + "): renewed once a third of"
                    + " its validity is left")
            : new Reason(ReasonCode.EXPIRED, number + " expired on " + DateText.of(next));
    Duration validity = in.desired().ca().crlOrDefaults().validity();
    draft.add(
        new Change(
            Address.CA_CRL,
            Action.UPDATE,
            List.of(reason),
            new Intent.RenewCrl(crl.fingerprint()),
            attributes(crl).with("next_update", next),
            attributes(crl).with("validity", validity)));
  }

  /**
   * {@code ca.crl} of a CA with {@code ca.crl} declared that has none yet (a new store, one whose
   * CRL a {@code --replace} or rollback took along, one a build before this wrote): an empty CRL,
   * as step-ca and EJBCA publish one from the start. The certificates the CA signs name {@code
   * ca.crl.url} from the first sign, and clients that fetch the CRL from there ({@code openssl
   * verify -crl_check -crl_download}, Java with {@code com.sun.security.enableCRLDP}) refuse them
   * while there is none to publish. Without {@code ca.crl} declared, {@code hostpki revoke} writes
   * the first, as before.
   *
   * <p>At a rotation's move ({@code moves}) the previous CA, whose key is still there, signs its
   * last CRL too, as a move with a CRL has it do (ffleet17: a store that never had a CRL gave
   * the previous CA none, and its members' distribution point had nothing to serve).
   *
   * @param ca the CA before this plan; empty when this plan makes the first
   */
  private static void first(PlanInput in, Optional<CertificateFacts> ca, boolean moves, PlanDraft draft) {
    Optional<CrlSpec> declared = in.desired().ca().crl();
    if (declared.isEmpty()) {
      return;
    }
    boolean previousFinal = moves && ca.isPresent();
    String why =
        (ca.isEmpty() ? "the CA is new" : "the CA has no CRL yet")
            + " and ca.crl is declared: a CA publishes its CRL from the start, empty until hostpki"
            + " revoke adds an entry"
            + (previousFinal
                ? "; the previous CA signs its last CRL (empty), valid until its notAfter, as"
                    + " ca-previous.crl" + distributionPoints(in, ca.get())
                : declared.get().url()
                    .map(u -> "; the certificates it signs name " + u + " (ca.crl.url): publish it there"
                        + " (hostpki export crl --der), since clients that fetch it refuse them until then")
                    .orElse(""));
    draft.add(
        new Change(
            Address.CA_CRL,
            Action.CREATE,
            List.of(new Reason(ReasonCode.MISSING, why)),
            new Intent.FirstCrl(previousFinal),
            Attributes.none(),
            Attributes.none()
                .with("revoked_serials", List.<String>of())
                .with("validity", declared.get().validity())));
  }

  /**
   * What the plan line says of {@code ca.crl.url} at a rotation's move: where each CA's CRL is to
   * be published. A distribution point serves one CRL, and clients that fetch it want their own
   * CA's: the URL the previous CA's certificates name must keep serving its last CRL. With {@code
   * {keyId}} the new CA's certificates name a URL of their own; without it they name the same one
   * until the operator changes it, so the line says to.
   *
   * @param previous the CA that signs before this plan
   */
  private static String distributionPoints(PlanInput in, CertificateFacts previous) {
    Optional<CrlUrl> url = in.desired().ca().crlOrDefaults().url();
    if (url.isEmpty()) {
      return "";
    }
    if (!url.get().perCa()) {
      return "; " + url.get() + " (ca.crl.url) is the distribution point of the previous CA's"
          + " certificates: keep it serving ca-previous.crl until that CA leaves (hostpki export"
          + " previous-crl --der), and set ca.crl.url to a new URL for the new CA's ca.crl, or put "
          + CrlUrl.KEY_ID + " in it for a distribution point per CA";
    }
    String next =
        in.observed().caNextCertificate()
            .map(c -> url.get().forCa(c).toString())
            .orElse(url.get() + " with its key id");
    return "; the new CA's certificates name " + next + " (ca.crl.url): publish its ca.crl there"
        + " (hostpki export crl --der), and keep " + url.get().forCa(previous)
        + " serving ca-previous.crl until the previous CA leaves (hostpki export previous-crl --der)";
  }

  /**
   * {@code ca.crl} of the CA that signs after this plan, and what becomes of the old one.
   *
   * @param distributionPoints what to publish where ({@link #distributionPoints}), or ""
   */
  private static void newCrl(CrlFacts crl, Intent.PreviousCrl previous, String distributionPoints, PlanDraft draft) {
    // By name and key id: a rotation by expiry keeps the name, and both CAs are "CN=Fleet CA".
    String old =
        crl.number().map(n -> "ca.crl number " + n).orElse("ca.crl") + " is the previous CA's ("
            + crl.issuerDn() + crl.authorityKeyId().map(k -> ", key id " + k).orElse("") + ")";
    String becomes =
        switch (previous) {
          case FINAL -> "; the previous CA signs its last CRL, valid until its notAfter, as ca-previous.crl";
          case KEEP -> "; it stays as ca-previous.crl while the previous CA is trusted (its key is gone:"
              + " it is not renewed)";
          case DROP -> "; the previous CA is trusted no more, and its CRL goes";
        };
    draft.add(
        new Change(
            Address.CA_CRL,
            Action.REPLACE,
            List.of(
                new Reason(
                    ReasonCode.CA_ROTATION,
                    old + ": the CA that signs gets its own ca.crl" + becomes + distributionPoints)),
            new Intent.NewCaCrl(crl.fingerprint(), previous),
            attributes(crl),
            Attributes.none().with("revoked_serials", List.<String>of())));
  }

  private static boolean issuedBy(CrlFacts crl, CertificateFacts ca) {
    return PreviousCaCrl.issuedBy(crl, ca);
  }

  private static Attributes attributes(CrlFacts crl) {
    return Attributes.none()
        .with("issuer", crl.issuerDn())
        .with(
            "revoked_serials",
            crl.revoked().stream().map(r -> CertificateFacts.serialHex(r.serial())).toList());
  }
}
