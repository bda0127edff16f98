package org.hostpki.sign;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.KeyPurpose;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.pki.SubjectPublicKey;
import org.hostpki.store.StoreSnapshot;

/** The {@code issued/} record of a CA host's store: reading it, and finding what can be reused. */
public final class IssuedCertificates {
  private static final Comparator<IssuedCertificate> OLDEST_FIRST =
      Comparator.comparing((IssuedCertificate i) -> i.facts().notBefore()).thenComparing(IssuedCertificate::serial);

  private IssuedCertificates() {}

  /**
   * Every recorded certificate, oldest first (by notBefore, then serial).
   *
   * @param storePath the store directory, for messages
   * @throws HostpkiException naming a record file that is not one certificate
   */
  public static List<IssuedCertificate> read(StoreSnapshot snapshot, Path storePath) {
    List<IssuedCertificate> issued = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : snapshot.under(StoreLayout.ISSUED_DIRECTORY).entrySet()) {
      if (file.getKey().endsWith(".crt")) {
        issued.add(IssuedCertificate.of(single(storePath.resolve(file.getKey()), file.getValue())));
      }
    }
    issued.sort(OLDEST_FIRST);
    return issued;
  }

  /**
   * The records of a key, oldest first, and {@code issued/index} brought up to date with every
   * record: only those the index does not know (or whose bytes changed since) and those of this
   * key are parsed.
   *
   * @param key compared as {@link SubjectPublicKey#sameKey} does, whatever its encoding
   * @param storePath the store directory, for messages
   * @throws HostpkiException naming a record file that had to be read and is not one certificate
   */
  static ForKey forKey(StoreSnapshot snapshot, Path storePath, SubjectPublicKey key) {
    IssuedIndex index = IssuedIndex.parse(snapshot.file(IssuedIndex.FILE));
    Map<String, byte[]> files = new TreeMap<>(snapshot.under(StoreLayout.ISSUED_DIRECTORY));
    files.keySet().removeIf(name -> !name.endsWith(".crt"));
    index.retain(files);
    Fingerprint wanted = key.keyFingerprint();
    List<IssuedCertificate> records = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      // Hashed once already, for the snapshot's content fingerprint.
      Fingerprint digest = new Fingerprint(HexFormat.of().formatHex(snapshot.sha256Of(file.getKey())));
      Optional<Fingerprint> known = index.key(file.getKey(), digest);
      if (known.isPresent() && !known.get().equals(wanted)) {
        continue;
      }
      IssuedCertificate record = IssuedCertificate.of(single(storePath.resolve(file.getKey()), file.getValue()));
      if (known.isEmpty()) {
        Fingerprint recorded = record.certificate().publicKey().keyFingerprint();
        index.put(file.getKey(), digest, recorded);
        if (!recorded.equals(wanted)) {
          continue;
        }
      }
      records.add(record);
    }
    records.sort(OLDEST_FIRST);
    return new ForKey(records, index);
  }

  /** The records of one key, and the index of all records. */
  record ForKey(List<IssuedCertificate> records, IssuedIndex index) {}

  private static Certificate single(Path file, byte[] content) {
    try {
      List<Certificate> certificates = Pem.readCertificates(content);
      if (certificates.size() == 1) {
        return certificates.get(0);
      }
      throw corrupt(file, "holds " + certificates.size() + " certificates; exactly one is expected");
    } catch (InvalidMaterialException e) {
      throw corrupt(file, e.getMessage());
    }
  }

  private static HostpkiException corrupt(Path file, String reason) {
    return new HostpkiException(
        file + ": " + reason + "; the record of issued certificates is damaged: restore the file"
            + " or delete it (that host then gets a new certificate at its next sign)");
  }

  /**
   * The recorded certificate to hand out again instead of signing the request anew: signed by
   * this CA, for the same key, subject, SANs and client use, for the same extended key usages,
   * valid now and not yet within {@code renewBefore} (of that certificate's lifetime, when a share)
   * and the largest {@code jitter} of its expiry — a member whose jitter makes it due early gets a
   * new certificate, not the one it asks to replace; the one lasting longest when several do. The
   * caller leaves out revoked certificates.
   */
  public static Optional<IssuedCertificate> reusable(
      List<IssuedCertificate> issued,
      SignRequest request,
      Certificate ca,
      Instant now,
      RenewBefore renewBefore,
      Percentage jitter) {
    return issued.stream()
        .filter(i -> fits(i.certificate(), request, ca, now, renewBefore, jitter))
        .max(Comparator.comparing((IssuedCertificate i) -> i.facts().notAfter()));
  }

  private static Set<String> oids(Set<KeyPurpose> usages) {
    Set<String> oids = new HashSet<>();
    usages.forEach(u -> oids.add(u.oid()));
    return oids;
  }

  private static boolean fits(
      Certificate certificate,
      SignRequest request,
      Certificate ca,
      Instant now,
      RenewBefore renewBefore,
      Percentage jitter) {
    CertificateFacts facts = certificate.facts();
    Duration period = renewBefore.period(Duration.between(facts.notBefore(), facts.notAfter()));
    // The facts first: the key is parsed again from the certificate, and all but a few of a
    // fleet's records are for another subject (bench/fleet-sign.sh).
    return !facts.isNotYetValidAt(now)
        && now.plus(period).plus(jitter.of(period)).isBefore(facts.notAfter())
        && facts.subject().equals(request.issuedSubject())
        && new HashSet<>(facts.dnsNames()).equals(new HashSet<>(request.dnsNames()))
        && new HashSet<InetAddress>(facts.ipAddresses()).equals(new HashSet<>(request.ipAddresses()))
        && new HashSet<>(facts.extendedKeyUsages()).equals(oids(request.usages()))
        && certificate.publicKey().sameKey(request.publicKey())
        && certificate.isSignedBy(ca);
  }
}
