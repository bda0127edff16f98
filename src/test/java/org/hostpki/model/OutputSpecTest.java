package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class OutputSpecTest {
  private static final Fingerprint KEY = Fingerprint.sha256(new byte[] {1});
  private static final Fingerprint LEAF = Fingerprint.sha256(new byte[] {2});
  private static final Fingerprint CA = Fingerprint.sha256(new byte[] {3});
  private static final AccessSpec GROUP = new AccessSpec(Optional.empty(), Optional.of("ssl-cert"), Optional.empty());

  @Test
  void testHoldsPrivateKey_goesByContentNotByName() {
    assertThat(output("haproxy.crt", new OutputFormat.CombinedPem(Optional.empty())).holdsPrivateKey("haproxy.crt")).isTrue();
    assertThat(output("server.jks", new OutputFormat.Jks("server")).holdsPrivateKey("server.jks")).isTrue();
    assertThat(output("cert.key", new OutputFormat.Der(OutputFormat.CertificateChoice.SERVER)).holdsPrivateKey("cert.key")).isFalse();
  }

  @Test
  void testCombinedPemWithKeyFile_writesTwoFilesOnlyTheKeyFileSecret() {
    OutputSpec pem = output("haproxy.pem", new OutputFormat.CombinedPem(Optional.of("haproxy.pem.key")));

    assertThat(pem.fileNames()).containsExactly("haproxy.pem", "haproxy.pem.key");
    assertThat(pem.holdsPrivateKey("haproxy.pem")).isFalse();
    assertThat(pem.holdsPrivateKey("haproxy.pem.key")).isTrue();
    assertThat(pem.access("haproxy.pem", GROUP)).isEqualTo(FileAccess.own(FileMode.PUBLIC));
    assertThat(pem.access("haproxy.pem.key", GROUP)).hasToString("0640 -:ssl-cert");
    assertThatThrownBy(() -> pem.holdsPrivateKey("other")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testExpectedFacts_perFormat() {
    List<Fingerprint> chain = List.of(LEAF, CA);

    assertThat(facts(new OutputFormat.CombinedPem(Optional.empty()), chain))
        .isEqualTo(new OutputFacts(Optional.of(KEY), chain, Optional.empty(), Optional.of(KeyEncoding.PKCS8), false, Optional.empty()));
    assertThat(facts(new OutputFormat.Key(KeyEncoding.SEC1, false), chain))
        .isEqualTo(new OutputFacts(Optional.of(KEY), List.of(), Optional.empty(), Optional.of(KeyEncoding.SEC1), false, Optional.empty()));
    assertThat(facts(new OutputFormat.Pkcs12("portal", true, Optional.empty()), chain).profile()).contains(Pkcs12Profile.LEGACY);
    assertThat(facts(new OutputFormat.Pkcs12("portal", false, Optional.empty()), chain))
        .isEqualTo(new OutputFacts(Optional.of(KEY), chain, Optional.of("portal"), Optional.empty(), false, Optional.of(Pkcs12Profile.MODERN)));
    assertThat(facts(new OutputFormat.Jks("portal"), chain).passwordProtected()).isTrue();
    assertThat(facts(new OutputFormat.Der(OutputFormat.CertificateChoice.CA), chain).certificates()).containsExactly(CA);
    assertThat(facts(new OutputFormat.Der(OutputFormat.CertificateChoice.SERVER), chain).publicKey()).isEmpty();
  }

  private static OutputFacts facts(OutputFormat format, List<Fingerprint> chain) {
    return output("out", format).expectedFacts(KEY, chain, CA, Pkcs12Profile.LEGACY);
  }

  private static OutputSpec output(String file, OutputFormat format) {
    return new OutputSpec(file, format, AccessSpec.NONE, List.of(), new SourcePosition(Path.of("host.yaml"), 1, 1));
  }
}
