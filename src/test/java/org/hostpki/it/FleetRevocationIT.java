package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.SubjectHash;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Tool;

/**
 * A fleet CA revokes a member's certificate with the built {@code hostpki revoke}, and every
 * verifier that checks CRLs agrees with what the CRL says: OpenSSL ({@code verify -crl_check},
 * {@code crl -verify}), curl over a real TLS connection to {@code openssl s_server} on loopback,
 * GnuTLS's certtool and the JDK's PKIX validator refuse the revoked certificate and accept the
 * other one; {@code openssl rehash} names the CRL as hostpki does ({@code HASH.r0}). A member host
 * consumes the published (DER) CRL through {@code trust.crls}, and its own {@code trust-hashed/}
 * is enough for {@code openssl verify -crl_check -CApath}.
 */
class FleetRevocationIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String CA_YAML =
      "apiVersion: hostpki/v1\n"
          + "store: {path: pki}\n"
          + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
          + "ca:\n"
          + "  subject: {commonName: Fleet Revocation CA}\n"
          + "  policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 90d}\n"
          + "  crl: {validity: 7d, url: \"http://ca1.fleet.test/fleet.crl\"}\n";

  @TempDir static Path dir;
  private static Path ca;
  private static Path crl;

  @BeforeAll
  static void signTwoMembersAndRevokeOne() throws IOException {
    String openssl = Tool.OPENSSL.require().toString();
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    Hostpki.run(dir, "apply", "-f", "ca.yaml").assertSucceeded();
    for (String member : List.of("lost", "kept")) {
      Path store = Files.createDirectories(dir.resolve(member));
      Command.of(
              openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", store.resolve("server.key").toString(), "-out", dir.resolve(member + ".csr").toString(),
              "-subj", "/CN=" + member + ".fleet.test", "-addext", "subjectAltName=DNS:" + member + ".fleet.test")
          .run()
          .assertSucceeded();
      Hostpki.run(
              dir, "sign", "-f", "ca.yaml", "--csr", member + ".csr", "-o", member + "/server-fullchain.crt")
          .assertSucceeded();
      String chain = Files.readString(store.resolve("server-fullchain.crt"));
      Files.writeString(store.resolve("server.crt"), Store.pemCertificates(chain).get(0));
    }
    Hostpki.run(dir, "revoke", "-f", "ca.yaml", "--cert", "lost/server.crt", "--reason", "keyCompromise")
        .assertSucceeded();
    Hostpki.run(dir, "export", "-f", "ca.yaml", "crl", "--der", "-o", "fleet.crl").assertSucceeded();
    ca = dir.resolve("pki/ca.crt");
    crl = dir.resolve("pki/ca.crl");
  }

  private static ProcessResult openssl(String... arguments) {
    return Command.of(Tool.OPENSSL.require().toString(), arguments).in(dir).run();
  }

  @Test
  void testOpensslVerify_withTheCrlRefusesTheRevokedMemberAndAcceptsTheOther() {
    ProcessResult lost = openssl("verify", "-crl_check", "-CRLfile", crl.toString(), "-CAfile", ca.toString(), "lost/server.crt");
    ProcessResult kept = openssl("verify", "-crl_check", "-CRLfile", crl.toString(), "-CAfile", ca.toString(), "kept/server.crt");

    assertThat(lost.exitCode()).as(lost.toString()).isNotZero();
    assertThat(lost.output()).contains("certificate revoked");
    assertThat(kept.assertSucceeded().stdout()).isEqualTo("kept/server.crt: OK\n");
  }

  @Test
  void testOpensslCrl_verifiesTheCrlWithTheCaAndTheExportedDerIsTheSameCrl() {
    ProcessResult pem = openssl("crl", "-in", crl.toString(), "-noout", "-CAfile", ca.toString(), "-verify");
    ProcessResult der = openssl("crl", "-inform", "DER", "-in", "fleet.crl", "-noout", "-CAfile", ca.toString(), "-verify", "-text");

    assertThat(pem.assertSucceeded().output()).contains("verify OK");
    assertThat(der.assertSucceeded().output())
        .contains("verify OK", "Issuer: CN = Fleet Revocation CA", "Key Compromise")
        .containsPattern("CRL Number: \n {16}\\d{19}\n"); // thisUpdate in nanoseconds, so that it keeps rising
  }

  @Test
  void testCurl_refusesTlsToTheRevokedMemberAndConnectsToTheOther() {
    try (OpenSslServer lost = OpenSslServer.start(new Store(dir.resolve("lost")), LOOPBACK, dir.resolve("lost"));
        OpenSslServer kept = OpenSslServer.start(new Store(dir.resolve("kept")), LOOPBACK, dir.resolve("kept"))) {
      ProcessResult refused = curl("lost.fleet.test", lost.port());
      ProcessResult accepted = curl("kept.fleet.test", kept.port());

      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(60);
      assertThat(refused.stderr()).contains("certificate revoked");
      assertThat(accepted.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
    }
  }

  private static ProcessResult curl(String name, int port) {
    return Command.of(
            Tool.CURL.require().toString(), "--silent", "--show-error", "--max-time", "20",
            "--cacert", ca.toString(), "--crlfile", crl.toString(),
            "--resolve", name + ":" + port + ":" + LOOPBACK.getHostAddress(),
            "https://" + name + ":" + port + "/")
        .run();
  }

  @Test
  void testCerttool_verifiesTheCrlAndAgreesOnBothMembers() {
    String certtool = Tool.CERTTOOL.require().toString();
    ProcessResult crlOk =
        Command.of(certtool, "--verify-crl", "--load-ca-certificate", ca.toString(), "--infile", crl.toString()).run();
    ProcessResult lost = certtoolVerify(certtool, "lost");
    ProcessResult kept = certtoolVerify(certtool, "kept");

    assertThat(crlOk.assertSucceeded().output()).contains("Verified");
    assertThat(lost.exitCode()).as(lost.toString()).isNotZero();
    assertThat(lost.output()).contains("The certificate chain is revoked");
    assertThat(kept.assertSucceeded().output()).contains("Chain verification output: Verified");
  }

  private static ProcessResult certtoolVerify(String certtool, String member) {
    return Command.of(
            certtool, "--verify", "--load-ca-certificate", ca.toString(), "--load-crl", crl.toString(),
            "--infile", dir.resolve(member + "/server-fullchain.crt").toString())
        .run();
  }

  @Test
  void testJavaPkix_withTheCrlInACertStoreAgrees() throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate caCertificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(ca)));
    X509CRL list = (X509CRL) factory.generateCRL(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("fleet.crl"))));
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(caCertificate, null)));
    parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(list))));
    parameters.setRevocationEnabled(true);

    CertPathValidatorException refused = pkixFailure(factory, parameters, "lost");

    assertThat(refused).isNotNull();
    assertThat(refused.getReason()).isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
    assertThat(refused.getMessage()).contains("KEY_COMPROMISE");
    assertThat(pkixFailure(factory, parameters, "kept")).isNull();
  }

  private static CertPathValidatorException pkixFailure(
      CertificateFactory factory, PKIXParameters parameters, String member) throws GeneralSecurityException {
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(Files.readAllBytes(dir.resolve(member + "/server.crt"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(leaf)), parameters);
      return null;
    } catch (CertPathValidatorException e) {
      return e;
    }
  }

  @Test
  void testRehash_namesTheCrlAsHostpkiDoes() throws Exception {
    Path hashed = Files.createDirectories(dir.resolve("hashed"));
    Files.copy(ca, hashed.resolve("ca.pem"));
    Files.copy(crl, hashed.resolve("fleet.crl.pem"));

    openssl("rehash", hashed.toString()).assertSucceeded();

    String hash = SubjectHash.opensslIssuerHash(RevocationList.parse(Files.readAllBytes(crl)));
    assertThat(hashed.resolve(hash + ".r0")).isSymbolicLink();
    assertThat(Files.readSymbolicLink(hashed.resolve(hash + ".r0")).toString()).isEqualTo("fleet.crl.pem");
    ProcessResult capath =
        openssl("verify", "-crl_check", "-CApath", hashed.toString(), dir.resolve("lost/server.crt").toString());
    assertThat(capath.output()).as("the hashed directory alone refuses it").contains("certificate revoked");
  }

  @Test
  void testMemberHost_consumesThePublishedCrlIntoItsHashedDirectory() throws Exception {
    Path member = Files.createDirectories(dir.resolve("member"));
    Files.writeString(
        member.resolve("host.yaml"),
        "apiVersion: hostpki/v1\n"
            + "store: {path: pki}\n"
            + "host: {detect: false, hostname: kept, domain: fleet.test, addresses: [192.0.2.3]}\n"
            + "trust:\n"
            + "  hashedDirectory: true\n"
            + "  certificates: [{name: fleet, file: ../pki/ca.crt}]\n"
            + "  crls: [../fleet.crl]\n");

    Hostpki.run(member, "apply", "-f", "host.yaml").assertSucceeded();

    Path hashedDir = member.resolve("pki/trust-hashed");
    String hash = SubjectHash.opensslIssuerHash(RevocationList.parse(Files.readAllBytes(crl)));
    assertThat(Files.readString(hashedDir.resolve(hash + ".r0"))).isEqualTo(Files.readString(crl));
    assertThat(Files.readString(member.resolve("pki/trust-crls.pem"))).isEqualTo(Files.readString(crl));
    ProcessResult lost =
        openssl("verify", "-crl_check", "-no-CAfile", "-no-CAstore", "-CApath", hashedDir.toString(), "lost/server.crt");
    ProcessResult kept =
        openssl("verify", "-crl_check", "-no-CAfile", "-no-CAstore", "-CApath", hashedDir.toString(), "kept/server.crt");
    assertThat(lost.exitCode()).as(lost.toString()).isNotZero();
    assertThat(lost.output()).contains("certificate revoked");
    assertThat(kept.assertSucceeded().stdout()).isEqualTo("kept/server.crt: OK\n");
    assertThat(Hostpki.run(member, "plan", "-f", "host.yaml").assertSucceeded().stdout()).contains("No changes");
  }

  @Test
  void testSignedCertificates_nameTheDistributionPoint() {
    ProcessResult text = openssl("x509", "-in", "kept/server.crt", "-noout", "-ext", "crlDistributionPoints");

    assertThat(text.assertSucceeded().stdout()).contains("URI:http://ca1.fleet.test/fleet.crl");
  }
}
