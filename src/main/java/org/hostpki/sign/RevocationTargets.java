package org.hostpki.sign;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.plan.RotationSchedule;
import org.hostpki.store.StoreSnapshot;

/**
 * Which certificate a {@link CaRevoker revoke} means, and the refusals of one this CA cannot
 * revoke: the CA itself, this host's own server certificate, one of another CA or of the CA a
 * rotation replaced (with the steps that end its trust instead), a serial the record does not
 * know, a file whose serial the record gives to another certificate.
 */
final class RevocationTargets {
  private RevocationTargets() {}

  /** The recorded certificate with this serial; refuses a serial the record does not know. */
  static IssuedCertificate recorded(
      DesiredState caHost,
      StoreSnapshot snapshot,
      CaStore.SigningCa ca,
      List<IssuedCertificate> issued,
      BigInteger serial,
      Instant now) {
    String hex = CertificateFacts.serialHex(serial);
    if (ca.certificate().facts().serialNumber().equals(serial)) {
      throw refusedCaItself(hex);
    }
    IssuedCertificate found =
        issued.stream()
            .filter(i -> i.facts().serialNumber().equals(serial))
            .findFirst()
            .orElseThrow(
                () ->
                    new HostpkiException(
                        "serial " + hex + " is not a certificate this CA issued: there is no "
                            + StoreLayout.ISSUED_DIRECTORY + "/" + hex + ".crt in " + caHost.store().path()
                            + " (" + ShellCommand.hostpki("status", "-f", caHost.source()) + " lists the issued"
                            + " certificates); nothing was revoked. A certificate this CA signed that"
                            + " is missing from the record can be given with --cert FILE"));
    if (!found.certificate().isSignedBy(ca.certificate())) {
      refuseIfOfNextCa(caHost, snapshot, found.certificate(),
          "serial " + hex + " (" + TerminalText.escape(found.facts().subjectDn()) + ")");
      refuseIfOfPreviousCa(caHost, snapshot, ca, issued, found.certificate(),
          "serial " + hex + " (" + TerminalText.escape(found.facts().subjectDn()) + ")", now);
      // Clients look for a revocation on the CRL of the certificate's own CA: this CA's would list
      // it to no effect, and say "revoked" of a certificate every client still accepts.
      throw new HostpkiException(
          "serial " + hex + " (" + TerminalText.escape(found.facts().subjectDn()) + ") was signed by a CA"
              + " this store no longer signs with (its issuer, " + TerminalText.escape(found.facts().issuerDn())
              + ", was replaced since: --replace ca or a rotation), and only that CA's CRL revokes it:"
              + " this CA's would list it to no effect. Nothing was revoked. Clients refuse it once"
              + " they no longer trust that CA: remove it from their trust (trust.certificates) where"
              + " they still do");
    }
    return found;
  }

  /** A certificate from a file: this CA's, and not the CA itself or this host's own. */
  static IssuedCertificate given(
      DesiredState caHost,
      StoreSnapshot snapshot,
      CaStore.SigningCa ca,
      List<IssuedCertificate> issued,
      CaRevoker.Target.Given given,
      Instant now) {
    Certificate certificate = given.certificate();
    String shown = given.file() + " (" + TerminalText.escape(certificate.facts().subjectDn()) + ")";
    if (certificate.equals(ca.certificate())) {
      throw refusedCaItself(IssuedCertificate.of(certificate).serial());
    }
    if (!certificate.isSignedBy(ca.certificate())) {
      refuseIfOfNextCa(caHost, snapshot, certificate, shown);
      refuseIfOfPreviousCa(caHost, snapshot, ca, issued, certificate, shown, now);
      String issuer = certificate.facts().issuerDn();
      throw new HostpkiException(
          shown + " was not issued by this CA (" + ca.certificate().facts().subjectDn() + "): "
              + (issuer.equals(ca.certificate().facts().subjectDn())
                  ? "it names this CA as its issuer, but its signature does not verify with this CA's key"
                      + " (another CA of the same name, or a forged certificate)"
                  : "its issuer is " + TerminalText.escape(issuer))
              + "; nothing was revoked. hostpki revokes only what the CA of " + caHost.store().path() + " signed");
    }
    if (snapshot.file(StoreLayout.SERVER_CERT).map(RevocationTargets::first).filter(certificate::equals).isPresent()) {
      throw new HostpkiException(
          shown + " is this CA host's own server certificate, which apply keeps serving; nothing was"
              + " revoked. Give the host a new one first ("
              + ShellCommand.hostpki("apply", "-f", caHost.source(), "--replace", "server") + "), then revoke the old one from a copy");
    }
    IssuedCertificate revoking = IssuedCertificate.of(certificate);
    for (IssuedCertificate i : issued) {
      if (i.serial().equals(revoking.serial()) && !i.certificate().equals(certificate)) {
        throw new HostpkiException(
            shown + " has serial " + revoking.serial() + ", but " + i.fileName() + " records another"
                + " certificate with it; nothing was revoked: check which file is the right one");
      }
    }
    return revoking;
  }

