package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot read from a store holds its contents softly: one the heap dropped is read again from
 * its generation and must be what was read (bench/NOTES.md, a 100,000-certificate trust store in
 * -Xmx512m). {@link GenerationFiles#dropContents()} drops them as the collector may.
 */
class GenerationFilesTest {
  private static final String GENERATION = "..2026_03_01_12_00_00.000000000";

  @TempDir Path temp;

  /** A store in the test's own folder; its clock fixes the generations' names. */
  private StoreDirectory directory() {
    return new StoreDirectory(store(), new TestClock(Instant.parse("2026-12-07T15:00:00Z")));
  }

  private Path store() {
    return temp.resolve("pki");
  }

  private static SortedMap<String, byte[]> files(String... namesAndContents) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(namesAndContents[i], bytes(namesAndContents[i + 1]));
    }
    return files;
  }

  private static GenerationFiles dropped(StoreSnapshot snapshot) {
    GenerationFiles files = (GenerationFiles) snapshot.files();
    files.dropContents();
    return files;
  }

  @Test
  void testRead_aDroppedContentIsReadAgainFromItsGeneration() {
    directory().write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot snapshot = directory().read();
    byte[] bundle = snapshot.files().get("trust-bundle.crt").clone();

    dropped(snapshot);

    assertThat(snapshot.files().get("trust-bundle.crt")).isEqualTo(bundle);
    assertThat(StoreFiles.text(snapshot.file("trust/ldap.crt").orElseThrow())).isEqualTo("ldap v1");
    assertThat(snapshot.under("trust")).containsOnlyKeys("trust/ldap.crt");
    assertThat(snapshot.sha256Of("trust-bundle.crt")).isEqualTo(StoreSnapshot.sha256(bundle));
  }

  @Test
  void testRead_hashedFileByFileHasTheFingerprintAndDigestsOfTheWholeContents() throws IOException {
    // The reader hashes each file as it reads it and holds it softly at once (a read-back of
    // 100,000 trusted certificates held all 230 MB before hashing, out of -Xmx512m): the same
    // fingerprint a saved plan compares, the same digests.
    String generation = directory().write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot snapshot = directory().read();
    SortedMap<String, byte[]> onDisk = new TreeMap<>();
    for (String name : snapshot.files().keySet()) {
      onDisk.put(name, Files.readAllBytes(store().resolve(generation).resolve(name)));
    }
    dropped(snapshot);

    assertThat(snapshot.contentFingerprint()).isEqualTo(StoreSnapshot.fingerprintOf(onDisk));
    for (Map.Entry<String, byte[]> file : onDisk.entrySet()) {
      assertThat(snapshot.sha256Of(file.getKey())).isEqualTo(StoreSnapshot.sha256(file.getValue()));
    }
    assertThat(onDisk.keySet()).contains("trust-bundle.crt", "trust/ldap.crt", "server.key");
  }

  @Test
  void testRead_aFileChangedByHandSinceTheReadIsRefusedNotReturned() throws IOException {
    String generation = directory().write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot snapshot = directory().read();
    dropped(snapshot);
    Path file = store().resolve(generation).resolve("trust/ldap.crt");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(file, "ldap v2");

    assertThatThrownBy(() -> snapshot.files().get("trust/ldap.crt"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("store file trust/ldap.crt changed while hostpki ran")
        .hasMessageContaining("altered by hand");
    // The snapshot's other files are still read.
    assertThat(StoreFiles.text(snapshot.files().get("server.crt"))).isEqualTo("server cert v1");
  }

  @Test
  void testRead_aGenerationRemovedSinceTheReadIsAClearError() throws IOException {
    String generation = directory().write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot snapshot = directory().read();
    dropped(snapshot);
    Files.delete(store().resolve(generation).resolve("trust/ldap.crt"));

    assertThatThrownBy(() -> snapshot.files().get("trust/ldap.crt"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("store file trust/ldap.crt could not be read again (")
        .hasMessageEndingWith("Run it again.");
  }

  @Test
  void testCarriedOver_refersToTheSnapshotAndReadsAgainWhatWasDropped() {
    directory().write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot snapshot = directory().read();
    SortedMap<String, StoreFile> carried = directory().carriedOver(snapshot);
    dropped(snapshot);

    assertThat(carried.keySet()).isEqualTo(snapshot.files().keySet());
    assertThat(StoreFiles.text(carried.get("trust/ldap.crt").content())).isEqualTo("ldap v1");
    assertThat(carried.get("server.key").secret()).isTrue();
    assertThat(carried.get("trust/ldap.crt"))
        .isEqualTo(new StoreFile(bytes("ldap v1"), carried.get("trust/ldap.crt").kind()));
    // A new set written from it links what it carries and reads back the same.
    directory().write(carried, bytes("{}"));
    assertThat(StoreFiles.text(directory().read().files().get("trust/ldap.crt"))).isEqualTo("ldap v1");
  }

  @Test
  void testNamesAndViews_readNoContent() {
    List<String> reads = new ArrayList<>();
    SortedMap<String, byte[]> given = files("a", "1", "b/x", "2", "b/y", "3", "c", "4");
    StoreSnapshot snapshot = StoreSnapshot.of(GENERATION, given, name -> {
      reads.add(name);
      return given.get(name).clone();
    });
    dropped(snapshot);

    assertThat(snapshot.files().keySet()).containsExactly("a", "b/x", "b/y", "c");
    assertThat(snapshot.under("b").keySet()).containsExactly("b/x", "b/y");
    assertThat(snapshot.files().headMap("b/y").keySet()).containsExactly("a", "b/x");
    assertThat(snapshot.files().tailMap("b0").keySet()).containsExactly("c");
    assertThat(snapshot.files().firstKey()).isEqualTo("a");
    assertThat(snapshot.under("b").lastKey()).isEqualTo("b/y");
    assertThat(snapshot.files().containsKey("b/x")).isTrue();
    assertThat(snapshot.files().containsKey("b")).isFalse();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : snapshot.files().entrySet()) {
      names.add(e.getKey());
    }
    assertThat(names).containsExactly("a", "b/x", "b/y", "c");
    assertThat(reads).isEmpty();

    assertThat(new String(snapshot.under("b").get("b/y"), StandardCharsets.UTF_8)).isEqualTo("3");
    assertThat(snapshot.files().get("b/y")).isSameAs(snapshot.files().get("b/y")); // kept again
    assertThat(snapshot.under("b").get("a")).isNull();
    assertThat(reads).containsExactly("b/y");
  }

  @Test
  void testWrite_aDroppedLiveContentIsComparedByItsDigestNotReadAgain() throws IOException {
    // A 100,000-certificate bundle (75 MB) read again beside the new one ran out of -Xmx512m.
    Path live = temp.resolve(GENERATION);
    GenerationWriter.write(live, StoreFiles.typical("v1"), bytes("{}"));
    SortedMap<String, byte[]> onDisk = new TreeMap<>();
    for (String name : StoreFiles.typical("v1").keySet()) {
      onDisk.put(name, Files.readAllBytes(live.resolve(name)));
    }
    List<String> reads = new ArrayList<>();
    StoreSnapshot snapshot = StoreSnapshot.of(GENERATION, onDisk, name -> {
      reads.add(name);
      return Files.readAllBytes(live.resolve(name));
    });
    dropped(snapshot);
    // Same lengths as v1, one byte different: only the digest tells them apart.
    SortedMap<String, StoreFile> next = StoreFiles.typical("v1");
    next.put("trust/ldap.crt", StoreFiles.set().with("trust/ldap.crt", "ldap v2").build().get("trust/ldap.crt"));
    next.put("trust/new.crt", StoreFiles.set().with("trust/new.crt", "new v1").build().get("trust/new.crt"));

    Path written = temp.resolve("next");
    int linked = GenerationWriter.write(written, next, bytes("{}"), Map.of(),
        Optional.of(new GenerationWriter.Live(live, snapshot.files())));

    assertThat(reads).isEmpty();
    assertThat(linked).isEqualTo(next.size() - 2); // all but the changed and the new file
    assertThat(Files.readString(written.resolve("trust/ldap.crt"))).isEqualTo("ldap v2");
    assertThat(Files.readString(live.resolve("trust/ldap.crt"))).isEqualTo("ldap v1");
    assertThat(Files.isSameFile(written.resolve("trust-bundle.crt"), live.resolve("trust-bundle.crt"))).isTrue();
    assertThat(Files.isSameFile(written.resolve("trust/ldap.crt"), live.resolve("trust/ldap.crt"))).isFalse();
  }

  @Test
  void testCurrent_readsTheWritersNameFromTheHeadOfALargeRecord() {
    String plan = "x".repeat(3 * Generation.HEAD);
    String record = "{\"time\":\"2026-03-01T12:00:00Z\",\"desiredState\":\"/etc/hostpki/host.yaml\","
        + "\"desiredStateDigest\":\"ab12\",\"plan\":\"" + plan + "\"}";
    directory().write(StoreFiles.typical("v1"), bytes(record));

    Generation current = directory().current().orElseThrow();

    assertThat(current.desiredState()).hasValue("/etc/hostpki/host.yaml");
    assertThat(current.desiredStateDigest()).hasValue("ab12");
    assertThat(current.metadata()).hasValueSatisfying(m -> assertThat(StoreFiles.text(m)).isEqualTo(record));
    assertThat(directory().generations()).containsExactly(current);
  }
}
