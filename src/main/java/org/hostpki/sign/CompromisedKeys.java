package org.hostpki.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.SubjectPublicKey;
import org.hostpki.store.CompromisedKeyRecord;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreSnapshot;

/**
 * The keys {@code sign} refuses: those of certificates revoked for keyCompromise, by whatever CA
 * of the store ({@link CompromisedKeyRecord}). Only keyCompromise blocks a key (RFC 5280 5.3.1):
 * it alone says the private key is known to others. superseded, cessationOfOperation,
 * affiliationChanged, privilegeWithdrawn and unspecified end a certificate, not its key: a host
 * whose certificate was superseded may ask again with the same key, and an operator who suspects a
 * leak says keyCompromise (revoke allows changing an earlier reason to it).
 *
 * <p>Revocations the record lacks are found where they are kept — the store's {@link
 * RevocationRecord}, its live CRLs — and their certificate's key in {@code issued/} or, when a
 * rollback took it away, in a kept generation: revocations made by builds before the record, or
 * one whose record a crash after its commit cut short. One whose certificate is in neither is
 * recorded without a key, and said once.
 */
final class CompromisedKeys {
  private CompromisedKeys() {}

  /**
   * What is known.
   *
   * @param entries the record's entries and those found
   * @param found entries the record lacks, to add to it under the lock
   * @param notes what the user should know: revocations whose key cannot be known
   */
  record Known(List<CompromisedKeyRecord.Entry> entries, List<CompromisedKeyRecord.Entry> found, List<String> notes) {
    /** The revocation that blocks this key, if any. */
    Optional<CompromisedKeyRecord.Entry> of(SubjectPublicKey key) {
      Fingerprint digest = key.keyFingerprint();
      return entries.stream().filter(e -> e.key().equals(Optional.of(digest))).findFirst();
    }
  }

