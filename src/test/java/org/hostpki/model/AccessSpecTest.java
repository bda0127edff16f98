package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class AccessSpecTest {
  private static final AccessSpec SSL_CERT = new AccessSpec(Optional.empty(), Optional.of("ssl-cert"), Optional.empty());

  @Test
  void testResolve_keyWithoutDeclarationsIsOwnersOnly() {
    assertThat(AccessSpec.NONE.resolve(true, AccessSpec.NONE)).isEqualTo(FileAccess.own(FileMode.OWNER_ONLY));
  }

  @Test
  void testResolve_keyTakesTheStoreWideGroupAndBecomesGroupReadable() {
    FileAccess access = AccessSpec.NONE.resolve(true, SSL_CERT);

    assertThat(access).hasToString("0640 -:ssl-cert");
  }

  @Test
  void testResolve_ownSettingsWinPartByPart() {
    AccessSpec own = new AccessSpec(Optional.of("postgres"), Optional.empty(), Optional.of(FileMode.OWNER_ONLY));

    assertThat(own.resolve(true, SSL_CERT)).hasToString("0600 postgres:ssl-cert");
  }

  @Test
  void testResolve_certificateIgnoresTheStoreWideAccessForKeys() {
    assertThat(AccessSpec.NONE.resolve(false, SSL_CERT)).isEqualTo(FileAccess.own(FileMode.PUBLIC));
  }

  @Test
  void testLimit_keyNeverReadableByOthersCertificateNeverWritable() {
    assertThat(new FileMode(0640).within(AccessSpec.limit(true))).isTrue();
    assertThat(new FileMode(0644).within(AccessSpec.limit(true))).isFalse();
    assertThat(new FileMode(0660).within(AccessSpec.limit(true))).isFalse();
    assertThat(new FileMode(0644).within(AccessSpec.limit(false))).isTrue();
    assertThat(new FileMode(0664).within(AccessSpec.limit(false))).isFalse();
    assertThat(new FileMode(0744).beyond(AccessSpec.limit(false))).isEqualTo(new FileMode(0100));
  }

  @Test
  void testFileMode_parsesWhatChmodTakes() {
    assertThat(FileMode.parse("0640")).contains(new FileMode(0640));
    assertThat(FileMode.parse("600")).contains(FileMode.OWNER_ONLY);
    assertThat(FileMode.parse("0680")).isEmpty();
    assertThat(FileMode.parse("u=rw")).isEmpty();
    assertThat(FileMode.parse("4755")).isEmpty();
    assertThat(new FileMode(0400)).hasToString("0400");
  }
}
