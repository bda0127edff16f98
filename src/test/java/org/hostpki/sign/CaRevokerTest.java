package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.ServerProfile;
import org.hostpki.model.Subject;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreLock;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.TestRequests;

class CaRevokerTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final Duration NO_WAIT = Duration.ZERO;

  @TempDir Path dir;

  private static CaRevoker revoker(Instant now) {
    return new CaRevoker(Clock.fixed(now, ZoneOffset.UTC), TestKeys.RANDOM);
  }

  private IssuedCertificate signed(CaHost host, String name) {
    return signedWith(host, name, TestKeys.freshEc());
  }

  private static CaRevoker.Target serial(IssuedCertificate issued) {
    return new CaRevoker.Target.Serial(issued.facts().serialNumber());
  }

  private StoreSnapshot read(CaHost host) {
    return new StoreDirectory(host.store(), Clock.systemUTC()).read();
  }

  private CrlFacts crl(CaHost host) throws Exception {
    return RevocationList.parse(read(host).file(Revocations.FILE).orElseThrow()).facts();
  }

  @Test
  void testRevoke_writesTheFirstCrlWithTheEntryInANewGeneration() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    SortedMap<String, byte[]> before = read(host).files();
    Instant at = NOW.plusSeconds(90);

    CaRevoker.Revoked revoked = revoker(at).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(revoked.changed()).isTrue();
    assertThat(revoked.alreadyRevoked()).isFalse();
    assertThat(revoked.serial()).isEqualTo(m1.serial());
    assertThat(revoked.subject()).contains("CN=m1.fleet.test");
    assertThat(read(host).generation()).isEqualTo(revoked.generation());
    CrlFacts crl = crl(host);
    assertThat(crl.number()).as("thisUpdate in nanoseconds, as Boulder numbers CRLs").contains(number(at));
    assertThat(crl.thisUpdate()).as("set back an hour, for members whose clock is behind").isEqualTo(at.minus(Duration.ofHours(1)));
    assertThat(crl.nextUpdate()).contains(at.plus(Duration.ofDays(7)));
    assertThat(crl.revoked())
        .containsExactly(new RevokedCertificate(m1.facts().serialNumber(), at, RevocationReason.KEY_COMPROMISE));
    assertThat(RevocationList.parse(read(host).file(Revocations.FILE).orElseThrow()).isSignedBy(host.ca)).isTrue();
    SortedMap<String, byte[]> after = read(host).files();
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    assertThat(after.keySet()).hasSize(before.size() + 1).contains(Revocations.FILE);
  }

  /**
   * A keyCompromise revoke names the other valid certificates issued for the same key, each with
   * the revoke that ends it, and revokes none unasked (rvfinal15: they went unmentioned, while
   * whoever holds the leaked key can still use them); another reason says nothing of them.
   */
  @Test
  void testRevoke_keyCompromiseNamesTheOtherValidCertificatesOfTheSameKey() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    KeyMaterial leaked = TestKeys.freshEc();
    IssuedCertificate web = signedWith(host, "web", leaked);
    IssuedCertificate api = signedWith(host, "api", leaked);
    IssuedCertificate other = signed(host, "other");

    CaRevoker.Revoked superseded =
        revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(web), RevocationReason.SUPERSEDED, NO_WAIT);
    CaRevoker.Revoked compromised =
        revoker(NOW.plusSeconds(90)).revoke(host.desired, serial(api), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(superseded.notes()).noneMatch(n -> n.contains("same key"));
    assertThat(compromised.notes()).noneMatch(n -> n.contains(web.serial()) || n.contains(other.serial()));
    IssuedCertificate third = signedWith(host, "third", TestKeys.freshEc());
    assertThat(crl(host).revoked()).hasSize(2);

    KeyMaterial again = TestKeys.freshEc();
    IssuedCertificate a = signedWith(host, "a", again);
    IssuedCertificate b = signedWith(host, "b", again);
    CaRevoker.Revoked named =
        revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(a), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(named.notes()).containsExactly(
        "certificate " + b.serial() + " (CN=b.fleet.test, valid until " + DateText.of(b.facts().notAfter()) + ", "
            + b.fileName() + ") has the same key and is not revoked: whoever holds the leaked key can still use it;"
            + " revoke it too: hostpki revoke -f " + host.desired.source() + " --serial " + b.serial()
            + " --reason keyCompromise");
    assertThat(crl(host).revoked()).extracting(RevokedCertificate::serial)
        .doesNotContain(b.facts().serialNumber(), third.facts().serialNumber());
    assertThat(revoker(NOW.plusSeconds(150)).check(host.desired, serial(a), Optional.empty()).notes())
        .as("a repeated revoke without a reason names it again").hasSize(1);
  }

  /**
   * A repeat keyCompromise revoke of a certificate the previous CA's last CRL revokes names the
   * other valid certificates of the same key too (rvsec16: the previous CA's early return skipped
   * the note), the previous CA's without a revoke command (its CRL can be written no more).
   */
  @Test
  void testRevoke_aRepeatRevokeOfThePreviousCasCertificateNamesTheSameKeysOthers() throws Exception {
    CaHost host = CaHost.withCa(dir, CaHost.POLICY + "  rotation: {overlap: 7d}\n").applied(NOW);
    KeyMaterial leaked = TestKeys.freshEc();
    IssuedCertificate a = signedWith(host, "a", leaked);
    IssuedCertificate b = signedWith(host, "b", leaked);
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(a), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    host.rotated(NOW.plusSeconds(90));
    SortedMap<String, org.hostpki.store.StoreFile> files = new java.util.TreeMap<>();
    read(host).files().forEach((name, bytes) -> files.put(
        name.equals(Revocations.FILE) ? StoreLayout.CA_PREVIOUS_CRL : name,
        new org.hostpki.store.StoreFile(bytes, StoreLayout.standard().kindOf(name))));
    new org.hostpki.store.StoreDirectory(host.store(), Clock.fixed(NOW.plusSeconds(100), ZoneOffset.UTC))
        .write(files, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    CaRevoker.Revoked again =
        revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(a), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(again.changed()).isFalse();
    assertThat(again.notes()).anyMatch(n -> n.contains("whose last CRL (" + StoreLayout.CA_PREVIOUS_CRL + ") revokes it"));
    assertThat(again.notes()).anyMatch(n -> n.startsWith("certificate " + b.serial() + " (CN=b.fleet.test")
        && n.contains("has the same key and is not revoked") && n.contains("its CA signs for this store no more"));
  }

  private IssuedCertificate signedWith(CaHost host, String name, KeyMaterial key) {
    SignRequest request =
        SignRequest.read(dir.resolve(name + ".csr"), TestRequests.pem(key, List.of(name + ".fleet.test"), List.of()));
    return new CaSigner(Clock.fixed(NOW, ZoneOffset.UTC), TestKeys.RANDOM)
        .sign(host.desired, request, Optional.empty(), NO_WAIT)
        .issued();
  }

  /** A revoke waiting behind the timer's apply says whom for, as sign, apply, rollback and watch do. */
  @Test
  void testRevoke_waitingForTheLockSaysWhomFor() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    List<String> told = new ArrayList<>();

    try (StoreLock held = StoreLock.acquire(host.store(), Duration.ZERO, "hostpki apply")) {
      assertThatThrownBy(
              () -> revoker(NOW.plusSeconds(60)).tellingWaits(told::add)
                  .revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, Duration.ofSeconds(1)))
          .isInstanceOf(HostpkiException.class)
          .hasMessageContaining("(waited 1s)");
    }
    assertThat(told).singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("waiting up to 1s for store ")
        .contains(", locked by pid " + ProcessHandle.current().pid() + " (hostpki apply, since ");
  }

  @Test
  void testRevoke_aClockBeforeTheReleaseWritesNoCrl() {
    CaHost host = CaHost.withPolicy(dir).applied(Instant.parse("2025-06-01T00:00:00Z"));
    IssuedCertificate m1 = signed(host, "m1");
    SortedMap<String, byte[]> before = read(host).files();

    assertThatThrownBy(
            () -> revoker(Instant.parse("2025-12-31T23:00:00Z")).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("the clock is behind: now is 2025-12-31 23:00:00 UTC")
        .hasMessageContaining("Nothing was revoked: a CRL written now would be dated then");
    assertThat(read(host).files()).containsOnlyKeys(before.keySet()).doesNotContainKey(Revocations.FILE);
  }

  @Test
  void testRevoke_aValidCertificateOfAReplacedCaNeverRevoked_isRefusedWithTheCaToRemove_andChangesNothing() {
    // How it was found: after --replace ca this "revoked" a member of the old CA on the new CA's
    // CRL, where no client looks for it; then (fcrl14) it exited 0 "no effect", though clients
    // that trust the old CA by hand accept the certificate until its end (rvcore14): refused.
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    host.caReplaced(NOW.plusSeconds(60));
    SortedMap<String, byte[]> before = read(host).files();

    assertThatThrownBy(() -> revoker(NOW.plusSeconds(120))
            .revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("serial " + m1.serial() + " (CN=m1.fleet.test) was signed by CN=")
        .hasMessageContaining("and it was never revoked")
        .hasMessageContaining("accept this certificate until it expires on")
        .hasMessageEndingWith("Nothing was changed");
    assertThat(read(host).files()).containsOnlyKeys(before.keySet()).doesNotContainKey(Revocations.FILE);

    CaRevoker.Revoked expired = revoker(m1.facts().notAfter().plusSeconds(1))
        .revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    assertThat(expired.standing()).isEqualTo(CaRevoker.Standing.ISSUER_GONE);
    assertThat(expired.changed()).isFalse();
    assertThat(expired.alreadyRevoked()).isFalse();
    assertThat(expired.notes()).singleElement().asString().contains("expired on").contains("every client refuses it");
  }

  @Test
  void testRevoke_aCertificateRevokedBeforeItsCaWasReplaced_isAlreadyRevoked() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    revoker(NOW.plusSeconds(30)).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    host.caReplaced(NOW.plusSeconds(60));

    CaRevoker.Revoked again =
        revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(m1), Optional.empty(), NO_WAIT);

    assertThat(again.standing()).isEqualTo(CaRevoker.Standing.REVOKED_BEFORE_ITS_CA_LEFT);
    assertThat(again.changed()).isFalse();
    assertThat(again.alreadyRevoked()).isTrue();
    assertThat(again.entry().reason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(again.entry().revocationDate()).isEqualTo(NOW.plusSeconds(30));
  }

  /**
   * Found in review: a revocation the record lacks (made by a build before it, or cut short by a
   * crash after its commit) was answered from the kept generations' CRLs only, and once those were
   * pruned the certificate was refused as never revoked. A revoke a CRL answers now adds what that
   * CRL lists to the record.
   */
  @Test
  void testRevoke_aRevocationTheRecordLacksIsKeptOnceACrlAnswersIt_andOutlivesThePrunedGenerations() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    revoker(NOW.plusSeconds(30)).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    java.nio.file.Files.delete(host.store().resolve(".crl/revoked")); // as a build before the record left it
    host.caReplaced(NOW.plusSeconds(60));
    IssuedCertificate m2 = signed(host, "m2");
    revoker(NOW.plusSeconds(80)).revoke(host.desired, serial(m2), RevocationReason.KEY_COMPROMISE, NO_WAIT); // the new CA's ca.crl
    revoker(NOW.plusSeconds(90)).revoke(host.desired, serial(m1), Optional.empty(), NO_WAIT); // a kept CRL answers
    for (int i = 0; i < 6; i++) {
      signed(host, "n" + i); // each sign a generation: those holding the old CA's CRLs are pruned
    }

    CaRevoker.Revoked again =
        revoker(NOW.plusSeconds(300)).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(again.standing()).isEqualTo(CaRevoker.Standing.REVOKED_BEFORE_ITS_CA_LEFT);
    assertThat(again.changed()).isFalse();
    assertThat(again.entry().revocationDate()).isEqualTo(NOW.plusSeconds(30));
  }

  /**
   * During a rotation's last overlap the previous CA is still trusted but its key is gone: the
   * refusal says how to end that trust early, and which other hosts need new certificates first.
   */
  @Test
  void testRevoke_aCertificateOfThePreviousCaSaysHowToEndItsTrustEarly() {
    CaHost host = CaHost.withCa(dir, CaHost.POLICY + "  rotation: {overlap: 7d}\n").applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    IssuedCertificate m2 = signed(host, "m2");
    host.rotated(NOW.plusSeconds(60));
    SortedMap<String, byte[]> before = read(host).files();
    String until = DateText.of(host.ca.facts().madeAt().plus(Duration.ofDays(14)));
    String source = dir.resolve("ca.yaml").toString();

    for (CaRevoker.Target target :
        List.of(serial(m1), new CaRevoker.Target.Given(dir.resolve("m1.crt"), m1.certificate()))) {
      assertThatThrownBy(() -> revoker(NOW.plusSeconds(120)).revoke(host.desired, target, RevocationReason.KEY_COMPROMISE, NO_WAIT))
          .isInstanceOf(HostpkiException.class)
          .hasMessageContaining(
              "(CN=m1.fleet.test) was signed by the previous CA CN=Fleet CA (ca-previous.crt), which the CA"
                  + " rotation keeps trusted until " + until + " but whose key this store no longer holds")
          .hasMessageContaining(
              "Nothing was revoked. To have clients refuse it now, end the previous CA's trust early: first"
                  + " have the hosts of its 1 other valid certificate(s) (" + m2.serial() + ") signed anew")
          .hasMessageContaining(
              "remove ca.rotation.overlap from " + source + " and run hostpki apply -f " + source);
    }
    assertThat(read(host).files()).containsOnlyKeys(before.keySet()).doesNotContainKey(Revocations.FILE);
  }

  @Test
  void testRevoke_eachCrlGetsTheNextNumberAndKeepsTheEarlierEntries() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    IssuedCertificate m2 = signed(host, "m2");
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.SUPERSEDED, NO_WAIT);

    revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(m2), RevocationReason.UNSPECIFIED, NO_WAIT);

    CrlFacts crl = crl(host);
    assertThat(crl.number()).contains(number(NOW.plusSeconds(120)));
    assertThat(crl.revoked())
        .extracting(RevokedCertificate::serial, RevokedCertificate::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(m1.facts().serialNumber(), RevocationReason.SUPERSEDED),
            org.assertj.core.groups.Tuple.tuple(m2.facts().serialNumber(), RevocationReason.UNSPECIFIED));
  }

  @Test
  void testRevoke_theSameRevocationAgainChangesNothing() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    String generation = read(host).generation().orElseThrow();

    CaRevoker.Revoked again =
        revoker(NOW.plus(Duration.ofDays(2))).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(again.changed()).isFalse();
    assertThat(again.alreadyRevoked()).isTrue();
    assertThat(again.entry().revocationDate()).isEqualTo(NOW.plusSeconds(60));
    assertThat(again.generation()).isEmpty();
    assertThat(read(host).generation()).contains(generation);
  }

  @Test
  void testRevoke_theSameRevocationAgainRenewsACrlDueForRenewal() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    Instant due = NOW.plusSeconds(60).plus(Duration.ofDays(5)); // 2 of 7 days left: less than a third

    CaRevoker.Revoked again = revoker(due).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(again.crlRenewed()).isTrue();
    CrlFacts crl = crl(host);
    assertThat(crl.number()).contains(number(due));
    assertThat(crl.thisUpdate()).isEqualTo(due.minus(Duration.ofHours(1)));
    assertThat(crl.revoked()).singleElement().extracting(RevokedCertificate::revocationDate).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void testRevoke_anotherReasonForARevokedCertificateIsRefused() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.SUPERSEDED, NO_WAIT);
    String generation = read(host).generation().orElseThrow();

    assertThatThrownBy(
            () -> revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(m1), RevocationReason.CESSATION_OF_OPERATION, NO_WAIT))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "serial " + m1.serial() + " (CN=m1.fleet.test) was revoked on 2026-11-27 08:01 UTC for superseded;"
                + " revoking it again for cessationOfOperation is refused: a revocation is final and hostpki does"
                + " not rewrite its reason, except to keyCompromise when the key is found to have leaked (leave"
                + " the reason out to repeat the revocation as it stands). Nothing was changed");
    assertThat(read(host).generation()).contains(generation);
  }

  @Test
  void testRevoke_anUnknownSerialIsAClearErrorAndWritesNothing() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    signed(host, "m1");
    String generation = read(host).generation().orElseThrow();

    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Serial(BigInteger.valueOf(0xABCD)), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessageStartingWith(
            "serial ABCD is not a certificate this CA issued: there is no issued/ABCD.crt in " + host.store())
        .hasMessageContaining("--cert FILE");
    assertThat(read(host).generation()).contains(generation);
  }

  @Test
  void testRevoke_theCaItselfIsRefused() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);

    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Given(dir.resolve("ca.crt"), host.ca), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessageContaining("is the CA certificate itself");
    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Serial(host.ca.facts().serialNumber()), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessageContaining("is the CA certificate itself");
  }

  @Test
  void testRevoke_aCertificateOfAnotherCaIsRefused() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    Certificate foreign = foreignLeaf("Other CA");
    Certificate sameName = foreignLeaf("Fleet CA");

    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Given(dir.resolve("x.pem"), foreign), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessage(
            dir.resolve("x.pem") + " (CN=x.fleet.test) was not issued by this CA (CN=Fleet CA): its issuer is"
                + " CN=Other CA; nothing was revoked. hostpki revokes only what the CA of " + host.store() + " signed");
    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Given(dir.resolve("y.pem"), sameName), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessage(
            dir.resolve("y.pem") + " (CN=x.fleet.test) was not issued by this CA (CN=Fleet CA): it names this CA as"
                + " its issuer, but its signature does not verify with this CA's key (another CA of the same name, or a"
                + " forged certificate); nothing was revoked. hostpki revokes only what the CA of " + host.store() + " signed");
  }

  @Test
  void testRevoke_aCertificateOfThisCaMissingFromTheRecordIsRecordedAndRevoked() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    Certificate unrecorded =
        new CertificateIssuer(TestKeys.RANDOM)
            .server(
                new ServerProfile(Subject.empty(), List.of("lost.fleet.test"), List.of(), Duration.ofDays(30), false),
                TestKeys.freshEc(), host.ca, host.caKey, NOW);
    IssuedCertificate record = IssuedCertificate.of(unrecorded);

    CaRevoker.Revoked revoked =
        revoker(NOW.plusSeconds(60))
            .revoke(host.desired, new CaRevoker.Target.Given(dir.resolve("lost.pem"), unrecorded), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    assertThat(revoked.notes()).singleElement().asString().contains("it is recorded now as " + record.fileName());
    assertThat(read(host).file(record.fileName())).isPresent();
    assertThat(crl(host).entry(unrecorded.facts().serialNumber())).isPresent();
  }

  @Test
  void testRevoke_aCrlOfAReplacedCaIsNotCarriedIntoTheNewCasCrlButNumbersKeepRising() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    revoker(NOW.plusSeconds(30)).revoke(host.desired, serial(signed(host, "m1")), RevocationReason.SUPERSEDED, NO_WAIT);
    host.caReplaced(NOW.plusSeconds(60));
    IssuedCertificate m2 = signed(host, "m2");

    CaRevoker.Revoked revoked =
        revoker(NOW.plusSeconds(90)).revoke(host.desired, serial(m2), RevocationReason.SUPERSEDED, NO_WAIT);

    assertThat(revoked.notes()).anySatisfy(n -> assertThat(n).contains("was issued by another CA"));
    CrlFacts crl = crl(host);
    assertThat(crl.revoked()).extracting(RevokedCertificate::serial).containsExactly(m2.facts().serialNumber());
    assertThat(crl.number()).contains(number(NOW.plusSeconds(90)));
  }

  @Test
  void testRevoke_afterARollbackTheNumberStillRises() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    IssuedCertificate m2 = signed(host, "m2");
    StoreDirectory store = new StoreDirectory(host.store(), Clock.systemUTC());
    String beforeRevocations = store.read().generation().orElseThrow();
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.SUPERSEDED, NO_WAIT);
    revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(m2), RevocationReason.SUPERSEDED, NO_WAIT);
    store.activate(beforeRevocations);
    // Found by a trial: once later writes pruned the generations holding CRLs 1 and 2, the next
    // revoke issued number 1 again, which clients holding number 2 take for an older CRL.
    for (int i = 0; i < StoreDirectory.KEPT_GENERATIONS; i++) {
      signed(host, "later" + i);
    }
    assertThat(store.keptFiles(Revocations.FILE)).isEmpty();

    // A clock behind the lost CRLs' thisUpdate: the record alone keeps the number rising.
    revoker(NOW.plusSeconds(100)).revoke(host.desired, serial(m2), RevocationReason.KEY_COMPROMISE, NO_WAIT);

    BigInteger third = number(NOW.plusSeconds(120)).add(BigInteger.ONE);
    assertThat(crl(host).number()).as("never a number published before with other content").contains(third);
    assertThat(Files.readString(host.store().resolve(".crl/number"))).isEqualTo(third + "\n");
  }

  @Test
  void testRevoke_afterTheWholeStoreWentBackTheNumberStillRises() throws Exception {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    IssuedCertificate m2 = signed(host, "m2");
    IssuedCertificate m3 = signed(host, "m3");
    revoker(NOW.plusSeconds(60)).revoke(host.desired, serial(m1), RevocationReason.SUPERSEDED, NO_WAIT);
    Path snapshot = dir.resolve("snapshot");
    copy(host.store(), snapshot);
    revoker(NOW.plusSeconds(120)).revoke(host.desired, serial(m2), RevocationReason.SUPERSEDED, NO_WAIT);
    BigInteger published = crl(host).number().orElseThrow();
    // Found by a trial: a VM snapshot reverted takes .crl/number back with the generations, and
    // the next CRL took the number of the one published with m2 on it.
    removeAll(host.store());
    copy(snapshot, host.store());

    revoker(NOW.plusSeconds(180)).revoke(host.desired, serial(m3), RevocationReason.SUPERSEDED, NO_WAIT);

    assertThat(crl(host).number().orElseThrow()).as("above the CRL lost with the revert").isGreaterThan(published);
    assertThat(crl(host).number()).contains(number(NOW.plusSeconds(180)));
  }

  private static BigInteger number(Instant thisUpdate) {
    return BigInteger.valueOf(thisUpdate.getEpochSecond()).multiply(BigInteger.valueOf(1_000_000_000L));
  }

  /** {@code cp -a}, as a snapshot or a backup copies a store: links, modes and times kept. */
  private static void copy(Path from, Path to) throws Exception {
    Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
    assertThat(cp.waitFor()).isZero();
  }

  private static void removeAll(Path folder) throws Exception {
    Process rm = new ProcessBuilder("rm", "-rf", folder.toString()).inheritIO().start();
    assertThat(rm.waitFor()).isZero();
  }

  @Test
  void testCheck_saysWhatWouldHappenAndWritesNothing() {
    CaHost host = CaHost.withPolicy(dir).applied(NOW);
    IssuedCertificate m1 = signed(host, "m1");
    String generation = read(host).generation().orElseThrow();

    CaRevoker.Revoked wouldRevoke = revoker(NOW).check(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE);

    assertThat(wouldRevoke.changed()).isTrue();
    assertThat(wouldRevoke.alreadyRevoked()).isFalse();
    assertThat(wouldRevoke.crl()).isEmpty();
    assertThat(read(host).generation()).contains(generation);
    revoker(NOW).revoke(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE, NO_WAIT);
    CaRevoker.Revoked done = revoker(NOW).check(host.desired, serial(m1), RevocationReason.KEY_COMPROMISE);
    assertThat(done.changed()).isFalse();
    assertThat(done.crl()).isPresent();
  }

  @Test
  void testRevoke_withoutACaTellsToApplyFirst() {
    CaHost host = CaHost.withPolicy(dir);

    assertThatThrownBy(
            () -> revoker(NOW).revoke(host.desired, new CaRevoker.Target.Serial(BigInteger.ONE), RevocationReason.UNSPECIFIED, NO_WAIT))
        .hasMessage(
            "store " + host.store() + " holds no CA yet (no ca.crt); run hostpki apply -f " + host.desired.source()
                + " first, then revoke");
    assertThat(host.store()).doesNotExist();
  }

  @Test
  void testParseSerial_acceptsTheFormsPeopleCopy() {
    BigInteger expected = new BigInteger("0A1B2C", 16);
    for (String form : List.of("0A1B2C", "a1b2c", "0x0a1b2c", "0a:1b:2c", "serial=0A1B2C", " 0A1B2C\n")) {
      assertThat(CaRevoker.parseSerial(form)).as(form).contains(expected);
    }
    for (String bad : List.of("", "xyz", "12-34", "0x", "1".repeat(43))) {
      assertThat(CaRevoker.parseSerial(bad)).as(bad).isEmpty();
    }
  }

  private static Certificate foreignLeaf(String caName) {
    KeyMaterial otherKey = TestKeys.freshEc();
    Certificate other =
        new CertificateIssuer(TestKeys.RANDOM).selfSignedCa(Subject.commonName(caName), otherKey, NOW, Duration.ofDays(30));
    return new CertificateIssuer(TestKeys.RANDOM)
        .server(
            new ServerProfile(Subject.empty(), List.of("x.fleet.test"), List.of(), Duration.ofDays(30), false),
            TestKeys.freshEc(), other, otherKey, NOW);
  }
}
