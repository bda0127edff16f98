package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.root;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.UnprotectedPkcs12;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * truststore.p12 read back with the JDK's own KeyStore, in both PKCS#12 profiles: exactly one
 * trustedCertEntry per trusted certificate, plus the internal CA as {@code hostpki-ca}.
 */
class TruststorePkcs12Test {
  @TempDir Path dir;

  private TrustWorkspace workspace(String profile) {
    TrustWorkspace ws = new TrustWorkspace(dir);
    ws.pkcs12Profile = profile;
    return ws;
  }

  /** Alias to SHA-256 of the certificate, as the JDK sees the file; fails on any key entry. */
  private static Map<String, String> entries(TrustWorkspace ws) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(new ByteArrayInputStream(ws.read("truststore.p12")), ws.password());
    Map<String, String> entries = new TreeMap<>();
    for (String alias : Collections.list(keyStore.aliases())) {
      assertThat(keyStore.isCertificateEntry(alias)).as(alias + " is a trustedCertEntry").isTrue();
      assertThat(keyStore.isKeyEntry(alias)).as(alias).isFalse();
      entries.put(alias, sha256(keyStore.getCertificate(alias).getEncoded()));
    }
    return entries;
  }

  private static String sha256(byte[] der) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  private static Map<String, String> expected(TrustWorkspace ws, Object... aliasAndCertificate)
      throws Exception {
    Map<String, String> expected = new TreeMap<>();
    expected.put("hostpki-ca", Pem.readCertificates(ws.read("ca.crt")).get(0).fingerprint().hex());
    for (int i = 0; i < aliasAndCertificate.length; i += 2) {
      expected.put((String) aliasAndCertificate[i], ((Certificate) aliasAndCertificate[i + 1]).fingerprint().hex());
    }
    return expected;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"modern", "legacy"})
  void testApply_truststoreHoldsExactlyTheTrustedCertificatesAndTheCa(String profile) throws Exception {
    TrustWorkspace ws = workspace(profile);
    Certificate ldap = root("LDAP Root");
    Certificate partner = root("Partner Root");
    Certificate second = root("Partner Root 2");
    writePem(dir.resolve("trusted/ldap.pem"), ldap);
    writePem(dir.resolve("trusted.d/partner.pem"), partner, second);
    ws.desired("certificates:", "  - {name: ldap, file: trusted/ldap.pem}", "directories: [trusted.d]");

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(entries(ws))
        .isEqualTo(expected(
                ws,
                "ldap",
                ldap,
                "partner-" + partner.fingerprint().hex().substring(0, 12),
                partner,
                "partner-" + second.fingerprint().hex().substring(0, 12),
                second));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"modern", "legacy"})
  void testApply_prunedEntryLeavesTheTruststore(String profile) throws Exception {
    TrustWorkspace ws = workspace(profile);
    Certificate keep = root("Keep Root");
    writePem(dir.resolve("trusted.d/keep.pem"), keep);
    writePem(dir.resolve("trusted.d/gone.pem"), root("Gone Root"));
    ws.desired("directories: [trusted.d]");
    assertThat(ws.apply().exitCode()).isZero();
    Files.delete(dir.resolve("trusted.d/gone.pem"));

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.out()).contains("- trust/gone", "~ output/truststore.p12");
    assertThat(entries(ws)).isEqualTo(expected(ws, "keep", keep));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"modern", "legacy"})
  void testApply_unmanagedEntryStaysInTheTruststoreWithPruneOff(String profile) throws Exception {
    TrustWorkspace ws = workspace(profile);
    Certificate keep = root("Keep Root");
    Certificate old = root("Old Root");
    writePem(dir.resolve("trusted.d/keep.pem"), keep);
    writePem(dir.resolve("trusted.d/old.pem"), old);
    ws.desired("prune: false", "directories: [trusted.d]");
    assertThat(ws.apply().exitCode()).isZero();
    Files.delete(dir.resolve("trusted.d/old.pem"));
    Certificate added = root("Added Root");
    writePem(dir.resolve("trusted.d/new.pem"), added);

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(entries(ws)).isEqualTo(expected(ws, "keep", keep, "new", added, "old", old));
  }

  /**
   * A trust store holds no secret: written without a password (no MAC, nothing encrypted), 0644,
   * so a service user's JVM reads it with no trust store password, as it reads cacerts. One that
   * an older hostpki wrote with the store password (0600) is rewritten so, and readers that still
   * pass the password keep opening it.
   */
  @org.junit.jupiter.api.Test
  void testApply_aTruststoreWrittenWithThePasswordIsRewrittenWithoutOneForEveryUser() throws Exception {
    TrustWorkspace ws = workspace("legacy");
    Certificate ldap = root("LDAP Root");
    writePem(dir.resolve("trusted.d/ldap.pem"), ldap);
    ws.desired("directories: [trusted.d]");
    assertThat(ws.apply().exitCode()).isZero();
    Path file = ws.store.resolve("truststore.p12").toRealPath();
    java.util.SortedMap<String, Certificate> old = new TreeMap<>();
    old.put("hostpki-ca", Pem.readCertificates(ws.read("ca.crt")).get(0));
    old.put("ldap", ldap);
    Files.write(file, Pkcs12.trustStore(old, ws.password(), Pkcs12Profile.LEGACY, TestKeys.RANDOM));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.out())
        .as(run.toString())
        .contains("~ output/truststore.p12", "is protected with a password; a trust store holds no secret")
        .doesNotContain("server.p12");
    Path rewritten = ws.store.resolve("truststore.p12");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rewritten))).isEqualTo("rw-r--r--");
    byte[] bytes = ws.read("truststore.p12");
    assertThat(UnprotectedPkcs12.isUnprotected(bytes)).isTrue();
    KeyStore noPassword = KeyStore.getInstance("PKCS12");
    noPassword.load(new ByteArrayInputStream(bytes), null);
    assertThat(Collections.list(noPassword.aliases())).containsExactlyInAnyOrder("hostpki-ca", "ldap");
    assertThat(noPassword.isCertificateEntry("ldap")).isTrue();
    assertThat(entries(ws)).isEqualTo(expected(ws, "ldap", ldap)); // with the store password
    assertThat(ws.plan("--detailed-exitcode").exitCode()).isZero();
  }
}
