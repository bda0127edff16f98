package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.SortedMap;
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFileTest {
  @TempDir Path temp;

  @Test
  void testContent_isCopiedInAndOut() {
    byte[] content = bytes("key");
    StoreFile file = new StoreFile(content, FileKind.PRIVATE_KEY);

    content[0] = 'X';
    file.content()[1] = 'X';

    assertThat(file.content()).isEqualTo(bytes("key"));
  }

  @Test
  void testAdopting_takesTheArrayUncopied() {
    byte[] content = bytes("bundle");
    StoreFile file = StoreFile.adopting(content, FileKind.CERTIFICATES);

    assertThat(file.bytes()).isSameAs(content);
    assertThat(file).isEqualTo(new StoreFile(bytes("bundle"), FileKind.CERTIFICATES));
    assertThat(file.content()).isNotSameAs(content).isEqualTo(content);
  }

  /** A store in the test's own folder; its clock fixes the generations' names. */
  private StoreDirectory directory() {
    return new StoreDirectory(temp.resolve("pki"), new TestClock(Instant.parse("2026-12-07T15:00:00Z")));
  }

  /** The set as committed in a heap its contents would fill: held softly, with their digests. */
  private void inASmallHeap(SortedMap<String, StoreFile> written, String generation) {
    Path committed = temp.resolve("pki").resolve(generation);
    StoreFile.committed(written, name -> Files.readAllBytes(committed.resolve(name)), 64);
  }

  @Test
  void testReadsBackIn_aCommittedSetIsComparedByDigestWithoutItsContents() {
    SortedMap<String, StoreFile> written = StoreFiles.typical("v1");
    String generation = directory().write(written, bytes("{}"));
    assertThat(written.get("trust-bundle.crt").readsBackIn(directory().read(), "trust-bundle.crt"))
        .as("compared byte for byte, in a heap to spare").isTrue();
    inASmallHeap(written, generation);
    written.values().forEach(StoreFile::dropContent);
    StoreSnapshot readBack = directory().read();

    for (String name : written.keySet()) {
      assertThat(written.get(name).readsBackIn(readBack, name)).as(name).isTrue();
    }
    assertThat(written.get("trust/ldap.crt").readsBackIn(readBack, "server.crt")).isFalse();
    assertThat(written.get("ca.crt").readsBackIn(readBack, "no/such.crt")).isFalse();
    // A dropped content is read again from the committed generation.
    assertThat(StoreFiles.text(written.get("trust-bundle.crt").content())).isEqualTo("bundle v1");
  }

  @Test
  void testReadsBackIn_oneWrongByteOfTheSameLengthIsFound() throws IOException {
    SortedMap<String, StoreFile> written = StoreFiles.typical("v1");
    String generation = directory().write(written, bytes("{}"));
    inASmallHeap(written, generation);
    written.values().forEach(StoreFile::dropContent);
    Path bundle = temp.resolve("pki").resolve(generation).resolve("trust-bundle.crt");
    Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(bundle, "bundle v2");

    assertThat(written.get("trust-bundle.crt").readsBackIn(directory().read(), "trust-bundle.crt")).isFalse();
    assertThatThrownBy(() -> written.get("trust-bundle.crt").content())
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("store file trust-bundle.crt changed while hostpki ran");
  }

  /**
   * A derived file's content is made when the writer asks for it, written byte for byte as made,
   * and, once dropped, compared with the store read back by making it again (fheap16: 100,000
   * trust files' PEM were held from the plan's execution until the write).
   */
  @Test
  void testDerived_isMadeWhenWrittenAndReadsBackWhenDropped() throws IOException {
    java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
    StoreFile derived =
        StoreFile.derived(() -> { made.incrementAndGet(); return bytes("ldap pem"); }, FileKind.CERTIFICATES);
    SortedMap<String, StoreFile> written = StoreFiles.typical("v1");
    written.put("trust/ldap.crt", derived);
    assertThat(made).as("not made until asked").hasValue(0);

    String generation = directory().write(written, bytes("{}"));
    Path file = temp.resolve("pki").resolve(generation).resolve("trust/ldap.crt");
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes("ldap pem"));
    assertThat(derived.readsBackIn(directory().read(), "trust/ldap.crt")).isTrue();
    assertThat(made).as("made once, kept softly in a heap to spare").hasValue(1);

    derived.dropContent();
    assertThat(derived.readsBackIn(directory().read(), "trust/ldap.crt")).isTrue();
    assertThat(derived).isEqualTo(new StoreFile(bytes("ldap pem"), FileKind.CERTIFICATES));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(file, "ldap PEM");
    derived.dropContent();
    assertThat(derived.readsBackIn(directory().read(), "trust/ldap.crt")).as("one byte changed").isFalse();
  }

  @Test
  void testEquals_byContentAndSecrecy() {
    assertThat(new StoreFile(bytes("a"), FileKind.CERTIFICATES))
        .isEqualTo(new StoreFile(bytes("a"), FileKind.CERTIFICATES));
    assertThat(new StoreFile(bytes("a"), FileKind.CERTIFICATES))
        .isNotEqualTo(new StoreFile(bytes("a"), FileKind.PRIVATE_KEY));
  }

  @Test
  void testToString_doesNotShowTheContent() {
    assertThat(new StoreFile(bytes("private"), FileKind.PRIVATE_KEY)).hasToString("StoreFile[7 bytes, secret]");
  }
}
