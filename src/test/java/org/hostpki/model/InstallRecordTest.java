package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The install record, install targets and entry names. */
@Execution(ExecutionMode.CONCURRENT)
class InstallRecordTest {
  private static final Fingerprint A = new Fingerprint("a".repeat(64));
  private static final Fingerprint B = new Fingerprint("b".repeat(64));
  private static final InstallTarget NSS = InstallTarget.nss(Path.of("/home/app/.pki/nssdb"));

  @Test
  void testIntending_keepsEveryNameThatMayBeThere() {
    InstallRecord before = InstallRecord.empty().with(NSS, new TreeMap<>(Map.of("ca", A, "ca-next", B)), Optional.empty());

    InstallRecord intent = before.intending(NSS, new TreeMap<>(Map.of("ca", B, "ca-previous", A)), Optional.empty());

    assertThat(intent.installed(NSS).orElseThrow().entries())
        .containsExactly(Map.entry("ca", B), Map.entry("ca-next", B), Map.entry("ca-previous", A));
  }

  @Test
  void testFailed_keepsItsTimesToTheSecondAsTheOtherRecords() {
    java.time.Instant first = java.time.Instant.parse("2026-12-07T15:21:14.753001593Z");

    InstallRecord.Failure f = InstallRecord.empty().failed(NSS, first, java.util.List.of("install/nss:…: locked"))
        .failed(NSS, first.plusSeconds(60), java.util.List.of("install/nss:…: locked")).failure(NSS).orElseThrow();

    assertThat(f.since()).hasToString("2026-12-07T15:21:14Z");
    assertThat(f.at()).hasToString("2026-12-07T15:22:14Z");
    assertThat(f.attempts()).isEqualTo(2);
  }

  @Test
  void testWith_anEmptiedTargetLeavesTheRecord() {
    InstallRecord record = InstallRecord.empty().with(NSS, new TreeMap<>(Map.of("ca", A)), Optional.empty());

    assertThat(record.with(NSS, new TreeMap<>(), Optional.empty()).targets()).isEmpty();
  }

  @Test
  void testAddress_roundTripsAndNamesEntries() {
    InstallTarget java = InstallTarget.java(Path.of("/opt/app/jre/lib/security/cacerts"));

    assertThat(java.address()).isEqualTo("java:/opt/app/jre/lib/security/cacerts");
    assertThat(NSS.entryAddress("web-1a2b3c4d-ca")).isEqualTo("install/nss:/home/app/.pki/nssdb/hostpki-web-1a2b3c4d-ca");
    assertThat(InstallTarget.system().entryAddress("trust-ldap")).isEqualTo("install/system/hostpki-trust-ldap");
    for (InstallTarget t : new InstallTarget[] {InstallTarget.system(), java, NSS}) {
      assertThat(InstallTarget.fromAddress(t.address(), FileSystems.getDefault())).contains(t);
    }
    assertThat(InstallTarget.fromAddress("nss:relative/db", FileSystems.getDefault())).isEmpty();
    assertThat(InstallTarget.fromAddress("nss:/a/../b", FileSystems.getDefault())).isEmpty();
  }

  @Test
  void testEntryNames_lowerCaseWithTheTrustPrefix() {
    assertThat(InstallEntryNames.trusted("LDAP.example")).isEqualTo("trust-ldap.example");
    assertThat(InstallEntryNames.isValid("ca-next")).isTrue();
    assertThat(InstallEntryNames.isValid("Ca")).isFalse();
    assertThat(InstallEntryNames.isValid("-ca")).isFalse();
    assertThat(InstallEntryNames.isValid("a/b")).isFalse();
    assertThatThrownBy(() -> InstallEntryNames.require("x y")).isInstanceOf(IllegalArgumentException.class);
  }
}
