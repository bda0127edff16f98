package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan and apply with {@code server.issuer: external} through the CLI: exit codes and output. */
class ApplyExternalIssuerTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "pw");
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa CA = TestCa.create(NOW);

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", "none");
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  private void deliver(Certificate... chain) throws IOException {
    Path file = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(file.getParent());
    Files.writeString(file, Pem.certificates(List.of(chain)), StandardCharsets.US_ASCII);
  }

  private Certificate signed() throws IOException {
    return CA.sign(Files.readAllBytes(dir.resolve("pki/server.csr")), NOW.minus(Duration.ofMinutes(1)), Duration.ofDays(90));
  }

  private SortedMap<String, byte[]> storeBytes() throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    Path store = dir.resolve("pki");
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.toList()) {
        String rel = store.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          files.put(rel + " -> ", Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(rel, Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private static void assertSameBytes(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
  }

  @Test
  void testApply_waitingForTheChainConvergesWithExitZero() {
    CliResult first = hostpki("apply", "-f", "host.yaml");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("+ server.csr", "Waiting for a signed chain");

    CliResult check = hostpki("apply", "-f", "host.yaml", "--check");

    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.out()).contains("No changes", "warning: Waiting for a signed chain at " + dir.resolve(ExternalSetup.CHAIN));
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testApply_refusedChainExitsOneAndLeavesTheStoreAsItWas() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    deliver(signed(), CA.root()); // the intermediate is missing
    SortedMap<String, byte[]> before = storeBytes();

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).isEqualTo(1);
    assertThat(apply.err())
        .contains(
            "cannot import the chain in " + dir.resolve(ExternalSetup.CHAIN),
            "missing intermediate: no certificate for issuer 'CN=Example Issuing CA 2'")
        .doesNotContain("Exception");
    assertSameBytes(before, storeBytes());
  }

  @Test
  void testPlan_refusedChainIsAnErrorWithExitOneAndIsNotSaved() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    deliver(signed(), CA.root());

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--out", "plan.json");

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.out()).contains("error: cannot import the chain", "  - missing intermediate", "Refused:");
    assertThat(dir.resolve("plan.json")).doesNotExist();
    CliResult check = hostpki("apply", "-f", "host.yaml", "--check");
    assertThat(check.exitCode()).isEqualTo(1);
  }

  @Test
  void testPlan_jsonOfARefusedChainHasTheErrors() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    deliver(signed(), CA.root());

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--output", "json");

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.out()).contains("\"errors\":[{\"code\":\"chain-refused\"");
  }

  @Test
  void testApply_savedPlanIsStaleOnceTheChainArrives() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    deliver(signed(), CA.intermediate());

    CliResult stale = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.err()).contains("plan.json is stale");
  }

  @Test
  void testApply_importThenNoChanges() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    deliver(CA.root(), signed(), CA.intermediate());

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("~ server", "import the chain from");
    CliResult again = hostpki("apply", "-f", "host.yaml");
    assertThat(again.out()).contains("No changes").doesNotContain("warning");
  }
}
