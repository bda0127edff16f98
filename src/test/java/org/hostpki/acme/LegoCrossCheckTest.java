package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.ChainValidator;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Cross-check with an independent client: Debian's {@code lego} gets a certificate from a pebble
 * set up exactly as hostpki's tests set it up, and hostpki's chain checks accept what lego got, as
 * they accept what hostpki got. So the pebble the tests use behaves as clients in the field see it.
 */
@Tag(Tags.INTEROP)
class LegoCrossCheckTest {
  @TempDir Path dir;

  @Test
  void testLego_obtainsFromTheSamePebbleAndItsChainPassesChainValidator() throws Exception {
    Pebble.requireInstalled("lego");
    try (Pebble pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")))) {
      Path legoDir = dir.resolve("lego");
      ProcessBuilder lego =
          new ProcessBuilder(
                  "lego", "--server", pebble.directory().toString(), "--accept-tos", "--email", "ops@example.test",
                  "--path", legoDir.toString(), "--key-type", "ec256", "--domains", "lego.example.test", "--http",
                  "--http.port", "127.0.0.1:" + pebble.httpPort, "run")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("lego.log").toFile());
      lego.environment().put("LEGO_CA_CERTIFICATES", pebble.caBundle().toString());
      Process process = lego.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }

      assertThat(process.exitValue()).as(Files.readString(dir.resolve("lego.log"))).isZero();
      List<Certificate> chain =
          Pem.readCertificates(Files.readAllBytes(legoDir.resolve("certificates/lego.example.test.crt")));
      KeyMaterial key = KeyMaterial.fromPem(Files.readAllBytes(legoDir.resolve("certificates/lego.example.test.key")));
      assertThat(ChainValidator.check(chain, key.publicKey(), List.of("lego.example.test"), List.of(), Instant.now())
          .problems()).isEmpty();
      assertThat(chain).hasSize(3);
    }
  }
}
