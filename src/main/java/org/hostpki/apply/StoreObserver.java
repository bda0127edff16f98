package org.hostpki.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificatePool;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.WrongPasswordException;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreSnapshot;

/**
 * Reads a store directory into facts, read-only. Any file that is present but cannot be parsed
 * stops observing with a message naming it: a plan built on a misread store could destroy keys.
 */
public final class StoreObserver {
  public static final String TRUST_DIR = "trust/";
  public static final String HASHED_DIR = "trust-hashed/";

  /**
   * @param passwordSource where the password came from, for messages (never the password)
   */
  public StoreContents observe(
      StoreSnapshot snapshot, Path storePath, Optional<char[]> password, String passwordSource) {
    return observe(snapshot, storePath, password, passwordSource, List.of(), Set.of());
  }

  /**
   * Like {@link #observe(StoreSnapshot, Path, Optional, String)}, with the same result, but the
   * store's trust files that hold one of {@code known} (byte for byte the same DER) take it
   * instead of parsing it again, and a PKCS#12 file whose digest is among {@code opened} is known
   * to open with the password without a key derivation: for observing again a store just written
   * from them.
   */
  public StoreContents observe(
      StoreSnapshot snapshot,
      Path storePath,
      Optional<char[]> password,
      String passwordSource,
      Collection<Certificate> known,
      Set<Fingerprint> opened) {
    Reader r = new Reader(snapshot, storePath, passwordSource);
    // The trusted certificates, found again by their DER in the bundle and trust-hashed/.
    CertificatePool pool = new CertificatePool(known);
    Optional<KeyMaterial> caKey = r.file("ca.key").map(b -> r.key("ca.key", b));
    Optional<Certificate> caCert = r.file("ca.crt").map(b -> r.single("ca.crt", b));
    Optional<KeyMaterial> serverKey = r.file("server.key").map(b -> r.key("server.key", b));
    Optional<Certificate> serverCert = r.file("server.crt").map(b -> r.single("server.crt", b));
    Optional<List<CertificateFacts>> fullchain =
        r.file("server-fullchain.crt").map(b -> facts(r.certificates("server-fullchain.crt", b)));
    Optional<CsrFacts> csr = r.file(Planner.CSR_ADDRESS).map(b -> r.csr(Planner.CSR_ADDRESS, b));
    Optional<List<Certificate>> externalChain =
        r.file(Planner.EXTERNAL_CHAIN_FILE).map(b -> r.certificates(Planner.EXTERNAL_CHAIN_FILE, b));
    Optional<KeyMaterial> caNextKey =
        r.file(Planner.CA_NEXT_KEY_FILE).map(b -> r.key(Planner.CA_NEXT_KEY_FILE, b));
    Optional<Certificate> caNextCert =
        r.file(Planner.CA_NEXT_CERT_FILE).map(b -> r.single(Planner.CA_NEXT_CERT_FILE, b));
    Optional<Certificate> caPreviousCert =
        r.file(Planner.CA_PREVIOUS_CERT_FILE).map(b -> r.single(Planner.CA_PREVIOUS_CERT_FILE, b));
    // The bundle starts with the internal CAs: known too, they are not parsed again there.
    caCert.ifPresent(pool::add);
    caNextCert.ifPresent(pool::add);
    caPreviousCert.ifPresent(pool::add);
    TrustFiles trustFiles = TrustFiles.read(snapshot, r, pool);
    SortedMap<String, Certificate> trusted = trustFiles.trusted();
    Map<String, Fingerprint> hashed = trustFiles.hashed();
    Optional<List<Fingerprint>> bundle =
        r.file("trust-bundle.crt")
            .map(b -> r.certificates("trust-bundle.crt", b, pool).stream().map(Certificate::fingerprint).toList());
    Optional<Pkcs12Record> p12Record = pkcs12Record(snapshot, password, opened);
    Optional<Pkcs12Facts> serverP12 =
        r.file("server.p12").map(b -> r.pkcs12("server.p12", b, password, p12Record));
    Optional<Pkcs12Facts> truststore =
        r.file("truststore.p12").map(b -> r.pkcs12("truststore.p12", b, password, p12Record));
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
            snapshot.file(Pkcs12Record.FILE_NAME).map(Pkcs12Record::isOutdated).orElse(false));
    return new StoreContents(
        facts, snapshot, caKey, caCert, serverKey, serverCert, trusted, externalChain, caNextKey,
        caNextCert, caPreviousCert);
  }

  /**
   * The record of what the PKCS#12 files hold, when there is a password, the record is one
   * hostpki writes and the password opens the files it describes; anything else is as if there
   * were none: the files are decoded.
   */
  private static Optional<Pkcs12Record> pkcs12Record(
      StoreSnapshot snapshot, Optional<char[]> password, Set<Fingerprint> opened) {
    if (password.isEmpty()) {
      return Optional.empty();
    }
    byte[] content = snapshot.files().get(Pkcs12Record.FILE_NAME);
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

  /** Parses store files, naming the file in every error. */
  record Reader(StoreSnapshot snapshot, Path storePath, String passwordSource) {
    Optional<byte[]> file(String name) {
      return snapshot.file(name);
    }

    private HostpkiException corrupt(String name, String reason) {
      return new HostpkiException(
          storePath.resolve(name)
              + ": "
              + reason
              + "; the store is damaged: restore the file, run 'hostpki rollback', or delete it"
              + " so that apply makes it anew");
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
        throw new HostpkiException(
            storePath.resolve(name)
                + ": cannot be opened with the store password (from "
                + passwordSource
                + "); check that it is the password the store was written with");
      } catch (InvalidMaterialException e) {
        throw corrupt(name, e.getMessage());
      }
    }
  }
}
