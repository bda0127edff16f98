package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordDirectoryTest {
  @TempDir Path store;

  /** A folder outside the store, removed after each test. */
  @TempDir Path outside;
  private final SecureRandom random = new SecureRandom();

  @Test
  void testReplace_makesPrivateFoldersAndSecretFiles0600() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");

    records.replace("acme-account.key", "key".getBytes(StandardCharsets.UTF_8), true);
    records.replace("account.json", "{}".getBytes(StandardCharsets.UTF_8), false);

    assertThat(Files.getPosixFilePermissions(store.resolve(".acme"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(records.path())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(records.path().resolve("acme-account.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(records.path().resolve("account.json")))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(records.read("account.json")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{}"));
  }

  @Test
  void testReplace_replacesWholeAndLeavesNoTemporaryFile() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");
    records.replace("account.json", "old".getBytes(StandardCharsets.UTF_8), false);
    Files.writeString(records.path().resolve(".tmp-crashed"), "left by a crash");

    records.replace("account.json", "new".getBytes(StandardCharsets.UTF_8), false);

    assertThat(Files.readString(records.path().resolve("account.json"))).isEqualTo("new");
    try (Stream<Path> files = Files.list(records.path())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("account.json");
    }
  }

  @Test
  void testRead_absentIsEmptyAndCreatesNothing() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");

    assertThat(records.read("account.json")).isEmpty();
    assertThat(Files.exists(store.resolve(".acme"))).isFalse();
  }

  @Test
  void testRead_aLinkedFolderIsRefused() throws Exception {
    Path elsewhere = Files.createDirectory(outside.resolve("elsewhere"));
    Files.createSymbolicLink(store.resolve(".acme"), elsewhere);
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");

    assertThatThrownBy(() -> records.replace("account.json", new byte[0], false))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".acme must be a folder hostpki made, not a link");
  }

  @Test
  void testRead_aLinkedFileIsRefused() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");
    records.replace("account.json", new byte[0], false);
    Files.delete(records.path().resolve("account.json"));
    Files.createSymbolicLink(records.path().resolve("account.json"), Path.of("/etc/passwd"));

    assertThatThrownBy(() -> records.read("account.json"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("is a symbolic link");
  }

  @Test
  void testReadSecret_aKeyOthersCanReadIsRefused() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");
    records.replace("acme-account.key", "key".getBytes(StandardCharsets.UTF_8), true);
    Files.setPosixFilePermissions(records.path().resolve("acme-account.key"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> records.readSecret("acme-account.key"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void testRead_aFolderOthersCanWriteIsRefused() throws Exception {
    RecordDirectory records = RecordDirectory.in(store, random, RecordDirectory.ACME, "ca-1");
    records.replace("account.json", new byte[0], false);
    Files.setPosixFilePermissions(records.path(), PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> records.read("account.json"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("chmod 700");
  }
}
