package org.hostpki.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedOutputs;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificatePool;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.WrongPasswordException;
import org.hostpki.store.StoreSnapshot;

/**
 * Reads a store directory into facts, read-only. Any file that is present but cannot be parsed
 * stops observing with a message naming it: a plan built on a misread store could destroy keys.
 */
public final class StoreObserver {
  /**
   * @param passwordSource where the password came from, for messages (never the password)
   */
  public StoreContents observe(
      StoreSnapshot snapshot, Path storePath, Optional<char[]> password, String passwordSource) {
    return observe(snapshot, storePath, password, passwordSource, List.of(), Map.of(), Optional.empty());
  }

  /**
   * Like {@link #observe(StoreSnapshot, Path, Optional, String)}, with the same result, but the
   * store's trust files that hold one of {@code known} (byte for byte the same DER) take it
   * instead of parsing it again, and a PKCS#12 file that is byte for byte a content of {@code
   * opened} (by the digest it is known to hash to) is known to open with the password without a
   * key derivation, and to be what the record's entry of that digest describes without hashing it:
   * for observing again a store just written from them. A PKCS#12 file the password does not open is tried with {@code previous} ({@code
   * store.previousPassword}, while the password changes), and is then listed in the facts' {@link
   * ObservedOutputs#previousPassword()} for apply to encrypt anew.
   */
  public StoreContents observe(
      StoreSnapshot snapshot,
      Path storePath,
      Optional<char[]> password,
      String passwordSource,
      Collection<Certificate> known,
      Map<Fingerprint, byte[]> opened,
      Optional<char[]> previous) {
    Reader r = new Reader(snapshot, storePath, passwordSource, Reader.REPAIR, previous, new java.util.TreeSet<>());
    // The trusted certificates, found again by their DER in the bundle and trust-hashed/.
    CertificatePool pool = new CertificatePool(known);
    Optional<KeyMaterial> caKey = r.key(StoreLayout.CA_KEY);
    Optional<Certificate> caCert = r.single(StoreLayout.CA_CERT);
    Optional<KeyMaterial> serverKey = r.key(StoreLayout.SERVER_KEY);
    Optional<Certificate> serverCert = r.single(StoreLayout.SERVER_CERT);
    Optional<List<CertificateFacts>> fullchain =
        r.certificates(StoreLayout.SERVER_FULLCHAIN).map(StoreObserver::facts);
    Optional<CsrFacts> csr = r.csr(StoreLayout.SERVER_CSR);
    Optional<List<Certificate>> externalChain = r.certificates(StoreLayout.EXTERNAL_CHAIN);
    Optional<KeyMaterial> caNextKey = r.key(StoreLayout.CA_NEXT_KEY);
    Optional<Certificate> caNextCert = r.single(StoreLayout.CA_NEXT_CERT);
    Optional<Certificate> caPreviousCert = r.single(StoreLayout.CA_PREVIOUS_CERT);
    // The bundle starts with the internal CAs: known too, they are not parsed again there.
    caCert.ifPresent(pool::add);
    caNextCert.ifPresent(pool::add);
    caPreviousCert.ifPresent(pool::add);
    TrustFiles trustFiles = TrustFiles.read(snapshot, r, pool);
    SortedMap<String, Certificate> trusted = trustFiles.trusted();
    Map<String, Fingerprint> hashed = trustFiles.hashed();
    Optional<List<Fingerprint>> bundle =
        r.shared(StoreLayout.TRUST_BUNDLE)
            .map(
                b ->
                    r.certificates(StoreLayout.TRUST_BUNDLE, b, pool).stream()
                        .map(Certificate::fingerprint)
                        .toList());
    Optional<Pkcs12Record> p12Record = pkcs12Record(snapshot, password, opened);
    Optional<Pkcs12Facts> serverP12 = r.pkcs12(StoreLayout.SERVER_PKCS12, password, p12Record);
    Optional<Pkcs12Facts> truststore = r.trustStore(StoreLayout.TRUSTSTORE_PKCS12, p12Record);
    boolean signedByCa =
        serverCert.isPresent() && caCert.isPresent() && serverCert.get().isSignedBy(caCert.get());
    SortedMap<String, CertificateFacts> trustedFacts = trustFiles.trustedFacts();
    ObservedStore facts =
        new ObservedStore(
            snapshot.exists(),
            caKey.map(KeyMaterial::facts),
            caCert.map(Certificate::facts),
            serverKey.map(KeyMaterial::facts),
            serverCert.map(Certificate::facts),
            signedByCa,
            fullchain,
            csr,
            serverP12,
            trustedFacts,
            bundle,
            truststore,
            hashed.isEmpty() ? Optional.empty() : Optional.of(hashed),
            externalChain.map(StoreObserver::facts),
            caNextKey.map(KeyMaterial::facts),
            caNextCert.map(Certificate::facts),
            caPreviousCert.map(Certificate::facts),
            snapshot.contentFingerprint(),
            snapshot.file(StoreLayout.PKCS12_RECORD).map(Pkcs12Record::isOutdated).orElse(false),
            r.file(StoreLayout.TRUST_CRLS)
                .map(b -> r.crls(StoreLayout.TRUST_CRLS, b).stream().map(c -> c.facts().fingerprint()).toList()),
            trustFiles.hashedCrls(),
            r.file(StoreLayout.CA_CRL).map(b -> r.crl(StoreLayout.CA_CRL, b).facts()),
            r.file(StoreLayout.CA_PREVIOUS_CRL).map(b -> r.crl(StoreLayout.CA_PREVIOUS_CRL, b).facts()),
            serverCert.map(c -> r.distributionPoints(StoreLayout.SERVER_CERT, c)).orElse(List.of()),
            new ObservedOutputs(Map.of(), new java.util.TreeSet<>(), new java.util.TreeMap<>(), r.openedWithPrevious()),
            new java.util.TreeSet<>()); // the links: StoreDirectory#missingLinks, beside the files
    return new StoreContents(
        facts, snapshot, caKey, caCert, serverKey, serverCert, trusted, externalChain, caNextKey,
        caNextCert, caPreviousCert, List.of());
  }