  /**
   * The record and what the store's other records of keyCompromise revocations add to it.
   *
   * @param crls CRLs not yet in the store (the one a revoke just committed)
   * @param certificates certificates not yet in the store's {@code issued/} (one a revoke recorded)
   * @throws HostpkiException when the record cannot be read
   */
  static Known find(
      CaStore store, StoreSnapshot snapshot, List<RevocationList> crls, List<Certificate> certificates, SecureRandom random) {
    List<CompromisedKeyRecord.Entry> entries =
        new ArrayList<>(CompromisedKeyRecord.read(store.directory().directory(), random));
    Map<String, CompromisedKeyRecord.Entry> known = new HashMap<>();
    entries.forEach(e -> known.merge(e.revocation(), e, (a, b) -> a.key().isPresent() ? a : b));
    List<CompromisedKeyRecord.Entry> found = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Map.Entry<String, Candidate> c : candidates(store, snapshot, crls, random).entrySet()) {
      Optional<CompromisedKeyRecord.Entry> before = Optional.ofNullable(known.get(c.getKey()));
      if (before.isPresent() && before.get().key().isPresent()) {
        continue;
      }
      Candidate candidate = c.getValue();
      // A revocation already recorded without its key is looked for again only where it is cheap.
      Optional<Certificate> certificate = certificate(store, snapshot, certificates, candidate, before.isEmpty());
      if (certificate.isEmpty() && before.isPresent()) {
        continue;
      }
      CompromisedKeyRecord.Entry entry = new CompromisedKeyRecord.Entry(
          certificate.map(x -> x.publicKey().keyFingerprint()), candidate.caKeyId(),
          candidate.entry().serial(), candidate.entry().revocationDate());
      found.add(entry);
      entries.add(entry);
      if (certificate.isEmpty()) {
        notes.add(
            "serial " + CertificateFacts.serialHex(candidate.entry().serial()) + " was revoked for keyCompromise on "
                + DateText.of(candidate.entry().revocationDate()) + " by the CA with key id " + candidate.caKeyId()
                + ", but that certificate is in neither issued/ nor a kept generation of the store, so its key is"
                + " not known and a request for it is not refused: make sure the host it was on has a new key");
      }
    }
    return new Known(entries, found, notes);
  }

  /** A keyCompromise revocation, by the CA with this key id. */
  private record Candidate(String caKeyId, RevokedCertificate entry) {}

  private static Map<String, Candidate> candidates(
      CaStore store, StoreSnapshot snapshot, List<RevocationList> crls, SecureRandom random) {
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    try {
      for (RevocationRecord.Kept kept : RevocationRecord.entries(store.directory().directory(), random)) {
        add(candidates, kept.caKeyId(), kept.entry());
      }
    } catch (HostpkiException unreadable) {
      // the record only copies what CRLs said: the live CRLs below still say it
    }
    Stream.concat(
            Stream.of(StoreLayout.CA_CRL, StoreLayout.CA_PREVIOUS_CRL)
                .flatMap(name -> snapshot.file(name).stream())
                .flatMap(pem -> RevokedElsewhere.crlOf(pem).stream()),
            crls.stream())
        .forEach(crl -> crl.facts().authorityKeyId()
            .ifPresent(keyId -> crl.facts().revoked().forEach(e -> add(candidates, keyId, e))));
    return candidates;
  }

  private static void add(Map<String, Candidate> candidates, String caKeyId, RevokedCertificate entry) {
    if (entry.reason() == RevocationReason.KEY_COMPROMISE) {
      String key = caKeyId.toLowerCase(Locale.ROOT);
      candidates.putIfAbsent(key + " " + entry.serial().toString(16), new Candidate(key, entry));
    }
  }

  /** The revoked certificate: given, in {@code issued/}, or (when {@code kept}) in a kept generation. */
  private static Optional<Certificate> certificate(
      CaStore store, StoreSnapshot snapshot, List<Certificate> given, Candidate candidate, boolean kept) {
    BigInteger serial = candidate.entry().serial();
    String file = StoreLayout.ISSUED_DIRECTORY + "/" + CertificateFacts.serialHex(serial) + ".crt";
    Stream<Certificate> stored = Stream.concat(
        snapshot.file(file).stream(),
        kept ? store.directory().keptFiles(file).stream() : Stream.empty())
        .flatMap(pem -> RevokedElsewhere.firstCertificate(pem).stream());
    return Stream.concat(given.stream(), stored)
        .filter(c -> c.facts().serialNumber().equals(serial)
            && c.facts().authorityKeyId().map(id -> id.equalsIgnoreCase(candidate.caKeyId())).orElse(true))
        .findFirst();
  }

  /** {@code the key of certificate 0A1B (CN=m1.fleet.test), revoked for keyCompromise on 2026-11-27 08:01 UTC} */
  static String blockedBy(CompromisedKeyRecord.Entry blocked, StoreSnapshot snapshot) {
    String serial = CertificateFacts.serialHex(blocked.serial());
    Optional<String> subject = snapshot.file(StoreLayout.ISSUED_DIRECTORY + "/" + serial + ".crt")
        .flatMap(RevokedElsewhere::firstCertificate)
        .filter(c -> c.facts().serialNumber().equals(blocked.serial()))
        .map(c -> TerminalText.escape(c.facts().subjectDn()));
    return "the key of certificate " + serial + subject.map(s -> " (" + s + ")").orElse("")
        + ", revoked for keyCompromise on " + DateText.of(blocked.revoked());
  }

  /**
   * The refusal of a request for a blocked key: which revocation, when, and how to proceed.
   *
   * @param ca the CA that signs now, to say when another CA revoked it
   */
  static HostpkiException refusal(
      CompromisedKeyRecord.Entry blocked, CaStore store, StoreSnapshot snapshot, CaStore.SigningCa ca, SignRequest request) {
    boolean thisCa = ca.certificate().facts().subjectKeyId().map(id -> id.equalsIgnoreCase(blocked.caKeyId())).orElse(false);
    return new HostpkiException(
        "refused: the request's key is " + blockedBy(blocked, snapshot)
            + (thisCa ? "" : " by a CA this store signs with no more (key id " + blocked.caKeyId() + ")"),
        List.of(
            "a key revoked for keyCompromise is refused by every later sign, whatever CA signs ("
                + CompromisedKeyRecord.file(store.directory().directory()) + " records it)",
            "nothing was signed for " + request.source() + "; make a new key on the host and a new"
                + " request for it (hostpki apply --replace server on that host does both)"));
  }
}
