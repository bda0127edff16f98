package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.store.StoreFiles.bytes;
import static org.hostpki.store.StoreFiles.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that came with a container image: made in what becomes an overlay's lower layer, then
 * written through the overlay, mounted in a {@link MountedNamespace}.
 */
@Tag(Tags.NAMESPACE)
class StoreOverlayNamespaceTest {
  @TempDir Path temp;

  @Test
  void testWrite_keepsTheLowerLayersGenerationsWhichOverlayfsCannotRename() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
    Path lower = temp.resolve("lower");
    StoreDirectory image = new StoreDirectory(lower.resolve("pki"), clock);
    List<String> imageGenerations = new ArrayList<>();
    for (String version : List.of("v1", "v2", "v3")) {
      imageGenerations.add(image.write(StoreFiles.typical(version), bytes("{}"), image.read()));
      clock.advance(Duration.ofMinutes(1));
    }
    for (String d : List.of("upper", "work", "merged")) {
      Files.createDirectory(temp.resolve(d));
    }
    try (MountedNamespace namespace =
        MountedNamespace.mount(
            "mount -t overlay overlay -o \"lowerdir=$1,upperdir=$2,workdir=$3\" \"$4\"",
            lower.toString(), temp.resolve("upper").toString(), temp.resolve("work").toString(),
            temp.resolve("merged").toString())) {
      Path store = namespace.resolve(temp.resolve("merged/pki"));
      StoreDirectory container = new StoreDirectory(store, clock);
      List<String> written = new ArrayList<>();
      for (int i = 4; i <= 9; i++) {
        // Before: the 6th write's pruning failed, "Invalid cross-device link", on every apply.
        written.add(container.write(StoreFiles.typical("v" + i), bytes("{}"), container.read()));
        clock.advance(Duration.ofMinutes(1));
      }

      List<String> kept = container.generations().stream().map(Generation::name).toList();
      assertThat(kept).containsAll(imageGenerations).containsAll(written.subList(1, 6)).hasSize(8);
      assertThat(kept).doesNotContain(written.get(0)); // the upper layer's own is pruned as ever
      assertThat(text(container.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v9");
      container.activate(imageGenerations.get(1)); // a rollback into the image
      assertThat(text(container.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v2");
      assertThat(text(image.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v3");
    }
  }
}
