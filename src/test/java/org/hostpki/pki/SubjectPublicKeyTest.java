package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.hostpki.model.Fingerprint;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class SubjectPublicKeyTest {
  @TempDir Path dir;

  @Test
  void testFromDer_roundTrips() throws Exception {
    SubjectPublicKey key = TestKeys.key(TestKeys.P256, "a").publicKey();

    SubjectPublicKey read = SubjectPublicKey.fromDer(key.der());

    assertThat(read).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(read.facts()).isEqualTo(key.facts());
    assertThat(read.fingerprint()).isEqualTo(Fingerprint.sha256(key.der()));
  }

  @Test
  void testFromDer_garbageIsRefused() {
    assertThatThrownBy(() -> SubjectPublicKey.fromDer(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a public key");
    assertThatThrownBy(() -> SubjectPublicKey.fromDer(new byte[] {0x30, 0x7f}))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void testSameKey_ignoresACompressedPointEncoding() throws Exception {
    SubjectPublicKey key = TestKeys.key(TestKeys.P256, "a").publicKey();
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.der());
    X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
    byte[] compressed =
        curve.getCurve().decodePoint(info.getPublicKeyData().getBytes()).getEncoded(true);
    SubjectPublicKey other =
        SubjectPublicKey.fromDer(
            new SubjectPublicKeyInfo(info.getAlgorithm(), compressed).getEncoded());

    assertThat(other).isNotEqualTo(key);
    assertThat(other.sameKey(key)).isTrue();
    assertThat(key.sameKey(TestKeys.key(TestKeys.P256, "b").publicKey())).isFalse();
  }

  @Test
  void testSpec_emptyForExplicitCurveParameters() throws Exception {
    SubjectPublicKeyInfo info =
        SubjectPublicKeyInfo.getInstance(TestKeys.key(TestKeys.P256, "a").publicKey().der());
    X962Parameters explicit = new X962Parameters(CustomNamedCurves.getByName("secp256r1"));
    SubjectPublicKey key =
        SubjectPublicKey.fromDer(
            new SubjectPublicKeyInfo(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        info.getAlgorithm().getAlgorithm(), explicit),
                    info.getPublicKeyData().getBytes())
                .getEncoded());

    assertThat(key.spec()).isEmpty();
  }

  @Test
  void testSpec_emptyForAKindHostpkiDoesNotMake() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("genpkey", "-algorithm", "X25519", "-out", "k.pem").in(dir).run().assertSucceeded();
    byte[] der =
        Tool.OPENSSL.command("pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der").in(dir).runAndRead(dir.resolve("pub.der"));

    SubjectPublicKey key = SubjectPublicKey.fromDer(der);

    assertThat(key.spec()).isEmpty();
    assertThat(key.facts().publicKeyFingerprint())
        .isEqualTo(Fingerprint.sha256(Files.readAllBytes(dir.resolve("pub.der"))));
  }

  @Test
  void testToString_namesKindAndFingerprint() {
    SubjectPublicKey key = TestKeys.key(TestKeys.RSA2048, "a").publicKey();

    assertThat(key.toString()).isEqualTo("SubjectPublicKey[RSA 2048, " + key.fingerprint() + "]");
  }
}
