package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store password outside printable ASCII: OpenSSL and NSS open {@code server.p12} with it, the
 * JDK does not ("Password is not ASCII", which keytool shows as "keystore password was
 * incorrect"), so a Java service given the file fails at start. The plan warns
 * ({@code pkcs12-password-java}); found by the texport10 trial with {@code keytool -list}. And a
 * file without a password, which NSS cannot import.
 */
class Pkcs12PasswordJavaTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);
  private static final String WARNING = "store.password holds a character outside printable ASCII";

  @TempDir Path dir;

  private CliResult apply(String password) throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", null);
    return Cli.in(dir).clock(CLOCK).env(Map.of("HOSTPKI_PASSWORD", password)).run("apply", "-f", "host.yaml");
  }

  @Test
  void testApply_aPasswordJavaCannotUseIsWarnedOfAndJavaIndeedRefusesIt() throws Exception {
    String password = "pässwörd";

    CliResult run = apply(password);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out() + run.err()).contains("warning: " + WARNING).contains("Java's KeyStore").doesNotContain(password);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("pki/server.p12"))) {
      assertThatThrownBy(() -> keyStore.load(in, password.toCharArray()))
          .as("the JDK opens a PKCS#12 file under a non-ASCII password: the warning is wrong")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void testApply_aPrintableAsciiPasswordIsNotWarnedOfAndJavaOpensTheFile() throws Exception {
    String password = "Correct horse: battery~staple!";

    CliResult run = apply(password);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(WARNING);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("pki/server.p12"))) {
      keyStore.load(in, password.toCharArray());
    }
    assertThat(keyStore.isKeyEntry("server")).isTrue();
  }

  /**
   * A {@code password: none} output has no MAC, and NSS's pk12util (Firefox's and Chromium's
   * import) refuses such a file ({@code SEC_ERROR_BAD_DER}; LiveTlsIT checks it): the warning said
   * only who may read it.
   */
  @Test
  void testValidate_aPasswordlessPkcs12OutputWarnsThatNssRefusesIt() throws IOException {
    Path file = ExternalSetup.write(dir, "192.0.2.10", null);
    Files.writeString(
        file, Files.readString(file) + "outputs:\n  - {format: pkcs12, file: open.p12, password: none}\n");

    CliResult run = Cli.in(dir).clock(CLOCK).env(Map.of("HOSTPKI_PASSWORD", "pw")).run("validate", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out() + run.err())
        .contains("'open.p12' has no password")
        .contains("NSS's pk12util, Firefox's and Chromium's import, refuses a PKCS#12 file without one");
  }
}