  /**
   * The record of what the PKCS#12 files hold, when there is a password, the record is one
   * hostpki writes and the password opens the files it describes; anything else is as if there
   * were none: the files are decoded.
   */
  private static Optional<Pkcs12Record> pkcs12Record(
      StoreSnapshot snapshot, Optional<char[]> password, Map<Fingerprint, byte[]> opened) {
    if (password.isEmpty()) {
      return Optional.empty();
    }
    byte[] content = snapshot.files().get(StoreLayout.PKCS12_RECORD);
    return content == null
        ? Optional.empty()
        : Pkcs12Record.parse(content)
            .filter(r -> r.opensWith(snapshot.files(), password.get(), opened));
  }

  private static List<CertificateFacts> facts(List<Certificate> certificates) {
    List<CertificateFacts> out = new ArrayList<>();
    certificates.forEach(c -> out.add(c.facts()));
    return out;
  }

  /**
   * The CA of a store as {@code sign} and {@code revoke} read it: {@code ca.crt} (exactly one
   * certificate) and {@code ca.key}, each parsed as observing the store parses it.
   *
   * @param damaged what an error says after the file and what is wrong with it: how to repair
   *     the store, and that nothing was done
   * @throws HostpkiException when a file is there but cannot be read as what it must hold
   */
  public StoreCa ca(StoreSnapshot snapshot, Path storePath, String damaged) {
    Reader r = new Reader(snapshot, storePath, "", damaged, Optional.empty(), new java.util.TreeSet<>());
    Optional<Certificate> certificate = r.single(StoreLayout.CA_CERT);
    return new StoreCa(certificate, r.key(StoreLayout.CA_KEY));
  }

  /**
   * A store file the store password (and the previous one, when given) does not open, with how
   * to change the password.
   */
  static HostpkiException wrongPassword(Path file, String passwordSource, boolean triedPrevious) {
    return new HostpkiException(
        file + ": cannot be opened with the store password (from " + passwordSource + ")"
            + (triedPrevious ? " nor with store.previousPassword" : "")
            + "; check that it is the password the store was written with. To change the password,"
            + " set store.password to the new one and store.previousPassword to where the old one"
            + " is, apply, then remove store.previousPassword");
  }

  /** {@code ca.crt} and {@code ca.key}, when there. */
  public record StoreCa(Optional<Certificate> certificate, Optional<KeyMaterial> key) {}

