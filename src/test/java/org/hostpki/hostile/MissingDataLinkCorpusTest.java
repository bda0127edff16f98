package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * A store that keeps generations but lost its {@code ..data} link: deleted by hand, by a backup
 * or copy that drops dangling links, or copied with {@code cp -rL} so that {@code ..data} and the
 * visible names are real files. Found: {@code plan} said {@code + ca create}, {@code status}
 * "empty", and apply made a brand-new CA over the kept ones. Now every command refuses, names the
 * newest generation and the exact rollback that restores it, and changes nothing.
 */
@Tag(Tags.SLOW)
class MissingDataLinkCorpusTest {
  private static final String NEWEST = GoodStore.SECOND_GENERATION;
  private static final String OLDER = GoodStore.FIRST_GENERATION;
  private static final String NOT_EMPTY =
      "store {store} has no ..data link to its current generation, but keeps 2 generations, the"
          + " newest " + NEWEST;
  private static final String RESTORE =
      "Make the newest kept generation current again with: hostpki rollback -f {dir}/host.yaml --to "
          + NEWEST;

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStoreWithTwoGenerations() throws IOException {
    GoodStore.buildWithTwoGenerations(templateDir);
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  private static void removeDataLink(Workspace w) throws IOException {
    Files.delete(w.store.resolve("..data"));
  }

  /** What rsync --safe-links and some backups leave: every link that dangles without ..data goes. */
  private static void removeDataLinkAndDanglingLinks(Workspace w) throws IOException {
    removeDataLink(w);
    try (Stream<Path> entries = Files.list(w.store)) {
      for (Path entry : entries.toList()) {
        if (Files.isSymbolicLink(entry)) {
          Files.delete(entry);
        }
      }
    }
  }

  /** {@code cp -rL pki copy; rm -r pki; mv copy pki}: links become the files they point to. */
  private static void copiedFollowingLinks(Workspace w) throws Exception {
    Path copy = w.dir.resolve("pki-copy");
    Process cp = new ProcessBuilder("cp", "-rL", w.store.toString(), copy.toString()).inheritIO().start();
    assertThat(cp.waitFor(60, TimeUnit.SECONDS) && cp.exitValue() == 0).as("cp -rL").isTrue();
    Damage.deleteTree(w.store);
    Files.move(copy, w.store);
  }

  static Stream<HostileCase> withoutDataLink() {
    return Stream.of(
        HostileCase.apply("apply after rm ..data", MissingDataLinkCorpusTest::removeDataLink,
            NOT_EMPTY, "it is not empty, and hostpki will not make a new CA over it", RESTORE),
        HostileCase.apply("plan after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY, RESTORE)
            .withArgs("plan", "-f", "host.yaml"),
        HostileCase.apply("plan --detailed-exitcode after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY)
            .withArgs("plan", "-f", "host.yaml", "--detailed-exitcode"),
        HostileCase.apply("status after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY, RESTORE)
            .withArgs("status", "-f", "host.yaml"),
        HostileCase.apply("apply --check after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY)
            .withArgs("apply", "-f", "host.yaml", "--check"),
        HostileCase.apply("apply --replace ca after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY)
            .withArgs("apply", "-f", "host.yaml", "--replace", "ca"),
        HostileCase.apply("export after rm ..data", MissingDataLinkCorpusTest::removeDataLink, NOT_EMPTY)
            .withArgs("export", "-f", "host.yaml", "ca-cert"),
        HostileCase.apply("apply after a backup dropped ..data and the dangling links",
            MissingDataLinkCorpusTest::removeDataLinkAndDanglingLinks, NOT_EMPTY, RESTORE),
        HostileCase.apply("plan after a backup dropped ..data and the dangling links",
            MissingDataLinkCorpusTest::removeDataLinkAndDanglingLinks, NOT_EMPTY).withArgs("plan", "-f", "host.yaml"),
        HostileCase.apply("apply on a store copied with cp -rL", MissingDataLinkCorpusTest::copiedFollowingLinks,
            "store entry {store}/..data is a directory, not the link to the current generation",
            "cp -rL", "the kept generations are intact", RESTORE),
        HostileCase.apply("status on a store copied with cp -rL", MissingDataLinkCorpusTest::copiedFollowingLinks,
            "{store}/..data is a directory", RESTORE).withArgs("status", "-f", "host.yaml"),
        HostileCase.apply("apply with ..data a regular file", w -> {
              removeDataLink(w);
              Files.writeString(w.store.resolve("..data"), NEWEST + "\n");
            },
            "store entry {store}/..data is a regular file, not the link", RESTORE),
        HostileCase.apply("apply with ..data pointing to the newest generation, deleted", w -> {
              Damage.deleteTree(w.store.resolve(NEWEST));
            },
            "{store}/..data points to " + NEWEST + ", which does not exist (deleted by hand?)",
            "hostpki rollback -f {dir}/host.yaml --to " + OLDER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutDataLink")
  void testStoreWithKeptGenerationsButNoDataLink_isNeverEmpty(HostileCase hostile) throws Exception {
    hostile.check(workspace());
  }

  @Test
  void testTheRollbackTheMessageNames_restoresTheStore() throws Exception {
    Workspace w = workspace();
    byte[] caKey = Files.readAllBytes(w.inGeneration("ca.key"));
    removeDataLinkAndDanglingLinks(w);

    runTheAdvisedRollback(w, w.hostpki("apply", "-f", "host.yaml"));

    assertThat(Files.readAllBytes(w.store.resolve("ca.key"))).isEqualTo(caKey);
    CliResult plan = w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    // Nothing to change but the rollback's hold, which a person's apply releases (exit 2 since
    // fsmall17: plan --detailed-exitcode counts the hold as work).
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("No changes: the store matches the desired state", "held by rollback");
  }

  @Test
  void testACopyMadeWithCpRL_isRestoredByDoingWhatTheMessageSays() throws Exception {
    Workspace w = workspace();
    copiedFollowingLinks(w);
    CliResult refused = w.hostpki("apply", "-f", "host.yaml");

    // "Move ..data and every other copy that stands where a link belongs out of the store"
    Path aside = Files.createDirectories(w.dir.resolve("aside"));
    try (Stream<Path> entries = Files.list(w.store)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith("..2") && !name.equals(".lock")) {
          Files.move(entry, aside.resolve(name), LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    runTheAdvisedRollback(w, refused);

    CliResult plan = w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    // Nothing to change but the rollback's hold, which a person's apply releases (exit 2 since
    // fsmall17: plan --detailed-exitcode counts the hold as work).
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("No changes: the store matches the desired state", "held by rollback");
    assertThat(Files.isSymbolicLink(w.store.resolve("server.key"))).isTrue();
  }

  private static void runTheAdvisedRollback(Workspace w, CliResult refused) {
    String advice = w.expand("hostpki rollback -f {dir}/host.yaml --to " + NEWEST);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains(advice);
    List<String> args = List.of(advice.substring("hostpki ".length()).split(" "));
    CliResult rolledBack = w.hostpki(args.toArray(String[]::new)).assertNoStackTrace();
    assertThat(rolledBack.exitCode()).as(rolledBack.toString()).isZero();
  }
}
