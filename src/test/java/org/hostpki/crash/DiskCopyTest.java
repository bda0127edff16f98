package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskCopyTest {
  private final FileSystem disk = Disks.newDisk();

  @AfterEach
  void close() throws IOException {
    disk.close();
  }

  @Test
  void testOf_isADiskOfTheSameStateWithHardLinksOwnersAndModes() throws IOException {
    Path store = disk.getPath("/var/lib/hostpki");
    Path generation = store.resolve("..2");
    Files.createDirectories(generation.resolve("trust"));
    Files.setPosixFilePermissions(generation, PosixFilePermissions.fromString("rwx------"));
    Files.write(generation.resolve("pg.key"), new byte[] {0, 1, (byte) 0xff});
    UserPrincipalLookupService principals = disk.getUserPrincipalLookupService();
    PosixFileAttributeView key =
        Files.getFileAttributeView(generation.resolve("pg.key"), PosixFileAttributeView.class);
    key.setOwner(principals.lookupPrincipalByName("postgres"));
    key.setGroup(principals.lookupPrincipalByGroupName("ssl-cert"));
    key.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
    Files.writeString(store.resolve("c0001.pem"), "trusted");
    Files.createLink(generation.resolve("trust/c0001.pem"), store.resolve("c0001.pem"));
    Files.createSymbolicLink(store.resolve("..data"), disk.getPath("..2"));
    Files.createFile(store.resolve("empty"));

    try (FileSystem copy = DiskCopy.of(disk)) {
      assertThat(DiskState.of(copy)).isEqualTo(DiskState.of(disk));
      Files.writeString(copy.getPath("/var/lib/hostpki/c0001.pem"), "changed");
      assertThat(copy.getPath("/var/lib/hostpki/..2/trust/c0001.pem"))
          .as("a hard link, not a second file").hasContent("changed");
      assertThat(Files.readSymbolicLink(copy.getPath("/var/lib/hostpki/..data")))
          .hasToString("..2");
      assertThat(Files.getOwner(copy.getPath("/var/lib/hostpki/..2/pg.key"), LinkOption.NOFOLLOW_LINKS))
          .hasToString("postgres");
    }
    assertThat(store.resolve("c0001.pem")).as("the source is untouched").hasContent("trusted");
  }
}
