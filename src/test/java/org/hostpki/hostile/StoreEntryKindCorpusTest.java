package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Something that is not a regular file where a store file belongs — a directory, a FIFO, a
 * socket, a device — or a secret file of another owner. Found: a directory in place of {@code
 * ca.key} in the generation read as "ca.key is missing" and the next apply made a new CA; a 0600
 * {@code server.key} owned by uid 1234 was accepted ("Drift none"). Now each is one refusal,
 * "altered by hand" with the way back (here: the rollback to the generation before), or the
 * owner and the {@code chown}; exit 1, nothing changed.
 */
@Tag(Tags.SLOW)
class StoreEntryKindCorpusTest {
  /** No account has it on the machines the tests run on. */
  private static final int FOREIGN_UID = 1234;

  private static final String FIRST = GoodStore.FIRST_GENERATION;
  private static final String ROLLBACK = "hostpki rollback -f {dir}/host.yaml --to " + FIRST;

  private static final List<String> STORE_FILES =
      List.of(
          "ca.key", "ca.crt", "server.key", "server.crt", "server-fullchain.crt", "server.p12",
          "truststore.p12", "trust-bundle.crt", "trust/ldap.crt", ".pkcs12-facts");

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStoreWithTwoGenerations() throws IOException {
    GoodStore.buildWithTwoGenerations(templateDir);
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  /** The kinds of entry that are no regular file, and how to make one. */
  enum Kind {
    DIRECTORY("a directory"),
    FIFO("a FIFO (named pipe)"),
    SOCKET("a socket"),
    DEVICE("a character device");

    final String words;

    Kind(String words) {
      this.words = words;
    }

    void makeAt(Path path) throws Exception {
      switch (this) {
        case DIRECTORY -> Files.createDirectory(path);
        case FIFO -> Damage.mkfifo(path);
        case SOCKET -> Damage.socket(path);
        case DEVICE -> Damage.characterDevice(path);
      }
    }
  }

  private static HostileCase inGeneration(String file, Kind kind) {
    return HostileCase.apply(
        kind + " in place of " + file + " in the generation",
        w -> {
          Damage.deleteTree(w.inGeneration(file));
          kind.makeAt(w.inGeneration(file));
        },
        "store file {store}/{generation}/" + file + " is " + kind.words
            + ", but hostpki writes only regular files there",
        "generation {generation} was altered by hand",
        "Make a kept generation current instead with: " + ROLLBACK);
  }

  private static HostileCase visible(String name, Kind kind) {
    return HostileCase.apply(
        kind + " in place of the link " + name,
        w -> {
          Files.delete(w.store.resolve(name));
          kind.makeAt(w.store.resolve(name));
        },
        "store entry {store}/" + name + " is " + kind.words + ", but hostpki keeps a link to ..data/"
            + name + " there: the store was altered by hand",
        "move it out of {store}");
  }

  private static HostileCase foreignOwner(String file) {
    return HostileCase.apply(
        file + " owned by uid " + FOREIGN_UID,
        w -> Damage.chown(w.inGeneration(file), FOREIGN_UID),
        "{store}/" + file + " is owned by " + FOREIGN_UID + ", not by " + ownerWords(),
        "chown " + System.getProperty("user.name") + " {store}/" + file);
  }

  private static String ownerWords() {
    String user = System.getProperty("user.name");
    return user.equals("root") ? "root (who runs hostpki)" : user + " (who runs hostpki) or root";
  }

  static Stream<HostileCase> entries() {
    List<HostileCase> cases = new ArrayList<>();
    for (String file : STORE_FILES) {
      cases.add(inGeneration(file, Kind.DIRECTORY));
      cases.add(inGeneration(file, Kind.FIFO));
    }
    for (String file : List.of("ca.key", "server.key", "server.p12", "trust/ldap.crt")) {
      cases.add(inGeneration(file, Kind.SOCKET));
      cases.add(inGeneration(file, Kind.DEVICE));
    }
    for (String name : List.of("ca.key", "server.crt", "trust")) {
      for (Kind kind : List.of(Kind.DIRECTORY, Kind.FIFO, Kind.SOCKET)) {
        if (!(name.equals("trust") && kind == Kind.DIRECTORY)) {
          cases.add(visible(name, kind));
        }
      }
    }
    cases.add(visible("server.key", Kind.DEVICE));
    for (String file : List.of("ca.key", "server.key", "server.p12", ".pkcs12-facts")) {
      cases.add(foreignOwner(file));
    }
    cases.add(
        HostileCase.apply(
            "generation directory owned by uid " + FOREIGN_UID,
            w -> Damage.chown(w.generation(), FOREIGN_UID),
            "store directory {store}/{generation} is owned by " + FOREIGN_UID,
            "chown -R " + System.getProperty("user.name") + " {store}/{generation}"));
    cases.add(
        HostileCase.apply(
            "trust directory owned by uid " + FOREIGN_UID,
            w -> Damage.chown(w.inGeneration("trust"), FOREIGN_UID),
            "store directory {store}/{generation}/trust is owned by " + FOREIGN_UID));
    cases.add(
        inGeneration("ca.key", Kind.DIRECTORY).withArgs("plan", "-f", "host.yaml"));
    cases.add(
        inGeneration("server.key", Kind.FIFO).withArgs("status", "-f", "host.yaml"));
    cases.add(
        inGeneration("ca.crt", Kind.DIRECTORY).withArgs("export", "-f", "host.yaml", "ca-cert"));
    cases.add(foreignOwner("server.key").withArgs("apply", "-f", "host.yaml", "--check"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void testNotARegularFileOrAForeignOwner_isRefusedAndChangesNothing(HostileCase hostile)
      throws Exception {
    hostile.check(workspace());
  }

  @Test
  void testTheRollbackTheMessageNames_bringsBackAStoreThatNeedsNothing() throws Exception {
    Workspace w = workspace();
    Damage.deleteTree(w.inGeneration("ca.key"));
    Files.createDirectory(w.inGeneration("ca.key"));
    CliResult refused = w.hostpki("apply", "-f", "host.yaml");
    String advice = w.expand(ROLLBACK);
    assertThat(refused.err()).contains(advice);

    String[] rollback = advice.substring("hostpki ".length()).split(" ");
    CliResult rolledBack = w.hostpki(rollback).assertNoStackTrace();
    CliResult plan = w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(rolledBack.exitCode()).as(rolledBack.toString()).isZero();
    // Nothing to change but the rollback's hold, which a person's apply releases (exit 2 since
    // fsmall17: plan --detailed-exitcode counts the hold as work).
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("No changes: the store matches the desired state", "held by rollback");
    assertThat(plan.out()).contains("No changes");
  }

  @Test
  void testForeignOwnerGivenBack_opensTheStoreAgain() throws Exception {
    Workspace w = workspace();
    Damage.chown(w.inGeneration("server.key"), FOREIGN_UID);
    assertThat(w.hostpki("plan", "-f", "host.yaml").exitCode()).isEqualTo(1);

    Damage.chown(w.inGeneration("server.key"), 0);

    assertThat(w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }
}