  /**
   * The refusal for a certificate of the CA a rotation replaced, which stays trusted as {@code
   * ca-previous.crt} for one more overlap without its key: no CRL of it can be written (and one
   * of this CA would list it to no effect), so what stops clients accepting it is ending that
   * trust early, after the hosts with its other certificates have new ones. Nothing when another
   * CA issued the certificate.
   */
  private static void refuseIfOfPreviousCa(
      DesiredState caHost,
      StoreSnapshot snapshot,
      CaStore.SigningCa ca,
      List<IssuedCertificate> issued,
      Certificate certificate,
      String shown,
      Instant now) {
    Optional<Certificate> previous = signer(snapshot, StoreLayout.CA_PREVIOUS_CERT, certificate);
    if (previous.isEmpty()) {
      return;
    }
    String source = caHost.source().toString();
    Optional<Instant> until =
        RotationSchedule.previousTrustedUntil(
            caHost.ca().rotationOverlap(), ca.certificate().facts(), previous.get().facts());
    List<String> others =
        issued.stream()
            .filter(i -> !i.certificate().equals(certificate))
            .filter(i -> i.facts().isValidAt(now) && i.certificate().isSignedBy(previous.get()))
            .map(IssuedCertificate::serial)
            .toList();
    String first =
        others.isEmpty()
            ? ""
            : "first have the hosts of its " + others.size() + " other valid certificate(s) ("
                + String.join(", ", others.subList(0, Math.min(others.size(), 5)))
                + (others.size() > 5 ? ", …" : "")
                + ") signed anew (their next hostpki sign gets a certificate of this CA), then ";
    throw new HostpkiException(
        shown + " was signed by the previous CA "
            + TerminalText.escape(previous.get().facts().subjectDn()) + " ("
            + StoreLayout.CA_PREVIOUS_CERT + "), which the CA rotation keeps trusted "
            + until.map(u -> "until " + DateText.of(u)).orElse("until the next apply")
            + " but whose key this store no longer holds: no CRL of it can be written, and this"
            + " CA's would list it to no effect. Nothing was revoked. To have clients refuse it"
            + " now, end the previous CA's trust early: " + first + "remove ca.rotation.overlap"
            + " from " + source + " and run " + ShellCommand.hostpki("apply", "-f", source) + " ("
            + StoreLayout.CA_PREVIOUS_CERT + " leaves trust-bundle.crt, truststore.p12 and"
            + " trust-hashed/), hand the new trust bundle to the clients ("
            + ShellCommand.hostpki("export", "-f", source, "trust-bundle") + "), and put ca.rotation.overlap back");
  }

  /**
   * The refusal for a certificate of the rotation's new CA ({@code ca-next.crt}), which signs
   * nothing before the move: the store was rolled back across the move after it signed (and
   * maybe revoked) it. Its CRL is that CA's, written once it signs again. Nothing when another CA
   * issued the certificate.
   */
  private static void refuseIfOfNextCa(
      DesiredState caHost, StoreSnapshot snapshot, Certificate certificate, String shown) {
    Optional<Certificate> next = signer(snapshot, StoreLayout.CA_NEXT_CERT, certificate);
    if (next.isEmpty()) {
      return;
    }
    String source = caHost.source().toString();
    throw new HostpkiException(
        shown + " was signed by the new CA of the rotation "
            + TerminalText.escape(next.get().facts().subjectDn()) + " (" + StoreLayout.CA_NEXT_CERT
            + "), which this store does not sign with yet (it was rolled back to before the move):"
            + " only that CA's CRL revokes it. Nothing was revoked. Run "
            + ShellCommand.hostpki("apply", "-f", source) + " first (it moves to the new CA again), then revoke it");
  }

  /** The CA certificate of the store file, when it signed the certificate. */
  private static Optional<Certificate> signer(StoreSnapshot snapshot, String file, Certificate certificate) {
    return snapshot.file(file).map(RevocationTargets::first).filter(certificate::isSignedBy);
  }

  private static Certificate first(byte[] pem) {
    try {
      List<Certificate> certificates = Pem.readCertificates(pem);
      return certificates.isEmpty() ? null : certificates.get(0);
    } catch (InvalidMaterialException e) {
      return null;
    }
  }

  private static HostpkiException refusedCaItself(String serial) {
    return new HostpkiException(
        "serial " + serial + " is the CA certificate itself; nothing was revoked. A CA does not"
            + " revoke itself: to stop trusting it, replace it (hostpki apply --replace ca) and"
            + " remove it from the hosts' trust stores");
  }
}
