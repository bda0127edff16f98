package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.FileKind;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Held;
import org.hostpki.store.StoreFile;

/**
 * The draft of the store's next set while a plan is executed: its files, and the keys and
 * certificates they hold as parsed objects, starting as the current set and changed intent by
 * intent. Derived outputs look their certificates up here ({@link #certificate}).
 */
final class NextSet {
  final SortedMap<String, StoreFile> files = new TreeMap<>();
  Optional<KeyMaterial> caKey;
  Optional<Certificate> caCert;
  Optional<KeyMaterial> caNextKey;
  Optional<Certificate> caNextCert;
  Optional<Certificate> caPreviousCert;
  Optional<KeyMaterial> serverKey;
  Optional<Certificate> serverCert;
  final SortedMap<String, Certificate> trusted;
  /** The certificates of imported chains this run knows, by fingerprint: the served issuers. */
  final Map<Fingerprint, Certificate> issuers = new HashMap<>();
  /** What the PKCS#12 files written in this run hold, by file name. */
  final Map<String, Pkcs12Facts> written = new TreeMap<>();

  /**
   * The current set, every file carried over byte for byte.
   *
   * @param carried the current set's files, each with what it holds
   */
  NextSet(SortedMap<String, StoreFile> carried, StoreContents current) {
    files.putAll(carried);
    // The record of the PKCS#12 files is made anew, from the set this becomes.
    files.remove(StoreLayout.PKCS12_RECORD);
    caKey = current.caKey();
    caCert = current.caCertificate();
    caNextKey = current.caNextKey();
    caNextCert = current.caNextCertificate();
    caPreviousCert = current.caPreviousCertificate();
    serverKey = current.serverKey();
    serverCert = current.serverCertificate();
    trusted = new TreeMap<>(current.trusted());
    current.externalChain().ifPresent(this::knowIssuers);
  }

  void knowIssuers(List<Certificate> chain) {
    chain.forEach(c -> issuers.put(c.fingerprint(), c));
  }

  void putCertificates(String name, String pem) {
    files.put(name, StoreFile.adopting(pem.getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
  }

  /** As {@link #putCertificates(String, String)}, the PEM text's bytes handed over uncopied. */
  void putCertificates(String name, byte[] pem) {
    files.put(name, StoreFile.adopting(pem, FileKind.CERTIFICATES));
  }

  /**
   * One certificate's PEM, made from it when the file is written ({@link StoreFile#derived}):
   * not held beside the certificate from now until the write, as 100,000 new trust files were
   * (77 MB; bench/NOTES.md, fheap16).
   */
  void putCertificate(String name, Certificate certificate) {
    files.put(
        name,
        StoreFile.derived(() -> Pem.certificateBytes(List.of(certificate)), FileKind.CERTIFICATES));
  }

  void putKey(String name, KeyMaterial key) {
    files.put(name, new StoreFile(key.pkcs8Pem(), FileKind.PRIVATE_KEY));
  }

  /**
   * The certificate an output holds, as this set has it; empty when the set lacks it (a plan
   * that does not fit the store it was made from).
   */
  Optional<Certificate> certificate(Held held) {
    if (held instanceof Held.Issuer issuer) {
      return Optional.ofNullable(issuers.get(issuer.fingerprint()));
    }
    if (held instanceof Held.Trusted t) {
      return Optional.ofNullable(trusted.get(t.name()));
    }
    return switch ((Held.Stored) held) {
      case CA -> caCert;
      case CA_NEXT -> caNextCert;
      case CA_PREVIOUS -> caPreviousCert;
      case SERVER -> serverCert;
    };
  }
}
