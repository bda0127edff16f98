package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and directories created with a declared owner, group and mode (on Jimfs and on disk). */
class OwnedFilesTest {
  private static final FileAccess PG = new FileAccess(Optional.of("postgres"), Optional.of("ssl-cert"), new FileMode(0640));

  private final FileSystem fs =
      Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix").build());
  private final Path dir = fs.getPath("/store/..gen.partial");

  @Test
  void testCreateFile_hasTheDeclaredOwnerGroupModeAndContent() throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("pg.key");

    OwnedFiles.createFile(file, "key".getBytes(), PG);

    PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(attributes.owner().getName()).isEqualTo("postgres");
    assertThat(attributes.group().getName()).isEqualTo("ssl-cert");
    assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-r-----");
    assertThat(Files.readString(file)).isEqualTo("key");
    assertThat(OwnedFiles.hasAccess(file, PG, dir)).isTrue();
  }

  @Test
  void testCreateFile_undeclaredOwnerAndGroupAreTheDirectorys() throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("server.der");
    FileAccess publicFile = FileAccess.own(new FileMode(0444));

    OwnedFiles.createFile(file, new byte[] {0x30}, publicFile);

    assertThat(OwnedFiles.hasAccess(file, publicFile, dir)).isTrue();
    assertThat(OwnedFiles.hasAccess(file, FileAccess.own(FileMode.PUBLIC), dir)).isFalse();
    assertThat(OwnedFiles.hasAccess(file, PG, dir)).isFalse();
  }

  @Test
  void testCreateFile_neverOverAnExistingFileOrLink() throws IOException {
    Files.createDirectories(dir);
    Path target = Files.writeString(fs.getPath("/etc-shadow"), "secret");
    Files.createSymbolicLink(dir.resolve("link.key"), target);
    Files.writeString(dir.resolve("there.key"), "old");

    assertThatThrownBy(() -> OwnedFiles.createFile(dir.resolve("link.key"), "new".getBytes(), PG))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> OwnedFiles.createFile(dir.resolve("there.key"), "new".getBytes(), PG))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(target)).isEqualTo("secret");
    assertThat(Files.readString(dir.resolve("there.key"))).isEqualTo("old");
  }

  @Test
  void testCreateDirectory_hasTheDeclaredGroupAndMode() throws IOException {
    Files.createDirectories(dir.getParent());
    FileAccess traversable = new FileAccess(Optional.empty(), Optional.of("ssl-cert"), new FileMode(0750));

    OwnedFiles.createDirectory(dir, traversable);

    assertThat(OwnedFiles.hasAccess(dir, traversable, dir.getParent())).isTrue();
  }

  @Test
  void testCreateFile_anUnknownUserLeavesNoFile(@TempDir Path disk) {
    Path file = disk.resolve("pg.key");
    FileAccess unknown = new FileAccess(Optional.of("hostpki-no-such-user"), Optional.empty(), FileMode.OWNER_ONLY);

    assertThatThrownBy(() -> OwnedFiles.createFile(file, "key".getBytes(), unknown))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("cannot give it to user hostpki-no-such-user: no such user on this host");
    assertThat(file).doesNotExist();
  }

  @Test
  void testCreateFile_onDiskTheModeIsExactWhateverTheUmask(@TempDir Path disk) throws IOException {
    Path file = disk.resolve("ca.der");

    OwnedFiles.createFile(file, new byte[] {0x30}, FileAccess.own(FileMode.PUBLIC));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    assertThat(OwnedFiles.hasAccess(file, FileAccess.own(FileMode.PUBLIC), disk)).isTrue();
  }
}
