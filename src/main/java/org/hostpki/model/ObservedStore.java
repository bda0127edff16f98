package org.hostpki.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The facts read from a store directory. What is read back is the truth: there is no state file.
 * A file that is absent is an empty optional; a file that is present but unreadable never gets
 * this far (observing fails with a message naming it).
 *
 * @param exists whether the store has been written at least once
 * @param serverSignedByCa server.crt's signature verifies with ca.crt's key and names it as issuer
 * @param serverFullchain the certificates of server-fullchain.crt, in file order
 * @param trusted the {@code trust/NAME.crt} entries by name
 * @param trustBundle fingerprints of trust-bundle.crt's certificates, in file order
 * @param hashedDirectory the {@code trust-hashed/} entries: file name to certificate fingerprint
 * @param externalChain the chain last imported from {@code server.external.chain}, as recorded in
 *     {@code external-chain.crt}: leaf first, the root last when the file held it
 * @param caNextKey {@code ca-next.key}: the key of the CA a phased rotation moves to
 * @param caNextCertificate {@code ca-next.crt}: the CA a phased rotation moves to, trusted but not
 *     yet signing; its notBefore tells when the rotation started
 * @param caPreviousCertificate {@code ca-previous.crt}: the CA a rotation moved away from, still
 *     trusted for a while (no key: it signs nothing any more)
 * @param contentFingerprint a digest over every file's name and bytes, so a saved plan can tell
 *     that the store changed under it
 * @param outdatedPkcs12Record the record of what the PKCS#12 files hold ({@code .pkcs12-facts})
 *     is of a format that keeps a fast check of the store password (hostpki 0.1.0): the next
 *     apply rewrites it
 * @param trustCrls fingerprints of {@code trust-crls.pem}'s CRLs, in file order; empty when the
 *     store has no such file
 * @param hashedCrls the CRLs of {@code trust-hashed/}: file name ({@code HASH.rN}) to fingerprint
 * @param caCrl {@code ca.crl}: the CRL a fleet CA publishes ({@code hostpki revoke} wrote it)
 * @param caPreviousCrl {@code ca-previous.crl}: after a rotation's move, the previous CA's last CRL
 * @param serverCrlDistributionPoints the URLs of {@code server.crt}'s CRL Distribution Points;
 *     empty when it names none (or there is no server.crt)
 * @param outputs what the store holds of the files the desired state declares on top of its own
 * @param missingLinks the visible names ({@code server.crt}, {@code trust}) of the current
 *     generation's top-level entries whose link through {@code ..data} is gone (removed by hand):
 *     the file is in the generation, but a service opening {@code STORE/NAME} finds nothing
 */
public record ObservedStore(
    boolean exists,
    Optional<KeyFacts> caKey,
    Optional<CertificateFacts> caCertificate,
    Optional<KeyFacts> serverKey,
    Optional<CertificateFacts> serverCertificate,
    boolean serverSignedByCa,
    Optional<List<CertificateFacts>> serverFullchain,
    Optional<CsrFacts> serverCsr,
    Optional<Pkcs12Facts> serverPkcs12,
    Map<String, CertificateFacts> trusted,
    Optional<List<Fingerprint>> trustBundle,
    Optional<Pkcs12Facts> truststorePkcs12,
    Optional<Map<String, Fingerprint>> hashedDirectory,
    Optional<List<CertificateFacts>> externalChain,
    Optional<KeyFacts> caNextKey,
    Optional<CertificateFacts> caNextCertificate,
    Optional<CertificateFacts> caPreviousCertificate,
    Fingerprint contentFingerprint,
    boolean outdatedPkcs12Record,
    Optional<List<Fingerprint>> trustCrls,
    Map<String, Fingerprint> hashedCrls,
    Optional<CrlFacts> caCrl,
    Optional<CrlFacts> caPreviousCrl,
    List<String> serverCrlDistributionPoints,
    ObservedOutputs outputs,
    SortedSet<String> missingLinks) {

  /** The same facts with the visible links found missing. */
  public ObservedStore withMissingLinks(SortedSet<String> missing) {
    return with(outputs, missing);
  }

  /** The same facts with what the store holds of its declared files. */
  public ObservedStore withOutputs(ObservedOutputs observed) {
    return with(observed, missingLinks);
  }

  private ObservedStore with(ObservedOutputs observed, SortedSet<String> missing) {
    return new ObservedStore(
        exists, caKey, caCertificate, serverKey, serverCertificate, serverSignedByCa, serverFullchain,
        serverCsr, serverPkcs12, trusted, trustBundle, truststorePkcs12, hashedDirectory, externalChain,
        caNextKey, caNextCertificate, caPreviousCertificate, contentFingerprint, outdatedPkcs12Record,
        trustCrls, hashedCrls, caCrl, caPreviousCrl, serverCrlDistributionPoints, observed, missing);
  }

  public ObservedStore {
    Objects.requireNonNull(caKey, "caKey");
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(serverKey, "serverKey");
    Objects.requireNonNull(serverCertificate, "serverCertificate");
    serverFullchain = Objects.requireNonNull(serverFullchain, "serverFullchain").map(List::copyOf);
    Objects.requireNonNull(serverCsr, "serverCsr");
    Objects.requireNonNull(serverPkcs12, "serverPkcs12");
    trusted = Collections.unmodifiableMap(new TreeMap<>(trusted));
    trustBundle = Objects.requireNonNull(trustBundle, "trustBundle").map(List::copyOf);
    Objects.requireNonNull(truststorePkcs12, "truststorePkcs12");
    hashedDirectory =
        Objects.requireNonNull(hashedDirectory, "hashedDirectory")
            .map(m -> Collections.unmodifiableMap(new TreeMap<>(m)));
    externalChain = Objects.requireNonNull(externalChain, "externalChain").map(List::copyOf);
    Objects.requireNonNull(caNextKey, "caNextKey");
    Objects.requireNonNull(caNextCertificate, "caNextCertificate");
    Objects.requireNonNull(caPreviousCertificate, "caPreviousCertificate");
    Objects.requireNonNull(contentFingerprint, "contentFingerprint");
    trustCrls = Objects.requireNonNull(trustCrls, "trustCrls").map(List::copyOf);
    hashedCrls = Collections.unmodifiableMap(new TreeMap<>(hashedCrls));
    Objects.requireNonNull(caCrl, "caCrl");
    Objects.requireNonNull(caPreviousCrl, "caPreviousCrl");
    serverCrlDistributionPoints = List.copyOf(serverCrlDistributionPoints);
    Objects.requireNonNull(outputs, "outputs");
    missingLinks = Collections.unmodifiableSortedSet(new TreeSet<>(missingLinks));
  }

  /**
   * Whether {@code certificate} is the leaf of the chain imported last ({@code
   * external-chain.crt}).
   */
  public boolean isImportedLeaf(CertificateFacts certificate) {
    return externalChain
        .map(chain -> !chain.isEmpty() && chain.get(0).fingerprint().equals(certificate.fingerprint()))
        .orElse(false);
  }

  /** Whether {@code server.crt} is the leaf of the chain imported last: the server serves it. */
  public boolean servesImportedChain() {
    return serverCertificate.map(this::isImportedLeaf).orElse(false);
  }

  /** A store directory that does not exist yet or holds nothing. */
  public static ObservedStore empty() {
    return new ObservedStore(
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Fingerprint.sha256(new byte[0]),
        false,
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        ObservedOutputs.NONE,
        new TreeSet<>());
  }
}
