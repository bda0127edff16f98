package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Test;

class SignaturesTest {

  /**
   * RSASSA-PSS parameters whose hash is implicitly tagged: BouncyCastle throws
   * IllegalStateException reading them, which surfaced as "internal error" from {@code hostpki
   * inspect} and every chain check of such a certificate.
   */
  @Test
  void testFacts_malformedPssParametersAreAnUnknownHashNotAnError() throws Exception {
    AlgorithmIdentifier malformed =
        new AlgorithmIdentifier(
            PKCSObjectIdentifiers.id_RSASSA_PSS,
            new DERSequence(new DERTaggedObject(false, 0, new DEROctetString(new byte[] {1}))));
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Date start = new Date(0);
    byte[] der =
        new JcaX509v3CertificateBuilder(
                new X500Name("CN=pss"), BigInteger.ONE, start, new Date(86_400_000L), new X500Name("CN=pss"),
                ec.generateKeyPair().getPublic())
            .build(fixedSignature(malformed))
            .getEncoded();

    Certificate certificate = Certificate.fromDer(der);

    assertThat(certificate.facts().signatureAlgorithm()).isEqualTo("unknown hashwithRSASSA-PSS");
  }

  private static ContentSigner fixedSignature(AlgorithmIdentifier algorithm) {
    return new ContentSigner() {
      private final ByteArrayOutputStream signed = new ByteArrayOutputStream();

      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
      }

      @Override
      public OutputStream getOutputStream() {
        return signed;
      }

      @Override
      public byte[] getSignature() {
        return new byte[64];
      }
    };
  }
}
