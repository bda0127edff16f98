package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.host.LiveHostIdentityProbe;
import org.hostpki.model.DesiredState;
import org.hostpki.plan.Plan;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by hostpki 0.1.0 (checked in as {@code pkcs12-facts-v1/store.tar.gz}), whose
 * {@code .pkcs12-facts} keeps a salted SHA-256 of the store password: it opens without a re-key,
 * the plan shows the record's rewrite and nothing else, and after one apply no generation holds
 * a fast check of the password any more.
 */
class Pkcs12RecordMigrationTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "v1-store-password");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-01-15T10:00:00Z"), ZoneOffset.UTC);
  private static final List<String> KEPT_BYTE_FOR_BYTE =
      List.of("ca.key", "ca.crt", "server.key", "server.crt", "server.p12", "trust/ldap.crt");
  /** 0.1.0 wrote truststore.p12 with the store password; it has none now. */
  private static final String TRUSTSTORE_REWRITE =
      "~ output/truststore.p12  update   is protected with a password; a trust store holds no secret"
          + " and is now written without one, readable by every user (readers that pass a password"
          + " still open it)";

  @TempDir Path dir;
  private Path store;

  @BeforeEach
  void unpack() throws Exception {
    StoreArchives.unpack("/org/hostpki/apply/pkcs12-facts-v1/store.tar.gz", dir);
    store = dir.resolve("pki");
  }

  private CliResult hostpki(Map<String, String> env, String... args) {
    return Cli.in(dir).clock(CLOCK).env(env).run(args);
  }

  private CliResult hostpki(String... args) {
    return hostpki(ENV, args);
  }

  private String record() throws IOException {
    return Files.readString(store.resolve(".pkcs12-facts"), StandardCharsets.UTF_8);
  }

  @Test
  void testStoreOfTheLastRelease_hasAVersion1RecordWithAFastPasswordCheck() throws IOException {
    assertThat(record()).startsWith("hostpki pkcs12-facts 1\n").contains("password-sha256 ");
  }

  @Test
  void testPlan_showsOnlyTheRecordsRewriteAndTheTruststoresWithoutAPassword() {
    CliResult plan = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out().lines().filter(l -> l.startsWith("~ ") || l.startsWith("+ ") || l.startsWith("- ")))
        .as(plan.toString())
        .containsExactlyInAnyOrder(
            TRUSTSTORE_REWRITE,
            "~ output/.pkcs12-facts   update   the record of what the PKCS#12 files hold (written by"
                + " hostpki 0.1.0) keeps a salted SHA-256 of the store password, which tests a guess"
                + " far faster than the files do: rewritten without it");
    assertThat(plan.out()).contains("Plan: 0 to create, 0 to replace, 2 to update, 0 to delete, 6 unchanged.");
  }

  @Test
  void testApply_rewritesTheRecordWithoutTheHashAndKeepsEveryKeyAndFile() throws IOException {
    Map<String, byte[]> before = bytes(KEPT_BYTE_FOR_BYTE);
    String oldGeneration = Files.readSymbolicLink(store.resolve("..data")).toString();

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("~ output/.pkcs12-facts", "Applied: store");
    assertThat(bytes(KEPT_BYTE_FOR_BYTE)).usingRecursiveComparison().isEqualTo(before);
    assertThat(record()).startsWith("hostpki pkcs12-facts 2\n").doesNotContain("password", "salt");
    // No kept generation holds the fast check any more; a rollback there decodes the files.
    assertThat(store.resolve(oldGeneration).resolve(".pkcs12-facts")).doesNotExist();
    assertThat(store.resolve(oldGeneration).resolve("server.p12")).exists();
    CliResult again = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("No changes");
  }

  @Test
  void testRollbackToTheOldGeneration_opensWithoutItsRecordAndChangesNothing() throws IOException {
    String oldGeneration = Files.readSymbolicLink(store.resolve("..data")).toString();
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult rollback = hostpki("rollback", "-f", "host.yaml", "--to", oldGeneration);
    CliResult plan = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(Files.exists(store.resolve(".pkcs12-facts"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    // Only its truststore.p12, written with the password, is written anew.
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out().lines().filter(l -> l.startsWith("~ ") || l.startsWith("+ ") || l.startsWith("- ")))
        .containsExactly(TRUSTSTORE_REWRITE);
  }

  @Test
  void testWatch_wouldMigrateAtOnce() {
    DesiredState desired = new DesiredStateLoader().load(dir.resolve("host.yaml")).desiredState().orElseThrow();
    Reconciler reconciler =
        new Reconciler(
            LiveHostIdentityProbe.system(),
            CLOCK,
            new SecureRandom(),
            new Secrets(ENV),
            new Hooks(new PrintWriter(new StringWriter())));

    Plan plan = reconciler.plan(desired, Set.of()).plan();

    assertThat(Watcher.dueAtOnce(plan)).isTrue();
  }

  @Test
  void testWrongPassword_isRefusedAsEver() {
    CliResult plan = hostpki(Map.of("HOSTPKI_PASSWORD", "not-the-password"), "plan", "-f", "host.yaml");

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.err()).contains("server.p12: cannot be opened with the store password");
  }

  private Map<String, byte[]> bytes(List<String> names) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    for (String name : names) {
      files.put(name, Files.readAllBytes(store.resolve(name)));
    }
    return files;
  }

}
