package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.CertificatePool;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store's trust/ and trust-hashed/ files read on every core give the one-by-one result. */
class TrustFilesTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Path STORE = Path.of("/var/lib/hostpki");
  private static final int COUNT = 120; // above the size from which the work is split
  private static List<Certificate> certificates;

  @BeforeAll
  static void certificates() {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    certificates = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      certificates.add(
          new CertificateIssuer(RANDOM)
              .selfSignedCa(Subject.commonName("CA " + i), key, NOW, Duration.ofDays(400)));
    }
  }

  private static SortedMap<String, byte[]> files() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < COUNT; i++) {
      byte[] pem = certificates.get(i).pem().getBytes(StandardCharsets.US_ASCII);
      files.put(String.format("trust/c%03d.crt", i), pem);
      files.put(String.format("trust-hashed/%08x.0", i), pem);
    }
    files.put("trust-bundle.crt", Pem.certificates(certificates).getBytes(StandardCharsets.US_ASCII));
    return files;
  }

  private static TrustFiles read(SortedMap<String, byte[]> files) {
    StoreSnapshot snapshot =
        new StoreSnapshot(true, Optional.of("..2026_11_27_08_00_00.000000000"), files, StoreSnapshot.fingerprintOf(files));
    return TrustFiles.read(snapshot, new StoreObserver.Reader(snapshot, STORE, "env"), new CertificatePool());
  }

  @Test
  void testRead_givesWhatReadingTheFilesOneByOneGives() throws Exception {
    SortedMap<String, byte[]> files = files();

    TrustFiles read = read(files);

    assertThat(read.trusted()).hasSize(COUNT);
    assertThat(read.hashed()).hasSize(COUNT);
    for (int i = 0; i < COUNT; i++) {
      Certificate one = Pem.readCertificates(files.get(String.format("trust/c%03d.crt", i))).get(0);
      assertThat(read.trusted().get(String.format("c%03d", i))).isEqualTo(one);
      assertThat(read.trustedFacts().get(String.format("c%03d", i))).isEqualTo(one.facts());
      assertThat(read.hashed().get(String.format("%08x.0", i))).isEqualTo(one.fingerprint());
    }
  }

  @Test
  void testRead_firstDamagedTrustFileInNameOrderIsTheError() {
    SortedMap<String, byte[]> files = files();
    files.put("trust/c050.crt", "garbage\n".getBytes(StandardCharsets.US_ASCII));
    files.put("trust/c090.crt", new byte[] {0x30, 0x03, 0x02, 0x01});

    assertThatThrownBy(() -> read(files))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(STORE.resolve("trust/c050.crt") + ": holds no certificate");
  }

  @Test
  void testRead_damagedHashedFileSortsBeforeTheTrustFiles() {
    SortedMap<String, byte[]> files = files();
    files.put("trust/c005.crt", "garbage\n".getBytes(StandardCharsets.US_ASCII));
    files.put("trust-hashed/00000070.0", "more garbage\n".getBytes(StandardCharsets.US_ASCII));

    // trust-hashed/ sorts before trust/ ('-' before '/'), as the files are met one by one
    assertThatThrownBy(() -> read(files))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(STORE.resolve("trust-hashed/00000070.0") + ": holds no certificate");
  }

  @Test
  void testRead_hashedFileWithTwoCertificatesIsAnErrorEvenWhenBothAreKnown() {
    SortedMap<String, byte[]> files = files();
    files.put(
        "trust-hashed/00000003.0",
        Pem.certificates(certificates.subList(3, 5)).getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> read(files))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            STORE.resolve("trust-hashed/00000003.0")
                + ": holds 2 certificates; exactly one is expected");
  }
}
