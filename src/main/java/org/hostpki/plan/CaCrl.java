package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;

/**
 * Plans {@code ca.crl}, the CRL of a fleet CA ({@code hostpki revoke} writes it): renewed like a
 * certificate, once a third of its validity is left ({@link CrlFacts#renewalTime}), so that
 * clients never meet an expired CRL while apply or {@code watch} runs. Only a CRL of the store's
 * CA is renewed, and not while this plan replaces the CA (the next {@code hostpki revoke} writes
 * the new CA's CRL).
 */
final class CaCrl {
  private CaCrl() {}

  /** @param signerChanges this plan replaces the CA that signs ({@code ca.crt}) */
  static void plan(PlanInput in, boolean signerChanges, PlanDraft draft) {
    Optional<CrlFacts> observed = in.observed().caCrl();
    Optional<CertificateFacts> ca = in.observed().caCertificate();
    if (observed.isEmpty() || ca.isEmpty() || signerChanges || !issuedBy(observed.get(), ca.get())) {
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

  /** Whether the CRL names the CA as its issuer, by name and key identifier. */
  private static boolean issuedBy(CrlFacts crl, CertificateFacts ca) {
    return crl.issuerDn().equals(ca.subjectDn())
        && (crl.authorityKeyId().isEmpty()
            || ca.subjectKeyId().isEmpty()
            || crl.authorityKeyId().equals(ca.subjectKeyId()));
  }

  private static Attributes attributes(CrlFacts crl) {
    return Attributes.none()
        .with("issuer", crl.issuerDn())
        .with(
            "revoked_serials",
            crl.revoked().stream().map(r -> CertificateFacts.serialHex(r.serial())).toList());
  }
}
