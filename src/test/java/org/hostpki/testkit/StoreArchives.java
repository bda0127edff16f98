package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Stores an earlier hostpki wrote, checked in as test resources ({@code store.tar.gz} with a
 * README saying how they were made): unpacked with {@code tar}, so their links, hard links and
 * modes are as that build left them.
 */
public final class StoreArchives {
  private StoreArchives() {}

  /** Unpacks the archive at {@code resource} (a class-path name) into {@code dir}. */
  public static void unpack(String resource, Path dir) throws Exception {
    Path archive = dir.resolve("store.tar.gz");
    try (InputStream in = StoreArchives.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.copy(in, archive);
    }
    Process tar = new ProcessBuilder("tar", "-xzpf", archive.toString(), "-C", dir.toString()).inheritIO().start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar -x " + resource).isTrue();
  }
}
