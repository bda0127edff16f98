package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** PKCS#12 trust stores without a password: the form of JDK 18+'s own cacerts. */
@Execution(ExecutionMode.CONCURRENT)
class UnprotectedTrustStoreTest {
  @TempDir Path dir;

  private final Certificate root = TestPki.ca(TestKeys.P256);

  @Test
  void testWrite_theJdkReadsItWithoutAPasswordAsTrustedEntries() throws Exception {
    byte[] store = UnprotectedTrustStore.write(new TreeMap<>(Map.of("Some Root [jdk]", root)));

    KeyStore read = KeyStore.getInstance("PKCS12");
    read.load(new ByteArrayInputStream(store), null);

    assertThat(Collections.list(read.aliases())).containsExactly("some root [jdk]");
    assertThat(read.isCertificateEntry("some root [jdk]")).isTrue();
    assertThat(Fingerprint.sha256(read.getCertificate("some root [jdk]").getEncoded())).isEqualTo(root.fingerprint());
    assertThat(UnprotectedTrustStore.isUnprotected(store)).isTrue();
  }

  @Test
  void testIsUnprotected_aStoreKeytoolWritesWithoutProtection() throws Exception {
    Path pem = Files.writeString(dir.resolve("root.pem"), root.pem());
    Path p12 = dir.resolve("cacerts");
    Tool.KEYTOOL.command(
            "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
            "-importcert", "-noprompt", "-storetype", "pkcs12", "-keystore", p12.toString(),
            "-storepass", "changeit", "-alias", "root", "-file", pem.toString())
        .run()
        .assertSucceeded();

    assertThat(UnprotectedTrustStore.isUnprotected(Files.readAllBytes(p12))).isTrue();
  }

  @Test
  void testIsUnprotected_notForAPasswordProtectedStore() {
    byte[] protectedStore =
        Pkcs12.trustStore(new TreeMap<>(Map.of("root", root)), "secret".toCharArray(), Pkcs12Profile.MODERN, TestKeys.RANDOM);

    assertThat(UnprotectedTrustStore.isUnprotected(protectedStore)).isFalse();
    assertThat(UnprotectedTrustStore.isUnprotected("garbage".getBytes())).isFalse();
  }
}
