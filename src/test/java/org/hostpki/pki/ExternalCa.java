package org.hostpki.pki;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.KeySpec;

/**
 * An outside CA for tests: a root ({@code CN=Example Root CA}) and an issuing intermediate
 * ({@code CN=Example Issuing CA 2}) that sign what hostpki asks for, as a corporate or public CA
 * would. Also signs leaves for any key and names, to make chains that must be refused.
 */
public final class ExternalCa {
  public static final String ROOT_NAME = "Example Root CA";
  public static final String INTERMEDIATE_NAME = "Example Issuing CA 2";

  private final KeyMaterial rootKey;
  private final Certificate root;
  private final KeyMaterial intermediateKey;
  private final Certificate intermediate;

  private ExternalCa(KeyMaterial rootKey, Certificate root, KeyMaterial intermediateKey, Certificate intermediate) {
    this.rootKey = rootKey;
    this.root = root;
    this.intermediateKey = intermediateKey;
    this.intermediate = intermediate;
  }

  /** A root and an intermediate valid from a year before {@code now} for ten years. */
  public static ExternalCa create(Instant now) {
    SecureRandom random = new SecureRandom();
    KeyMaterial rootKey = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P384), random);
    Instant start = now.minus(Duration.ofDays(365));
    Instant end = now.plus(Duration.ofDays(3650));
    Certificate root =
        TestCertificateBuilder.certificate(ROOT_NAME).selfSigned(rootKey).ca(1).validity(start, end).build();
    KeyMaterial intermediateKey = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), random);
    Certificate intermediate =
        TestCertificateBuilder.certificate(INTERMEDIATE_NAME)
            .key(intermediateKey)
            .issuedBy(root, rootKey)
            .ca(0)
            .validity(start, end)
            .build();
    return new ExternalCa(rootKey, root, intermediateKey, intermediate);
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
    ParsedCsr request;
    try {
      request = CertificationRequest.parse(csr);
    } catch (InvalidMaterialException e) {
      throw new IllegalArgumentException("not a request: " + e.getMessage(), e);
    }
    CsrFacts facts = request.facts();
    return leaf(request.publicKey(), facts.dnsNames(), facts.ipAddresses())
        .validity(notBefore, notBefore.plus(validity))
        .build();
  }

  /** A leaf builder signed by the intermediate, for any key and names; EKU serverAuth. */
  public TestCertificateBuilder leaf(
      SubjectPublicKey key, List<String> dnsNames, List<InetAddress> ipAddresses) {
    return TestCertificateBuilder.certificate(dnsNames.isEmpty() ? "server" : dnsNames.get(0))
        .key(key)
        .issuedBy(intermediate, intermediateKey)
        .keyUsage(KeyUsage.digitalSignature)
        .serverAuth()
        .dnsNames(dnsNames)
        .ipAddresses(ipAddresses);
  }
}
