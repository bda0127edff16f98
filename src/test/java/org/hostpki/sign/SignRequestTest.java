package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.testkit.TestRequests.ip;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.KeySpec;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.Subject;
import org.hostpki.pki.KeyMaterial;
import org.junit.jupiter.api.Test;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.TestRequests;

class SignRequestTest {
  private static final Path FILE = Path.of("/tmp/m1.csr");

  @Test
  void testRead_aRequestAsHostpkiWritesIt() {
    KeyMaterial key = TestKeys.freshEc();
    byte[] pem =
        TestRequests.pem(
            key, new Subject(Optional.empty(), Optional.of("Example Corp"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()),
            List.of("m1.fleet.test", "m1"), List.of(ip("192.0.2.11")), true);

    SignRequest request = SignRequest.read(FILE, pem);

    assertThat(request.subjectDn()).isEqualTo("CN=m1.fleet.test,O=Example Corp");
    assertThat(request.dnsNames()).containsExactly("m1.fleet.test", "m1");
    assertThat(request.ipAddresses()).containsExactly(ip("192.0.2.11"));
    assertThat(request.usages()).containsExactly(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH);
    assertThat(request.publicKey().sameKey(key.publicKey())).isTrue();
    assertThat(request.sanWords()).containsExactly("m1.fleet.test", "m1", "192.0.2.11");
  }

  @Test
  void testRead_namesAreLowerCasedAndRepeatsDropped() throws Exception {
    byte[] der = TestRequests.jca("EC", 256, "SHA256withECDSA", "db.corp.example", "DB.Corp.Example", "db.corp.example");

    assertThat(SignRequest.read(FILE, der).dnsNames()).containsExactly("db.corp.example");
  }

  @Test
  void testRead_withoutACommonNameTheFirstDnsNameBecomesIt() throws Exception {
    SignRequest request =
        SignRequest.read(FILE, TestRequests.jca("EC", 256, "SHA256withECDSA", null, "db.corp.example", "db"));

    assertThat(request.subject().isEmpty()).isTrue();
    assertThat(request.issuedSubject()).isEqualTo(Subject.commonName("db.corp.example"));
  }

  @Test
  void testRead_somethingElseIsRefusedNamingTheFile() {
    assertThatThrownBy(() -> SignRequest.read(FILE, "hello\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("/tmp/m1.csr: holds no certificate request")
        .hasMessageEndingWith("hand over the certificate request (PEM or DER) the host wrote, e.g. its store's server.csr");
  }

  @Test
  void testRead_aBadSignatureIsRefused() throws Exception {
    byte[] bad = TestRequests.withBadSignature(TestRequests.pem("db.corp.example"));

    assertThatThrownBy(() -> SignRequest.read(FILE, bad))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "/tmp/m1.csr: the request's signature does not verify with the key it carries, so it does"
                + " not prove possession of that key (damaged or altered); nothing was signed: make a"
                + " new request on the host");
  }

  @Test
  void testRead_aShortRsaKeyIsRefused() throws Exception {
    byte[] weak = TestRequests.jca("RSA", 1024, "SHA256withRSA", "db.corp.example", "db.corp.example");

    assertThatThrownBy(() -> SignRequest.read(FILE, weak))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "/tmp/m1.csr: the request's key is RSA 1024, too weak: RSA keys need at least 2048 bits;"
                + " nothing was signed: make a new request with an RSA key of 2048 bits or more");
  }

  @Test
  void testRead_aKeyOfAnotherKindIsRefused() throws Exception {
    byte[] ed448 = TestRequests.jca("Ed448", 0, "Ed448", "db.corp.example", "db.corp.example");

    assertThatThrownBy(() -> SignRequest.read(FILE, ed448))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "/tmp/m1.csr: the request's key is of a kind hostpki does not certify (not RSA, EC on"
                + " P-256/P-384/P-521 or Ed25519)");
  }

  @Test
  void testRead_everyKindOfKeyHostpkiMakesIsAccepted() throws Exception {
    for (KeySpec spec : List.of(new KeySpec.Rsa(2048), new KeySpec.Ec(KeySpec.Curve.P384), new KeySpec.Ed25519())) {
      KeyMaterial key = KeyMaterial.generate(spec, TestKeys.RANDOM);

      assertThat(SignRequest.read(FILE, TestRequests.pem(key, List.of("db.corp.example"), List.of())).publicKey().spec())
          .as(spec.toString())
          .contains(spec);
    }
  }

  @Test
  void testRead_aRequestWithoutSansIsRefused() throws Exception {
    byte[] noSans = TestRequests.jca("EC", 256, "SHA256withECDSA", "db.corp.example");

    assertThatThrownBy(() -> SignRequest.read(FILE, noSans))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "/tmp/m1.csr: the request (CN=db.corp.example) asks for no DNS name or IP address (no"
                + " subjectAltName); nothing was signed");
  }

  @Test
  void testRead_anInvalidDnsNameIsAProblemForTheRefusal() {
    // xn--zz (no Punycode) was signed, though server.dnsNames refuses it.
    byte[] pem = TestRequests.pem("db.corp.example", "a..corp.example", "xn--zz.corp.example", "xn--bcher-kva.corp.example");

    SignRequest request = SignRequest.read(FILE, pem);

    assertThat(request.problems())
        .extracting(PolicyViolation::message)
        .containsExactly(
            "refused: dNSName 'a..corp.example' has an empty label",
            "refused: dNSName 'xn--zz.corp.example' has the label 'xn--zz', which starts with xn-- but is not"
                + " valid Punycode (RFC 3492); write the name in Unicode once and hostpki validate tells its xn-- form");
    assertThat(request.dnsNames()).containsExactly("db.corp.example", "xn--bcher-kva.corp.example");
  }
}
