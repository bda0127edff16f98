package org.hostpki.testkit;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.model.CsrFacts;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.ParsedCsr;
import org.hostpki.pki.SubjectPublicKey;

/**
 * A CA for tests, as a corporate or public CA would be: a root ({@code CN=Example Root CA}, EC
 * P-384) and an issuing intermediate ({@code CN=Example Issuing CA 2}, EC P-256) that sign what
 * they are asked to. Also signs leaves for any key and names, to make chains that must be refused;
 * and makes single self-signed roots ({@link #selfSignedRoot}) for trust stores.
 */
public final class TestCa {
  public static final String ROOT_NAME = "Example Root CA";
  public static final String INTERMEDIATE_NAME = "Example Issuing CA 2";

  private final KeyMaterial rootKey;
  private final Certificate root;
  private final KeyMaterial intermediateKey;
  private final Certificate intermediate;

  private TestCa(KeyMaterial rootKey, Certificate root, KeyMaterial intermediateKey, Certificate intermediate) {
    this.rootKey = rootKey;
    this.root = root;
    this.intermediateKey = intermediateKey;
    this.intermediate = intermediate;
  }

  /** A root and an intermediate with new keys, valid from a year before {@code now} for ten years. */
  public static TestCa create(Instant now) {
    KeyMaterial rootKey = TestKeys.fresh(TestKeys.P384);
    Instant start = now.minus(Duration.ofDays(365));
    Instant end = now.plus(Duration.ofDays(3650));
    Certificate root =
        CertificateBuilder.certificate(ROOT_NAME).selfSigned(rootKey).ca(1).validity(start, end).build();
    KeyMaterial intermediateKey = TestKeys.freshEc();
    Certificate intermediate =
        CertificateBuilder.certificate(INTERMEDIATE_NAME)
            .key(intermediateKey)
            .issuedBy(root, rootKey)
            .ca(0)
            .validity(start, end)
            .build();
    return new TestCa(rootKey, root, intermediateKey, intermediate);
  }

  /**
   * A self-signed root CA (CA:TRUE without a path length, keyCertSign and cRLSign) with the JVM's
   * shared EC key: what a trust store holds. Each call makes a new certificate.
   */
  public static Certificate selfSignedRoot(String commonName, Instant notBefore, Instant notAfter) {
    return CertificateBuilder.certificate(commonName)
        .selfSigned(TestKeys.ec())
        .ca(null)
        .validity(notBefore, notAfter)
        .build();
  }

  /** A self-signed root valid from an hour ago for 30 days, for tools that check the real time. */
  public static Certificate selfSignedRoot(String commonName) {
    Instant now = Instant.now();
    return selfSignedRoot(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  /** A self-signed certificate that is no CA (a device's), around the real time like the root. */
  public static Certificate selfSignedLeaf(String commonName) {
    Instant now = Instant.now();
    return CertificateBuilder.certificate(commonName)
        .selfSigned(TestKeys.ec())
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)))
        .build();
  }

  public Certificate root() {
    return root;
  }

  public Certificate intermediate() {
    return intermediate;
  }

  public KeyMaterial rootKey() {
    return rootKey;
  }

  public KeyMaterial intermediateKey() {
    return intermediateKey;
  }

  /**
   * Signs a PKCS#10 request (PEM or DER) as the intermediate: the request's key and SANs, EKU
   * serverAuth, from {@code notBefore} for {@code validity}.
   */
  public Certificate sign(byte[] csr, Instant notBefore, Duration validity) {
    return request(csr).validity(notBefore, notBefore.plus(validity)).build();
  }

  /**
   * A leaf builder for a PKCS#10 request (PEM or DER), signed by the intermediate: the request's
   * key and SANs, EKU serverAuth; for what {@link #sign} does not set (a fixed serial number).
   */
  public CertificateBuilder request(byte[] csr) {
    ParsedCsr request;
    try {
      request = CertificationRequest.parse(csr);
    } catch (InvalidMaterialException e) {
      throw new IllegalArgumentException("not a request: " + e.getMessage(), e);
    }
    CsrFacts facts = request.facts();
    return leaf(request.publicKey(), facts.dnsNames(), facts.ipAddresses());
  }

  /** A leaf builder signed by the intermediate, for any key and names; EKU serverAuth. */
  public CertificateBuilder leaf(SubjectPublicKey key, List<String> dnsNames, List<InetAddress> ipAddresses) {
    return CertificateBuilder.certificate(dnsNames.isEmpty() ? "server" : dnsNames.get(0))
        .key(key)
        .issuedBy(intermediate, intermediateKey)
        .keyUsage(KeyUsage.digitalSignature)
        .serverAuth()
        .dnsNames(dnsNames)
        .ipAddresses(ipAddresses);
  }
}
