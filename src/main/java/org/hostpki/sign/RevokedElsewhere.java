package org.hostpki.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreSnapshot;

/**
 * A revoke of a certificate the store signed with a CA that signs no more, which has nothing to
 * write: {@link CaRevoker}'s side for CAs other than the one that signs (split from it: this half
 * reads what is left of a CA's revocations, the other writes this CA's CRL).
 *
 * <p>A previous CA's certificate that its last CRL ({@code ca-previous.crl}) lists is revoked
 * already. One whose CA left the store (a rotation's previous CA after its overlap, a CA replaced
 * at once) is revoked already when that CA had revoked it: the store's {@link RevocationRecord},
 * or a CRL of that CA in the live set or a kept generation, says so. One that expired has no
 * effect. One never revoked and still valid is refused (exit 1): no CRL of its CA can be written
 * any more, and clients that trust that CA by hand — an imported {@code ca.crt}, a browser's or
 * Java's trust store — keep trusting it after the store drops it, so they accept that
 * certificate until its end. A success would hide that from an operator revoking a leaked key;
 * the refusal names the CA to remove from those clients, and until when it matters.
 */
final class RevokedElsewhere {
  private RevokedElsewhere() {}

  /** What a revoke with nothing to write found. */
  record Settled(
      IssuedCertificate revoking,
      RevokedCertificate entry,
      Optional<RevocationList> crl,
      CaRevoker.Standing standing,
      List<String> notes) {}

  /**
   * What settles the revoke of {@code target} without this CA's CRL; empty for a certificate of
   * this CA (or the next), or one {@link RevocationTargets} refuses.
   *
   * @throws HostpkiException for a certificate of a CA gone that was never revoked and is still
   *     valid, or one revoked before for another reason
   */
  static Optional<Settled> find(
      CaStore store,
      StoreSnapshot snapshot,
      CaStore.SigningCa ca,
      List<IssuedCertificate> issued,
      CaRevoker.Target target,
      Optional<RevocationReason> reason,
      Instant now,
      SecureRandom random) {
    Optional<IssuedCertificate> found =
        target instanceof CaRevoker.Target.Given given
            ? issued.stream().filter(i -> i.certificate().equals(given.certificate())).findFirst()
                .or(() -> Optional.of(IssuedCertificate.of(given.certificate())))
            : issued.stream()
                .filter(i -> i.facts().serialNumber().equals(((CaRevoker.Target.Serial) target).serial()))
                .findFirst();
    if (found.isEmpty()
        || found.get().certificate().equals(ca.certificate())
        || found.get().certificate().isSignedBy(ca.certificate())
        || signedBy(snapshot, StoreLayout.CA_NEXT_CERT, found.get().certificate())) {
      return Optional.empty();
    }
    IssuedCertificate revoking = found.get();
    BigInteger serial = revoking.facts().serialNumber();
    String who = "serial " + revoking.serial() + " (" + TerminalText.escape(revoking.facts().subjectDn()) + ")";
    Optional<Certificate> previous = snapshot.file(StoreLayout.CA_PREVIOUS_CERT).flatMap(RevokedElsewhere::firstCertificate);
    if (previous.isPresent() && revoking.certificate().isSignedBy(previous.get())) {
      Optional<RevocationList> last =
          snapshot.file(StoreLayout.CA_PREVIOUS_CRL).flatMap(RevokedElsewhere::crlOf)
              .filter(c -> c.isSignedBy(previous.get()));
      Optional<RevokedCertificate> entry = last.flatMap(c -> c.facts().entry(serial));
      if (entry.isEmpty()) {
        return Optional.empty(); // clients accept it: refused, with the way to end that CA's trust
      }
      requireSameReason(who, entry.get(), reason, "by the previous CA's last CRL (" + StoreLayout.CA_PREVIOUS_CRL + ")");
      return Optional.of(new Settled(revoking, entry.get(), last, CaRevoker.Standing.PREVIOUS_CA_CRL, List.of(
          who + " was signed by the previous CA " + TerminalText.escape(previous.get().facts().subjectDn())
              + ", whose last CRL (" + StoreLayout.CA_PREVIOUS_CRL + ") revokes it; publish that CRL"
              + " at the distribution point of that CA's certificates until it leaves")));
    }
    if (target instanceof CaRevoker.Target.Given given
        && issued.stream().noneMatch(i -> i.certificate().equals(given.certificate()))) {
      return Optional.empty(); // not known to be this store's: refused
    }
    CertificateFacts facts = revoking.facts();
    String issuer = TerminalText.escape(facts.issuerDn());
    Optional<RevokedCertificate> before;
    try {
      before = facts.authorityKeyId().flatMap(id -> RevocationRecord.find(store.directory().directory(), id, serial, random));
    } catch (HostpkiException unreadable) {
      before = Optional.empty(); // the record only caches what CRLs said: the kept CRLs may still say it
    }
    Optional<RevocationList> crl = Optional.empty();
    boolean undone = false;
    try {
      undone = facts.authorityKeyId()
          .map(id -> RevocationRecord.undone(store.directory().directory(), id, serial, random)).orElse(false);
    } catch (HostpkiException unreadable) {
      // as above
    }
    if (before.isEmpty() && !undone) {
      crl = lastCrlListing(store, snapshot, facts);
      before = crl.flatMap(c -> c.facts().entry(serial));
    }
    if (before.isPresent()) {
      requireSameReason(who, before.get(), reason, "by its CA " + issuer + ", which has left this store,");
      return Optional.of(new Settled(revoking, before.get(), crl, CaRevoker.Standing.REVOKED_BEFORE_ITS_CA_LEFT,
          List.of(who + " was signed by " + issuer + ", a CA this store signs with no more, which had revoked"
              + " it; no CRL of that CA is renewed any more: remove that CA from the clients that trust it"
              + " by hand")));
    }
    if (!now.isBefore(facts.notAfter())) {
      return Optional.of(new Settled(
          revoking, new RevokedCertificate(serial, now, reason.orElse(RevocationReason.UNSPECIFIED)),
          Optional.empty(), CaRevoker.Standing.ISSUER_GONE, List.of(
              who + " expired on " + DateText.of(facts.notAfter()) + ", and its CA " + issuer
                  + " left this store: every client refuses it")));
    }
    throw new HostpkiException(
        who + " was signed by " + issuer + ", a CA this store signs with no more (replaced with --replace ca,"
            + " or a rotation's previous CA after its overlap), and it was never revoked; that CA's key is gone,"
            + " so no CRL can revoke it now. Clients that still trust " + issuer + " accept this certificate"
            + " until it expires on " + DateText.of(facts.notAfter()) + ": those that trust that CA by hand (an"
            + " imported ca.crt or ca-previous.crt, a browser's or Java's trust store, another host's"
            + " trust.certificates) keep it after this store dropped it. Remove " + issuer
            + facts.authorityKeyId().map(id -> " (key id " + id + ")").orElse("")
            + " from every such client now; from " + DateText.of(facts.notAfter()) + " on this revoke has no"
            + " effect and succeeds. Nothing was changed");
  }