  /**
   * Parses store files, naming the file in every error.
   *
   * @param damaged what an error says after the file and what is wrong with it
   */
  record Reader(
      StoreSnapshot snapshot,
      Path storePath,
      String passwordSource,
      String damaged,
      Optional<char[]> previousPassword,
      Set<String> openedWithPrevious) {
    Reader(StoreSnapshot snapshot, Path storePath, String passwordSource) {
      this(snapshot, storePath, passwordSource, REPAIR, Optional.empty(), new java.util.TreeSet<>());
    }

    static final String REPAIR =
        "the store is damaged: restore the file, run 'hostpki rollback', or delete it so that"
            + " apply makes it anew";


    Optional<byte[]> file(String name) {
      return snapshot.file(name);
    }

    /**
     * The snapshot's own content of the file of this name, not a copy, for a caller that only
     * reads it: the trust bundle of 100,000 certificates is 75 MB, and its copy beside the content
     * read again ran the check after an apply out of {@code -Xmx512m} (bench/NOTES.md "fheap15b").
     */
    Optional<byte[]> shared(String name) {
      return Optional.ofNullable(snapshot.files().get(name));
    }

    /** The key in the file of this name, when there is one. */
    Optional<KeyMaterial> key(String name) {
      return file(name).map(b -> key(name, b));
    }

    /** The one certificate in the file of this name, when there is one. */
    Optional<Certificate> single(String name) {
      return file(name).map(b -> single(name, b));
    }

    /** The certificates in the file of this name, in file order, when there is one. */
    Optional<List<Certificate>> certificates(String name) {
      return file(name).map(b -> certificates(name, b));
    }

    /** The request in the file of this name, when there is one. */
    Optional<CsrFacts> csr(String name) {
      return file(name).map(b -> csr(name, b));
    }

    /** What the PKCS#12 file of this name holds, when there is one. */
    Optional<Pkcs12Facts> pkcs12(
        String name, Optional<char[]> password, Optional<Pkcs12Record> record) {
      return file(name).map(b -> pkcs12(name, b, password, record));
    }

    /**
     * What the trust store holds, read without a password; one written with a password (by
     * hostpki before truststore.p12 had none) is only known to be so, not opened.
     */
    Optional<Pkcs12Facts> trustStore(String name, Optional<Pkcs12Record> record) {
      return file(name)
          .map(
              b -> {
                Optional<Pkcs12Facts> recorded = record.flatMap(rec -> rec.factsOf(name, b));
                if (recorded.isPresent()) {
                  return recorded.get();
                }
                try {
                  return Pkcs12.readWithoutPassword(b);
                } catch (InvalidMaterialException e) {
                  throw corrupt(name, e.getMessage());
                }
              });
    }

    HostpkiException wrongPassword(String name, String norPrevious) {
      return StoreObserver.wrongPassword(storePath.resolve(name), passwordSource, !norPrevious.isEmpty());
    }

    private HostpkiException corrupt(String name, String reason) {
      return new HostpkiException(
storePath.resolve(name) + ": " + reason + "; " + damaged);
    }

    KeyMaterial key(String name, byte[] content) {
      try {
        return KeyMaterial.fromPem(content);
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    List<Certificate> certificates(String name, byte[] content) {
      return certificates(name, content, new CertificatePool());
    }

    /** Reads a store file of certificates, taking the ones {@code pool} knows from there. */
    List<Certificate> certificates(String name, byte[] content, CertificatePool pool) {
      try {
        // The store's own files: the bundle holds every trusted certificate, beyond the limit
        // that guards against hostile input files.
        return Pem.readCertificates(content, Integer.MAX_VALUE, pool);
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    /** A store file of CRLs, PEM, one after the other. */
    List<RevocationList> crls(String name, byte[] content) {
      try {
        return RevocationList.parseAll(content, Integer.MAX_VALUE);
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    /** The URLs of a store certificate's CRL Distribution Points. */
    List<String> distributionPoints(String name, Certificate certificate) {
      try {
        return certificate.crlDistributionPoints();
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    /** A store file of one CRL. */
    RevocationList crl(String name, byte[] content) {
      try {
        return RevocationList.parse(content);
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    CsrFacts csr(String name, byte[] content) {
      try {
        return CertificationRequest.read(content);
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }

    Certificate single(String name, byte[] content) {
      return single(name, content, new CertificatePool());
    }

    Certificate single(String name, byte[] content, CertificatePool pool) {
      List<Certificate> certs = certificates(name, content, pool);
      if (certs.size() != 1) {
        throw corrupt(name, "holds " + certs.size() + " certificates; exactly one is expected");
      }
      return certs.get(0);
    }

    Pkcs12Facts pkcs12(
        String name, byte[] content, Optional<char[]> password, Optional<Pkcs12Record> record) {
      if (password.isEmpty()) {
        // Without a configured password the file cannot be opened; it is only known to be there,
        // which is all the planner needs to remove it.
        return new Pkcs12Facts(Optional.empty(), Map.of(), Pkcs12Profile.MODERN);
      }
      // The record, checked against the password, stands in for decoding only for these bytes.
      Optional<Pkcs12Facts> recorded = record.flatMap(rec -> rec.factsOf(name, content));
      if (recorded.isPresent()) {
        return recorded.get();
      }
      try {
        return Pkcs12.read(content, password.get());
      } catch (WrongPasswordException e) {
        if (previousPassword.isPresent()) {
          try {
            Pkcs12Facts facts = Pkcs12.read(content, previousPassword.get());
            openedWithPrevious.add(name);
            return facts;
          } catch (WrongPasswordException | InvalidMaterialException again) {
            throw wrongPassword(name, " nor with store.previousPassword");
          }
        }
        throw wrongPassword(name, "");
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }
  }
}
