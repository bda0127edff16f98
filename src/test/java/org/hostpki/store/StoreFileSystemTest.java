package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which file systems a store is refused on by their type, before anything is made there. */
class StoreFileSystemTest {
  @TempDir Path temp;

  @Test
  void testUnsuitable_aFatFileSystemIsNamedWithTheFolderToUseInstead() {
    Path store = temp.resolve("media/card/pki"); // not there yet: the nearest folder that is decides

    assertThat(StoreFileSystem.unsuitable(store, folder -> folder.equals(temp) ? "vfat" : "ext4"))
        .hasValueSatisfying(
            m -> assertThat(m)
                .startsWith("store " + store + " is on a file system (vfat) without symbolic links")
                .contains("Set store.path to a folder on a Linux file system (ext4, xfs, btrfs, tmpfs), such as /var/lib/hostpki/pki"));
    assertThat(StoreFileSystem.unsuitable(store, folder -> "exfat")).isPresent();
    assertThat(StoreFileSystem.unsuitable(store, folder -> "tmpfs")).isEmpty();
    assertThat(StoreFileSystem.unsuitable(store, folder -> "fuseblk")).isEmpty(); // found out by writing
    assertThat(StoreFileSystem.unsuitable(temp)).isEmpty(); // this machine's own
  }
}
