package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another program's files arriving in the store folder after apply found it new or empty and
 * before it held the lock (found by a trial): the refusal came, but the run left its {@code .lock}
 * among them, and a folder made meanwhile by someone else became a store beside their files. The
 * folder is checked again under the lock, and a refused run leaves nothing it made.
 */
class ForeignFilesBeforeLockTest {
  @TempDir Path dir;

  private Path folder() {
    return dir.resolve("nginx");
  }

  /** Applies, putting nginx.conf into the folder (making it if missing) as the lock is taken. */
  private HostpkiException applyWhileFilesArrive() {
    Progress arriving =
        step -> {
          if (step.startsWith("locking the store")) {
            try {
              Files.createDirectories(folder());
              Files.writeString(folder().resolve("nginx.conf"), "user www;\n");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    Reconciler reconciler =
        new Reconciler(
            spec -> new HostIdentity("web", Optional.of("example.com"), List.of()),
            Clock.fixed(Instant.parse("2026-12-06T18:00:00Z"), ZoneOffset.UTC),
            new SecureRandom(),
            new Secrets(Map.of()),
            new Hooks(new PrintWriter(new StringWriter(), true)),
            arriving);
    DesiredState desired =
        DesiredStates.of(
            dir.resolve("host.yaml"),
            new StoreSpec(folder(), Optional.empty(), Pkcs12Profile.MODERN),
            HostSpec.defaults(),
            CaSpec.defaults(),
            ServerSpec.defaults(),
            TrustSpec.defaults(),
            HooksSpec.none());
    return (HostpkiException)
        org.assertj.core.api.Assertions.catchThrowable(
            () -> reconciler.apply(desired, Set.of(), Optional.empty(), Duration.ZERO));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> entries = Files.list(folder())) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void testApply_filesArriveInAnEmptyFolderBeforeTheLock_refusedWithoutALockFileLeft() throws IOException {
    Files.createDirectories(folder());

    assertThat(applyWhileFilesArrive()).hasMessageContaining("holds files that are not a hostpki store ('nginx.conf')");
    assertThat(names()).containsExactly("nginx.conf");
  }

  @Test
  void testApply_folderMadeWithFilesBeforeTheLock_refusedAndNoStoreBesideThem() throws IOException {
    assertThat(applyWhileFilesArrive()).hasMessageContaining("holds files that are not a hostpki store ('nginx.conf')");
    assertThat(names()).containsExactly("nginx.conf");
  }

  @Test
  void testApply_lockFileOfAnEarlierRunThere_isKept() throws IOException {
    Files.createDirectories(folder());
    Files.writeString(folder().resolve(".lock"), "");

    assertThat(applyWhileFilesArrive()).hasMessageContaining("holds files that are not a hostpki store ('nginx.conf')");
    assertThat(names()).containsExactly(".lock", "nginx.conf");
  }
}
