package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.Fingerprint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.ToolCertificates;

class ChainJsonTest {
  @TempDir static Path dir;
  private static DeviceChain device;
  private static Instant halfADayIn;

  @BeforeAll
  static void makeCertificates() {
    device = DeviceChain.make(dir);
    halfADayIn = device.halfADayIn();
  }

  private static JsonNode render(Endpoint endpoint, Optional<String> problem, Instant now) throws UnknownHostException {
    PresentedChain chain = device.presented(endpoint, "::1", problem);
    return OutputSchemas.valid("fetch-cert.schema.json", ChainJson.render(chain, now));
  }

  @Test
  void testRender_endpointAndHandshake() throws UnknownHostException {
    JsonNode json = render(Endpoint.parse("[::1]:8443"), Optional.empty(), halfADayIn);

    assertThat(json.get("format_version").asString()).isEqualTo(ChainJson.FORMAT_VERSION);
    assertThat(json.get("endpoint").asString()).isEqualTo("[::1]:8443");
    assertThat(json.get("host").asString()).isEqualTo("::1");
    assertThat(json.get("port").asInt()).isEqualTo(8443);
    assertThat(json.get("address").asString()).isEqualTo("::1");
    assertThat(json.get("server_name").isNull()).isTrue();
    assertThat(json.get("protocol").asString()).isEqualTo("TLSv1.3");
    assertThat(json.get("cipher_suite").asString()).isEqualTo("TLS_AES_128_GCM_SHA256");
    assertThat(json.get("handshake_complete").asBoolean()).isTrue();
    assertThat(json.get("handshake_problem").isNull()).isTrue();
  }

  @Test
  void testRender_certificatesLeafFirstWithOpensslFingerprintsInLowerCaseHex() throws UnknownHostException {
    JsonNode certificates = render(Endpoint.parse("device.test:8443"), Optional.empty(), halfADayIn).get("certificates");

    assertThat(certificates).hasSize(2);
    assertThat(certificates.get(0).get("sha256").asString())
        .isEqualTo(ToolCertificates.opensslFingerprint(device.leaf().certificate()).replace(":", "").toLowerCase(Locale.ROOT));
    assertThat(certificates.get(1).get("sha256").asString())
        .isEqualTo(ToolCertificates.opensslFingerprint(device.ca().certificate()).replace(":", "").toLowerCase(Locale.ROOT));
  }

  @Test
  void testRender_certificateFields() throws UnknownHostException {
    JsonNode c = render(Endpoint.parse("device.test:8443"), Optional.empty(), halfADayIn).get("certificates").get(0);

    assertThat(c.get("position").asInt()).isZero();
    assertThat(c.get("role").asString()).isEqualTo("leaf");
    assertThat(c.get("subject").asString()).isEqualTo("CN=device.test");
    assertThat(c.get("issuer").asString()).isEqualTo("CN=Test Device CA,O=Example Corp");
    assertThat(c.get("not_before").asString()).isEqualTo(device.leaf().load().getNotBefore().toInstant().toString());
    assertThat(c.get("not_after").asString()).isEqualTo(device.leaf().load().getNotAfter().toInstant().toString());
    assertThat(c.get("validity").asString()).isEqualTo("valid");
    assertThat(c.get("days_left").asLong()).isEqualTo(29);
    assertThat(c.get("dns_names").toString()).isEqualTo("[\"device.test\"]");
    assertThat(c.get("ip_addresses").toString()).isEqualTo("[\"127.0.0.1\"]");
    assertThat(c.get("other_names")).isEmpty();
    assertThat(c.get("serial").asString())
        .isEqualTo(device.leaf().load().getSerialNumber().toString(16).toUpperCase(Locale.ROOT).replaceFirst("^(.(..)*)$", "0$1"));
    assertThat(c.get("key").get("algorithm").asString()).isEqualTo("EC");
    assertThat(c.get("key").get("bits").asInt()).isEqualTo(256);
    assertThat(c.get("key").get("curve").asString()).isEqualTo("P-256");
    assertThat(c.get("key").get("description").asString()).isEqualTo("EC P-256");
    assertThat(c.get("key").get("sha256").asString())
        .isEqualTo(Fingerprint.sha256(device.leaf().load().getPublicKey().getEncoded()).hex());
    assertThat(c.get("ca").asBoolean()).isFalse();
    assertThat(c.get("self_signed").asBoolean()).isFalse();
    assertThat(c.get("pem").asString()).isEqualTo(device.leaf().pem());
  }

  @Test
  void testRender_expiredIsNegativeDaysLeft() throws UnknownHostException {
    Instant later = device.leaf().load().getNotAfter().toInstant().plus(Duration.ofDays(5)).plusSeconds(60);

    JsonNode c = render(Endpoint.parse("device.test"), Optional.empty(), later).get("certificates").get(0);

    assertThat(c.get("validity").asString()).isEqualTo("expired");
    assertThat(c.get("days_left").asLong()).isEqualTo(-5);
  }

  @Test
  void testRender_incompleteHandshake() throws UnknownHostException {
    JsonNode json = render(Endpoint.parse("device.test"), Optional.of("the server closed the connection"), halfADayIn);

    assertThat(json.get("handshake_complete").asBoolean()).isFalse();
    assertThat(json.get("handshake_problem").asString()).isEqualTo("the server closed the connection");
    assertThat(json.get("protocol").isNull()).isTrue();
  }
}
