package org.hostpki.sign;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;

/**
 * After a keyCompromise revocation: the other certificates in {@code issued/} for the same key
 * (the same SubjectPublicKeyInfo, by {@link org.hostpki.pki.SubjectPublicKey#keyFingerprint}) that
 * are still valid and not revoked. Whoever holds the leaked key can still use them, so each is
 * named with the revoke that ends it; none is revoked without being asked (as step-ca and EJBCA
 * leave it to the operator). {@code sign} refuses the key from now on either way.
 */
final class SameKeyCertificates {
  private SameKeyCertificates() {}

  /**
   * One note a certificate: its serial, subject, end and the command that revokes it; certificates
   * of a CA this store signs with no more are named without one (that CA's CRL can no longer be
   * written: clients that still trust it accept them until they expire).
   *
   * @param revoking the certificate revoked for keyCompromise
   * @param revoked the entries of the CA's CRL: those are ended already
   */
  static List<String> notes(
      DesiredState caHost, Certificate ca, List<IssuedCertificate> issued, IssuedCertificate revoking,
      List<RevokedCertificate> revoked, Instant now) {
    Fingerprint key = revoking.certificate().publicKey().keyFingerprint();
    Set<BigInteger> ended = revoked.stream().map(RevokedCertificate::serial).collect(Collectors.toSet());
    List<String> out = new ArrayList<>();
    for (IssuedCertificate other : issued) {
      if (other.serial().equals(revoking.serial())
          || ended.contains(other.facts().serialNumber())
          || !now.isBefore(other.facts().notAfter())
          || !other.certificate().publicKey().keyFingerprint().equals(key)) {
        continue;
      }
      String named = "certificate " + other.serial() + " (" + TerminalText.escape(other.facts().subjectDn())
          + ", valid until " + DateText.of(other.facts().notAfter()) + ", " + other.fileName()
          + ") has the same key and is not revoked: whoever holds the leaked key can still use it";
      out.add(other.certificate().isSignedBy(ca)
          ? named + "; revoke it too: "
              + TerminalText.escape(ShellCommand.hostpki(
                  "revoke", "-f", caHost.source(), "--serial", other.serial(), "--reason", "keyCompromise"))
          : named + " (its CA signs for this store no more, and its CRL can no longer be written: clients"
              + " that trust that CA accept it until it expires; take that CA out of their trust)");
    }
    return out;
  }
}