  /**
   * The newest CRL of the certificate's issuer that lists it, from the live {@code ca.crl} and
   * {@code ca-previous.crl} and those of the kept generations.
   */
  private static Optional<RevocationList> lastCrlListing(CaStore store, StoreSnapshot snapshot, CertificateFacts facts) {
    List<byte[]> candidates = new ArrayList<>();
    snapshot.file(StoreLayout.CA_CRL).ifPresent(candidates::add);
    snapshot.file(StoreLayout.CA_PREVIOUS_CRL).ifPresent(candidates::add);
    candidates.addAll(store.directory().keptFiles(StoreLayout.CA_CRL));
    candidates.addAll(store.directory().keptFiles(StoreLayout.CA_PREVIOUS_CRL));
    return candidates.stream()
        .map(RevokedElsewhere::crlOf)
        .flatMap(Optional::stream)
        .filter(c -> issuedBy(c.facts(), facts) && c.facts().entry(facts.serialNumber()).isPresent())
        .findFirst();
  }

  /** Whether the CRL's issuer is the certificate's, by name and key identifier (when both have one). */
  private static boolean issuedBy(CrlFacts crl, CertificateFacts certificate) {
    return crl.issuerDn().equals(certificate.issuerDn())
        && (crl.authorityKeyId().isEmpty()
            || certificate.authorityKeyId().isEmpty()
            || crl.authorityKeyId().equals(certificate.authorityKeyId()));
  }

  private static void requireSameReason(
      String who, RevokedCertificate entry, Optional<RevocationReason> reason, String where) {
    if (reason.isPresent() && reason.get() != entry.reason()) {
      throw new HostpkiException(
          who + " was revoked on " + DateText.of(entry.revocationDate()) + " for " + entry.reason() + " " + where
              + "; revoking it again for " + reason.get() + " is refused: a revocation is final, and"
              + " that CA's key is gone, so no CRL of it can be written again. Leave the reason out to"
              + " repeat the revocation as it stands. Nothing was changed");
    }
  }

  static boolean signedBy(StoreSnapshot snapshot, String file, Certificate certificate) {
    return snapshot.file(file).flatMap(RevokedElsewhere::firstCertificate).filter(certificate::isSignedBy).isPresent();
  }

  static Optional<Certificate> firstCertificate(byte[] pem) {
    try {
      return Pem.readCertificates(pem).stream().findFirst();
    } catch (InvalidMaterialException e) {
      return Optional.empty();
    }
  }

  static Optional<RevocationList> crlOf(byte[] pem) {
    try {
      return Optional.of(RevocationList.parse(pem));
    } catch (InvalidMaterialException e) {
      return Optional.empty();
    }
  }
}
