package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ToolCertificates;

class ChainTextTest {
  @TempDir static Path dir;
  private static DeviceChain device;
  private static Instant halfADayIn;

  @BeforeAll
  static void makeCertificates() {
    device = DeviceChain.make(dir);
    halfADayIn = device.halfADayIn();
  }

  private static PresentedChain chain(Endpoint endpoint, Optional<String> problem) throws UnknownHostException {
    return device.presented(endpoint, "127.0.0.1", problem);
  }

  @Test
  void testRender_everyCertificateWithWhatAnOperatorChecks() throws UnknownHostException {
    String text = ChainText.render(chain(Endpoint.of("device.test", 8443), Optional.empty()), halfADayIn);

    assertThat(text)
        .isEqualTo(
            "device.test:8443 (127.0.0.1) presented 2 certificates, leaf first"
                + " (TLSv1.3, TLS_AES_128_GCM_SHA256, SNI device.test):\n"
                + "\n"
                + "[0] leaf\n"
                + "    subject      CN=device.test\n"
                + "    issuer       CN=Test Device CA,O=Example Corp\n"
                + "    not before   " + device.leaf().load().getNotBefore().toInstant() + "\n"
                + "    not after    " + device.leaf().load().getNotAfter().toInstant() + " (29 days left)\n"
                + "    SANs         DNS:device.test, IP:127.0.0.1\n"
                + "    key          EC P-256\n"
                + "    self-signed  no\n"
                + "    SHA-256      " + ToolCertificates.opensslFingerprint(device.leaf().certificate()) + "\n"
                + "\n"
                + "[1] CA\n"
                + "    subject      CN=Test Device CA,O=Example Corp\n"
                + "    issuer       CN=Test Device CA,O=Example Corp\n"
                + "    not before   " + device.ca().load().getNotBefore().toInstant() + "\n"
                + "    not after    " + device.ca().load().getNotAfter().toInstant() + " (29 days left)\n"
                + "    SANs         none\n"
                + "    key          EC P-256\n"
                + "    self-signed  yes\n"
                + "    SHA-256      " + ToolCertificates.opensslFingerprint(device.ca().certificate()) + "\n"
                + "\n"
                + "Nothing was trusted. Before you trust this device, compare the leaf's SHA-256 with"
                + " the one its console, label or owner gives you.\n");
  }

  @Test
  void testRender_addressEndpointShowsNoSeparateAddressAndNoSni() throws UnknownHostException {
    String text = ChainText.render(chain(Endpoint.of("127.0.0.1", 8443), Optional.empty()), halfADayIn);

    assertThat(text).startsWith(
        "127.0.0.1:8443 presented 2 certificates, leaf first (TLSv1.3, TLS_AES_128_GCM_SHA256, no SNI):\n");
  }

  @Test
  void testRender_expiredCertificateSaysSo() throws UnknownHostException {
    Instant later = device.leaf().load().getNotAfter().toInstant().plus(Duration.ofDays(2)).plusSeconds(60);

    String text = ChainText.render(chain(Endpoint.of("device.test", 8443), Optional.empty()), later);

    assertThat(text).contains(device.leaf().load().getNotAfter().toInstant() + " (EXPIRED 2 days ago)\n");
  }

  @Test
  void testRender_notYetValidCertificateSaysSo() throws UnknownHostException {
    Instant earlier = device.leaf().load().getNotBefore().toInstant().minus(Duration.ofDays(1));

    String text = ChainText.render(chain(Endpoint.of("device.test", 8443), Optional.empty()), earlier);

    assertThat(text).contains(" (not yet valid)\n");
  }

  @Test
  void testRender_incompleteHandshakeIsShownAboveTheChain() throws UnknownHostException {
    String text =
        ChainText.render(
            chain(Endpoint.of("device.test", 8443), Optional.of("the server sent the alert 'bad_certificate'")),
            halfADayIn);

    assertThat(text)
        .startsWith(
            "device.test:8443 (127.0.0.1) presented 2 certificates, leaf first (SNI device.test):\n"
                + "The handshake did not complete: the server sent the alert 'bad_certificate'.\n"
                + "The certificates below arrived before it failed.\n");
  }
}
