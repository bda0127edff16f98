package org.hostpki.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreSnapshot;

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
   * of the rotation's new CA after a rollback to before the move are named with the apply that
   * moves to it first, and those of a CA this store signs with no more without a command (that
   * CA's CRL can no longer be written: clients that still trust it accept them until they expire).
   * A certificate that its own CA's last CRL ({@code ca-previous.crl}) or the store's record of
   * revocations ({@code .crl/revoked}) lists is ended already and not named (ffleet17).
   *
   * @param revoking the certificate revoked for keyCompromise
   * @param revoked the entries of the CA's CRL: those are ended already
   */
  static List<String> notes(
      DesiredState caHost, CaStore store, StoreSnapshot snapshot, Certificate ca, List<IssuedCertificate> issued,
      IssuedCertificate revoking, List<RevokedCertificate> revoked, Instant now, SecureRandom random) {
    Fingerprint key = revoking.certificate().publicKey().keyFingerprint();
    Set<BigInteger> ended = revoked.stream().map(RevokedCertificate::serial).collect(Collectors.toSet());
    Set<String> endedByCaKey = endedByAnyCa(store, snapshot, random);
    Optional<Certificate> next =
        snapshot.file(StoreLayout.CA_NEXT_CERT).flatMap(RevokedElsewhere::firstCertificate);
    List<String> out = new ArrayList<>();
    for (IssuedCertificate other : issued) {
      if (other.serial().equals(revoking.serial())
          || ended.contains(other.facts().serialNumber())
          || other.facts().authorityKeyId()
              .map(id -> endedByCaKey.contains(entryKey(id, other.facts().serialNumber())))
              .orElse(false)
          || !now.isBefore(other.facts().notAfter())
          || !other.certificate().publicKey().keyFingerprint().equals(key)) {
        continue;
      }
      String named = "certificate " + other.serial() + " (" + TerminalText.escape(other.facts().subjectDn())
          + ", valid until " + DateText.of(other.facts().notAfter()) + ", " + other.fileName()
          + ") has the same key and is not revoked: whoever holds the leaked key can still use it";
      String revoke = TerminalText.escape(ShellCommand.hostpki(
          "revoke", "-f", caHost.source(), "--serial", other.serial(), "--reason", "keyCompromise"));
      if (other.certificate().isSignedBy(ca)) {
        out.add(named + "; revoke it too: " + revoke);
      } else if (next.filter(other.certificate()::isSignedBy).isPresent()) {
        String apply = TerminalText.escape(ShellCommand.hostpki("apply", "-f", caHost.source()));
        out.add(named + " (its CA is the rotation's new CA, " + StoreLayout.CA_NEXT_CERT + ", which this store"
            + " does not sign with yet: it was rolled back to before the move); run " + apply
            + " first (it moves to the new CA again), then revoke it: " + revoke);
      } else {
        out.add(named + " (its CA signs for this store no more, and its CRL can no longer be written: clients"
            + " that trust that CA accept it until it expires; take that CA out of their trust)");
      }
    }
    return out;
  }

  /**
   * {@code caKeyId serial} of what the store's CAs revoked: the previous CA's last CRL and the
   * store's record (this CA's entries too; its undone ones are not entries). An unreadable record
   * hides nothing it would list: the note is then named as before.
   */
  private static Set<String> endedByAnyCa(CaStore store, StoreSnapshot snapshot, SecureRandom random) {
    Set<String> ended = new HashSet<>();
    snapshot.file(StoreLayout.CA_PREVIOUS_CRL).flatMap(RevokedElsewhere::crlOf).ifPresent(crl ->
        crl.facts().authorityKeyId().ifPresent(id ->
            crl.facts().revoked().forEach(e -> ended.add(entryKey(id, e.serial())))));
    try {
      RevocationRecord.entries(store.directory().directory(), random)
          .forEach(k -> ended.add(entryKey(k.caKeyId(), k.entry().serial())));
    } catch (HostpkiException unreadable) {
      // the CRLs above still end what they list
    }
    return ended;
  }

  private static String entryKey(String caKeyId, BigInteger serial) {
    return caKeyId.toLowerCase(Locale.ROOT) + " " + serial.toString(16);
  }
}
