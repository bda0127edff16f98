package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.store.StoreFiles.bytes;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.ObservedStore;
import org.junit.jupiter.api.Test;

class StoreSnapshotTest {
  private static final String GENERATION = "..2026_03_01_12_00_00.000000000";

  private static SortedMap<String, byte[]> files(String... namesAndContents) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(namesAndContents[i], bytes(namesAndContents[i + 1]));
    }
    return files;
  }

  /** A snapshot as a store's read makes it; never read again here. */
  private static StoreSnapshot read(SortedMap<String, byte[]> files) {
    return StoreSnapshot.of(GENERATION, files, name -> {
      throw new AssertionError("read again: " + name);
    });
  }

  @Test
  void testEmpty_hasTheFingerprintOfAnEmptyObservedStore() {
    assertThat(StoreSnapshot.empty().contentFingerprint())
        .isEqualTo(ObservedStore.empty().contentFingerprint())
        .isEqualTo(Fingerprint.sha256(new byte[0]));
  }

  @Test
  void testFingerprintOf_dependsOnNamesAndContent() {
    Fingerprint base = StoreSnapshot.fingerprintOf(files("a.crt", "x"));

    assertThat(StoreSnapshot.fingerprintOf(files("a.crt", "x"))).isEqualTo(base);
    assertThat(StoreSnapshot.fingerprintOf(files("b.crt", "x"))).isNotEqualTo(base);
    assertThat(StoreSnapshot.fingerprintOf(files("a.crt", "y"))).isNotEqualTo(base);
  }

  @Test
  void testFingerprintOf_boundaryBetweenNameAndContentMatters() {
    assertThat(StoreSnapshot.fingerprintOf(files("ab", "c")))
        .isNotEqualTo(StoreSnapshot.fingerprintOf(files("a", "bc")));
  }

  @Test
  void testSha256Of_isTheDigestOfTheContentKeptOrNot() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < 200; i++) { // more than one hashing task
      files.put(String.format("issued/%03d.crt", i), bytes("record " + i));
    }
    StoreSnapshot read = read(files);
    StoreSnapshot made =
        new StoreSnapshot(true, Optional.of(GENERATION), files, StoreSnapshot.fingerprintOf(files));

    for (String name : files.keySet()) {
      Fingerprint expected = Fingerprint.sha256(files.get(name));
      assertThat(new Fingerprint(java.util.HexFormat.of().formatHex(read.sha256Of(name)))).isEqualTo(expected);
      assertThat(new Fingerprint(java.util.HexFormat.of().formatHex(made.sha256Of(name)))).isEqualTo(expected);
    }
    assertThat(read.contentFingerprint()).isEqualTo(made.contentFingerprint());
    assertThat(read.digests()).isNotSameAs(StoreSnapshot.FileDigests.NONE);
    assertThat(made.digests()).isSameAs(StoreSnapshot.FileDigests.NONE);
  }

  @Test
  void testUnder_givesOneDirectory() {
    StoreSnapshot snapshot =
        read(
            files("trust/a.crt", "a", "trust/b.crt", "b", "trust-bundle.crt", "ab", "t", "t"));

    assertThat(snapshot.under("trust").keySet()).containsExactly("trust/a.crt", "trust/b.crt");
  }

  @Test
  void testFile_returnsACopy() {
    StoreSnapshot snapshot = read(files("ca.crt", "ca"));

    snapshot.file("ca.crt").orElseThrow()[0] = 'X';

    assertThat(StoreFiles.text(snapshot.file("ca.crt").orElseThrow())).isEqualTo("ca");
  }

  @Test
  void testEquals_byGenerationAndFingerprint() {
    assertThat(read(files("ca.crt", "ca")))
        .isEqualTo(read(files("ca.crt", "ca")))
        .isNotEqualTo(read(files("ca.crt", "other")));
    assertThat(StoreSnapshot.empty().generation()).isEqualTo(Optional.empty());
  }

  @Test
  void testFingerprintOf_manyFilesIsTheDigestOfNamesLengthsAndContentDigests() throws Exception {
    SortedMap<String, byte[]> many = new java.util.TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(String.format("trust/c%04d.crt", i), ("certificate " + i).repeat(i % 7 + 1).getBytes(StandardCharsets.UTF_8));
    }
    java.security.MessageDigest outer = java.security.MessageDigest.getInstance("SHA-256");
    for (var e : many.entrySet()) {
      outer.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      outer.update((byte) 0);
      outer.update(java.nio.ByteBuffer.allocate(8).putLong(e.getValue().length).array());
      outer.update(java.security.MessageDigest.getInstance("SHA-256").digest(e.getValue()));
    }

    assertThat(StoreSnapshot.fingerprintOf(many))
        .isEqualTo(new Fingerprint(java.util.HexFormat.of().formatHex(outer.digest())));
  }

  @Test
  void testFingerprintOf_oneChangedFileAmongManyChangesIt() {
    SortedMap<String, byte[]> many = new java.util.TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(String.format("trust/c%04d.crt", i), ("certificate " + i).getBytes(StandardCharsets.UTF_8));
    }
    Fingerprint before = StoreSnapshot.fingerprintOf(many);
    many.put("trust/c0500.crt", "certificate 501".getBytes(StandardCharsets.UTF_8));

    assertThat(StoreSnapshot.fingerprintOf(many)).isNotEqualTo(before);
  }
}
