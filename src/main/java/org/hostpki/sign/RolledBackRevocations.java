package org.hostpki.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.RevocationList;
import org.hostpki.store.CompromisedKeyRecord;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreDirectory;

/**
 * What a {@code rollback} undoes of the store's {@link RevocationRecord}: the revocations, by a CA
 * the generation made current still holds, made after that generation was written and listed on
 * none of its CRLs. They count as valid again, so the record must not keep answering "already
 * revoked" for them once that CA leaves. The keys of those revoked for keyCompromise stay refused
 * by {@code sign} ({@link CompromisedKeyRecord}): a rollback does not make a leaked key safe.
 */
public final class RolledBackRevocations {
  private final List<RevocationRecord.Kept> undone;
  /** The CRLs of the generation made current: what they list is revoked again (a rollback forward). */
  private final List<RevocationList> crls;

  /** Why what it undoes could not be known (the record or a file unreadable); empty when it could. */
  private final Optional<String> unknown;

  private RolledBackRevocations(List<RevocationRecord.Kept> undone, List<RevocationList> crls, Optional<String> unknown) {
    this.undone = undone;
    this.crls = crls;
    this.unknown = unknown;
  }

  /**
   * What a switch to {@code to} (written at {@code written}) undoes; nothing when the record or a
   * file cannot be read (the switch does not depend on it), and then {@link #undo} says so.
   */
  public static RolledBackRevocations of(StoreDirectory store, String to, Instant written, SecureRandom random) {
    try {
      Set<String> cas = new HashSet<>();
      Stream.of(StoreLayout.CA_CERT, StoreLayout.CA_NEXT_CERT, StoreLayout.CA_PREVIOUS_CERT)
          .flatMap(name -> store.generationFile(to, name).stream())
          .flatMap(pem -> RevokedElsewhere.firstCertificate(pem).stream())
          .forEach(c -> c.facts().subjectKeyId().ifPresent(id -> cas.add(id.toLowerCase(Locale.ROOT))));
      List<RevocationList> crls = Stream.of(StoreLayout.CA_CRL, StoreLayout.CA_PREVIOUS_CRL)
          .flatMap(name -> store.generationFile(to, name).stream())
          .flatMap(pem -> RevokedElsewhere.crlOf(pem).stream())
          .toList();
      Set<String> listed = new HashSet<>();
      crls.forEach(crl -> crl.facts().authorityKeyId().ifPresent(id -> crl.facts().revoked().forEach(
          e -> listed.add(id.toLowerCase(Locale.ROOT) + " " + e.serial().toString(16)))));
      List<RevocationRecord.Kept> undone = RevocationRecord.entries(store.directory(), random).stream()
          .filter(k -> cas.contains(k.caKeyId()))
          .filter(k -> !listed.contains(k.caKeyId() + " " + k.entry().serial().toString(16)))
          .filter(k -> !k.entry().revocationDate().isBefore(written.truncatedTo(ChronoUnit.SECONDS)))
          .toList();
      return new RolledBackRevocations(undone, crls, Optional.empty());
    } catch (HostpkiException e) {
      // thostile16: said nothing, and the record went on saying "revoked" for what the rollback
      // made valid again, answering a later revoke "already revoked" once its CA left
      return new RolledBackRevocations(List.of(), List.of(), Optional.of(e.getMessage()));
    }
  }

  /**
   * Before the switch: adds the keys of those revoked for keyCompromise to {@link
   * CompromisedKeyRecord}, found in {@code issued/} of the generation left or of a kept one.
   */
  public void keepCompromisedKeys(StoreDirectory store, String from, SecureRandom random) {
    List<CompromisedKeyRecord.Entry> entries = new ArrayList<>();
    for (RevocationRecord.Kept k : compromised()) {
      BigInteger serial = k.entry().serial();
      String file = StoreLayout.ISSUED_DIRECTORY + "/" + CertificateFacts.serialHex(serial) + ".crt";
      Optional<Certificate> certificate = Stream.concat(
              store.generationFile(from, file).stream(), store.keptFiles(file).stream())
          .flatMap(pem -> RevokedElsewhere.firstCertificate(pem).stream())
          .filter(c -> c.facts().serialNumber().equals(serial)
              && c.facts().authorityKeyId().map(id -> id.equalsIgnoreCase(k.caKeyId())).orElse(true))
          .findFirst();
      entries.add(new CompromisedKeyRecord.Entry(
          certificate.map(c -> c.publicKey().keyFingerprint()), k.caKeyId(), serial, k.entry().revocationDate()));
    }
    if (!entries.isEmpty()) {
      CompromisedKeyRecord.add(store.directory(), entries, random);
    }
  }

  /**
   * After the switch: marks them undone in the record, and records what the CRLs made current list
   * (replacing the marks of an earlier rollback, when this one goes forward again); a warning when
   * it cannot (switched already: not an error).
   */
  public Optional<String> undo(StoreDirectory store, SecureRandom random) {
    if (unknown.isPresent()) {
      return Optional.of(unknown.get() + "; so the record was not changed: a revocation this rollback made"
          + " valid again may still be recorded as revoked there. Make the record readable, then revoke"
          + " again what the CRL now made current does not list");
    }
    try {
      RevocationRecord.undo(store.directory(), undone, random);
      for (RevocationList crl : crls) {
        crl.facts().authorityKeyId().ifPresent(id -> RevocationRecord.add(store.directory(), id, crl.facts().revoked(), random));
      }
      return Optional.empty();
    } catch (HostpkiException e) {
      return Optional.of(e.getMessage() + "; it still says " + undone.size() + " certificate(s) this rollback"
          + " made valid again are revoked: revoke them again");
    }
  }

  /** The warning for those revoked for keyCompromise, if any. */
  public Optional<String> notice(StoreDirectory store) {
    List<String> serials = compromised().stream().map(k -> CertificateFacts.serialHex(k.entry().serial())).toList();
    if (serials.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "the key of " + String.join(", ", serials) + ", revoked for keyCompromise, stays refused by sign ("
            + CompromisedKeyRecord.file(store.directory()) + "): the rollback made the certificate valid"
            + " again, not its key safe; give that host a new key and revoke the certificate again");
  }

  private List<RevocationRecord.Kept> compromised() {
    return undone.stream().filter(k -> k.entry().reason() == RevocationReason.KEY_COMPROMISE).toList();
  }
}
