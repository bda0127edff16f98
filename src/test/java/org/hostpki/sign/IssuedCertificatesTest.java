package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.FileKind;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.TestRequests;

class IssuedCertificatesTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir Path dir;

  private StoreSnapshot read(CaHost host) {
    return new StoreDirectory(host.store(), Clock.fixed(NOW, ZoneOffset.UTC)).read();
  }

  private CaSigner.Signed sign(CaHost host, Instant at, KeyMaterial key) {
    return new CaSigner(Clock.fixed(at, ZoneOffset.UTC), TestKeys.RANDOM)
        .sign(host.desired, SignRequest.read(dir.resolve("m1.csr"), TestRequests.pem(key, List.of("m1.fleet.test"), List.of())),
            Optional.empty(), Duration.ZERO);
  }

  @Test
  void testRead_aStoreWithoutRecordsHasNone() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);

    assertThat(IssuedCertificates.read(read(host), host.store())).isEmpty();
  }

  @Test
  void testRead_recordsComeOldestFirst() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    CaSigner.Signed first = sign(host, NOW.plus(Duration.ofDays(2)), TestKeys.freshEc());
    CaSigner.Signed second = sign(host, NOW.plus(Duration.ofDays(1)), TestKeys.freshEc());

    assertThat(IssuedCertificates.read(read(host), host.store()))
        .containsExactly(second.issued(), first.issued());
  }

  @Test
  void testRead_aDamagedRecordIsNamed() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    SortedMap<String, StoreFile> files = new TreeMap<>();
    read(host).files().forEach((n, b) -> files.put(n, new StoreFile(b, StoreLayout.standard().kindOf(n))));
    files.put("issued/0A.crt", new StoreFile("not a certificate\n".getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    new StoreDirectory(host.store(), Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC)).write(files, new byte[0]);

    assertThatThrownBy(() -> IssuedCertificates.read(read(host), host.store()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(host.store().resolve("issued/0A.crt") + ": holds no certificate")
        .hasMessageEndingWith(
            "the record of issued certificates is damaged: restore the file or delete it (that host"
                + " then gets a new certificate at its next sign)");
  }

  @Test
  void testReusable_notBeforeItsStartNorAfterRenewBefore() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed signed = sign(host, NOW, key);
    List<IssuedCertificate> issued = IssuedCertificates.read(read(host), host.store());
    SignRequest request = SignRequest.read(dir.resolve("m1.csr"), TestRequests.pem(key, List.of("m1.fleet.test"), List.of()));
    Duration renewBefore = Duration.ofDays(30);
    Instant start = signed.issued().facts().notBefore();
    Instant end = signed.issued().facts().notAfter();

    RenewBefore threshold = RenewBefore.of(renewBefore);

    assertThat(IssuedCertificates.reusable(issued, request, host.ca, start.minusSeconds(1), threshold, Percentage.ZERO)).isEmpty();
    assertThat(IssuedCertificates.reusable(issued, request, host.ca, start, threshold, Percentage.ZERO)).contains(signed.issued());
    assertThat(IssuedCertificates.reusable(issued, request, host.ca, end.minus(renewBefore), threshold, Percentage.ZERO)).isEmpty();
  }

  @Test
  void testReusable_aShareIsOfTheIssuedCertificatesLifetime() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed signed = sign(host, NOW, key);
    List<IssuedCertificate> issued = IssuedCertificates.read(read(host), host.store());
    SignRequest request = SignRequest.read(dir.resolve("m1.csr"), TestRequests.pem(key, List.of("m1.fleet.test"), List.of()));
    Instant start = signed.issued().facts().notBefore();
    Instant end = signed.issued().facts().notAfter();
    Instant twoThirds = start.plus(Duration.between(start, end).multipliedBy(2).dividedBy(3));
    RenewBefore third = RenewBefore.of(Percentage.of(33));

    assertThat(IssuedCertificates.reusable(issued, request, host.ca, twoThirds.minus(Duration.ofDays(2)), third, Percentage.ZERO))
        .contains(signed.issued());
    assertThat(IssuedCertificates.reusable(issued, request, host.ca, twoThirds.plus(Duration.ofDays(2)), third, Percentage.ZERO))
        .isEmpty();
  }

  @Test
  void testReusable_notWithinTheLargestJitterEither() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed signed = sign(host, NOW, key);
    List<IssuedCertificate> issued = IssuedCertificates.read(read(host), host.store());
    SignRequest request = SignRequest.read(dir.resolve("m1.csr"), TestRequests.pem(key, List.of("m1.fleet.test"), List.of()));
    Instant end = signed.issued().facts().notAfter();
    RenewBefore thirtyDays = RenewBefore.of(Duration.ofDays(30));
    Instant memberMayBeDue = end.minus(Duration.ofDays(32)); // within 30 days plus 10%

    assertThat(IssuedCertificates.reusable(issued, request, host.ca, memberMayBeDue, thirtyDays, Percentage.ZERO))
        .contains(signed.issued());
    assertThat(IssuedCertificates.reusable(issued, request, host.ca, memberMayBeDue, thirtyDays, Percentage.of(10)))
        .isEmpty();
  }

  @Test
  void testReusable_theLongestLastingOfSeveral() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    SignRequest request =
        SignRequest.read(dir.resolve("m1.csr"), TestRequests.pem(TestKeys.freshEc(), List.of("m1.fleet.test"), List.of()));
    CertificateIssuer issuer = new CertificateIssuer(TestKeys.RANDOM);
    IssuedCertificate shorter =
        IssuedCertificate.of(issuer.server(request.profile(Duration.ofDays(60)), request.publicKey(), host.ca, host.caKey, NOW));
    IssuedCertificate longer =
        IssuedCertificate.of(issuer.server(request.profile(Duration.ofDays(80)), request.publicKey(), host.ca, host.caKey, NOW));

    assertThat(IssuedCertificates.reusable(List.of(shorter, longer), request, host.ca, NOW, RenewBefore.of(Duration.ofDays(1)), Percentage.ZERO))
        .contains(longer);
    assertThat(IssuedCertificates.reusable(List.of(longer, shorter), request, host.ca, NOW, RenewBefore.of(Duration.ofDays(1)), Percentage.ZERO))
        .contains(longer);
  }

  /** The store's files as they are, for a test to change and write back as a new generation. */
  private SortedMap<String, StoreFile> files(CaHost host) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    read(host).files().forEach((n, b) -> files.put(n, new StoreFile(b, StoreLayout.standard().kindOf(n))));
    return files;
  }

  private void write(CaHost host, SortedMap<String, StoreFile> files) {
    new StoreDirectory(host.store(), Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC)).write(files, new byte[0]);
  }

  private String entry(CaHost host, IssuedCertificate record, org.hostpki.pki.SubjectPublicKey key) {
    byte[] file = read(host).file(record.fileName()).orElseThrow();
    return record.serial() + " " + Fingerprint.sha256(file).hex() + " " + key.keyFingerprint().hex();
  }

  @Test
  void testSign_indexesEveryRecordSoThatOnlyTheRequestsKeyIsRead() {
    // bench/fleet-sign.sh: every sign parsed every record (38% of its CPU at 1,000 records).
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed mine = sign(host, NOW, key);
    CaSigner.Signed other = sign(host, NOW, TestKeys.freshEc());

    String index = new String(read(host).file(IssuedIndex.FILE).orElseThrow(), StandardCharsets.UTF_8);
    assertThat(index.lines().findFirst()).contains("hostpki issued-index 1");
    assertThat(index.lines().skip(1))
        .containsExactlyInAnyOrder(
            entry(host, mine.issued(), key.publicKey()), entry(host, other.issued(), other.issued().certificate().publicKey()));
    assertThat(IssuedCertificates.forKey(read(host), host.store(), key.publicKey()).records()).containsExactly(mine.issued());
  }

  @Test
  void testForKey_aStoreFromBeforeTheIndexIsReadWholeAndIndexed() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed mine = sign(host, NOW, key);
    sign(host, NOW, TestKeys.freshEc());
    SortedMap<String, StoreFile> files = files(host);
    files.remove(IssuedIndex.FILE);
    write(host, files);

    IssuedCertificates.ForKey found = IssuedCertificates.forKey(read(host), host.store(), key.publicKey());

    assertThat(found.records()).containsExactly(mine.issued());
    assertThat(new String(found.index().format(), StandardCharsets.UTF_8).lines()).hasSize(3);
  }

  @Test
  void testForKey_anEntryWhoseRecordChangedSinceIsNotTrusted() {
    // The index says which key a record holds only for the bytes it was made from: a record
    // restored or replaced by hand is read, so a compromised key is never missed.
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    CaSigner.Signed first = sign(host, NOW, TestKeys.freshEc());
    KeyMaterial other = TestKeys.freshEc();
    CaSigner.Signed second = sign(host, NOW, other);
    SortedMap<String, StoreFile> files = files(host);
    files.put(first.issued().fileName(), files.remove(second.issued().fileName()));
    write(host, files);

    assertThat(IssuedCertificates.forKey(read(host), host.store(), other.publicKey()).records())
        .containsExactly(second.issued());
  }

  @Test
  void testForKey_aDamagedIndexIsIgnored() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial key = TestKeys.freshEc();
    CaSigner.Signed mine = sign(host, NOW, key);
    SortedMap<String, StoreFile> files = files(host);
    files.put(IssuedIndex.FILE, new StoreFile("hostpki issued-index 1\nzz 00 11\n".getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    write(host, files);

    assertThat(IssuedCertificates.forKey(read(host), host.store(), key.publicKey()).records()).containsExactly(mine.issued());
    assertThat(IssuedCertificates.read(read(host), host.store())).containsExactly(mine.issued());
  }
}
