package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.hostpki.json.JsonReader;
import org.hostpki.store.Generation;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two desired-state files naming one store.path with different settings (an old host.yaml beside
 * a new one, two Ansible roles) undid each other on every run — a new server certificate and the
 * hooks each time — and nothing said why. Each generation's record now names the desired-state
 * file that wrote it, and a plan that changes a store another file wrote warns
 * ({@code other-desired-state}), naming both files and the fix.
 */
class OtherDesiredStateTest {
  private static final String CODE = "other-desired-state";

  @TempDir static Path dir;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);

  @BeforeAll
  static void twoFilesOneStore() throws IOException {
    dir = dir.toRealPath();
    write("old.yaml", "web");
    write("new.yaml", "www");
    Files.createSymbolicLink(dir.resolve("link.yaml"), dir.resolve("new.yaml"));
  }

  private static void write(String file, String hostname) throws IOException {
    Files.writeString(
        dir.resolve(file),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: pki}",
            "host: {detect: false, hostname: " + hostname + ", domain: example.com, addresses: [192.0.2.1]}",
            ""));
  }

  private static CliResult hostpki(String... args) {
    return Cli.in(dir).clock(CLOCK).run(args);
  }

  /** A folder with its own host.yaml (store pki, host web), applied once. */
  private static Path appliedIn(String folder) throws IOException {
    Path in = Files.createDirectories(dir.resolve(folder));
    Files.writeString(
        in.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: web, domain: example.com, addresses: [192.0.2.1]}\n");
    Cli.in(in).clock(CLOCK).run("apply", "-f", "host.yaml").assertSucceeded();
    return in;
  }

  private static Optional<JsonNode> warning(CliResult plan) {
    for (JsonNode w : JsonReader.parse(plan.out()).get("warnings")) {
      if (w.get("code").asString().equals(CODE)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> writer() throws IOException {
    Path current = dir.resolve("pki").resolve(Files.readSymbolicLink(dir.resolve("pki/..data")));
    byte[] record = Files.readAllBytes(current.resolve(".generation.json"));
    return new Generation(current.getFileName().toString(), true, Optional.of(record)).desiredState().map(Path::of);
  }

  @Test
  void testAlternatingFiles_eachApplyWarnsNamingBothFiles_andTheSameFileDoesNot() throws IOException {
    Path oldFile = dir.resolve("old.yaml");
    Path newFile = dir.resolve("new.yaml");
    hostpki("apply", "-f", "old.yaml").assertSucceeded();
    assertThat(writer()).contains(oldFile);

    CliResult plan = hostpki("plan", "-f", "new.yaml", "--output", "json");
    CliResult apply = hostpki("apply", "-f", "new.yaml");

    assertThat(warning(plan)).as(plan.toString()).isPresent();
    assertThat(warning(plan).get().get("message").asString())
        .contains(
            "store " + dir.resolve("pki") + " was last written from another desired-state file, " + oldFile,
            "this plan, from " + newFile + ", changes it",
            "keep one file per store: remove " + oldFile + " or change its store.path",
            "If the file was just renamed or moved, this warning shows once");
    apply.assertSucceeded();
    assertThat(apply.out()).contains("warning: store ", "another desired-state file, " + oldFile);
    assertThat(writer()).contains(newFile);
    // Nothing to change, the same file, or the same file by another path: no warning.
    CliResult again = hostpki("plan", "-f", "new.yaml", "--output", "json");
    assertThat(warning(again)).as(again.toString()).isEmpty();
    write("new.yaml", "mail");
    CliResult edited = hostpki("plan", "-f", "link.yaml", "--output", "json");
    assertThat(JsonReader.parse(edited.out()).get("changes").isEmpty()).as(edited.toString()).isFalse();
    assertThat(warning(edited)).as(edited.toString()).isEmpty();
    write("new.yaml", "www");
    // And back: the old file's plan says why it re-issues.
    assertThat(hostpki("apply", "-f", "old.yaml").out()).contains("another desired-state file, " + newFile);
  }

  @Test
  void testAfterAnAnsibleInlineDesiredState_theTimersFileIsWarnedOfTheTask_notOfTheGoneTemporaryFile()
      throws IOException {
    // The module writes desired: to a temporary .hostpki-desired-XXXX.json, applies it, deletes it.
    Path inline = dir.resolve(".hostpki-desired-6s_foxf_.json");
    Files.writeString(
        inline,
        "{\"apiVersion\": \"hostpki/v1\", \"store\": {\"path\": \"pki-ansible\"}, \"host\": {\"detect\": false,"
            + " \"hostname\": \"web\", \"domain\": \"example.com\", \"addresses\": [\"192.0.2.1\"]}}\n");
    hostpki("apply", "-f", inline.toString()).assertSucceeded();
    Files.delete(inline);
    Files.writeString(
        dir.resolve("timer.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki-ansible}\n"
            + "host: {detect: false, hostname: www, domain: example.com, addresses: [192.0.2.1]}\n");

    CliResult plan = hostpki("plan", "-f", "timer.yaml", "--output", "json");

    assertThat(warning(plan)).as(plan.toString()).isPresent();
    assertThat(warning(plan).get().get("message").asString())
        .contains(
            "was last written by an Ansible task's inline desired state", inline + ", which the module deletes after the task",
            "this plan, from " + dir.resolve("timer.yaml"), "keep one source of truth",
            "config: " + dir.resolve("timer.yaml") + " instead of desired:")
        .doesNotContain("remove " + inline);
  }

  /**
   * A backup of a host's folder (host.yaml and pki) restored into another folder, beside the
   * original still in use: the copy's records name the original file, which applies the original
   * store, not the copy. The warning told to remove the original's desired state; it says nothing
   * now. (Found by restoring a tar backup into /srv/restore on the same host.)
   */
  @Test
  void testStoreRestoredIntoAnotherFolder_isNotWarnedOfTheOriginalsFile()
      throws IOException, InterruptedException {
    Path original = appliedIn("original");
    Path restored = Files.createDirectories(dir.resolve("restored"));
    Process copy = new ProcessBuilder("cp", "-a", original + "/.", restored.toString()).inheritIO().start();
    assertThat(copy.waitFor()).isZero();
    Files.writeString(
        restored.resolve("host.yaml"),
        Files.readString(restored.resolve("host.yaml")).replace("hostname: web", "hostname: web2"));

    CliResult plan = Cli.in(restored).clock(CLOCK).run("plan", "-f", "host.yaml", "--output", "json");

    assertThat(JsonReader.parse(plan.out()).get("changes").isEmpty()).as(plan.toString()).isFalse();
    assertThat(warning(plan)).as(plan.toString()).isEmpty();
  }

  /**
   * Found by a trial (tconc11): an Ansible task's inline {@code desired:} and the timer's file said
   * the same, and any change (a trusted file added to trust.d) warned that they undo each other's
   * changes on every run. Two desired states that say the same cannot; a file that says other than
   * this one is warned of, naming what differs.
   */
  @Test
  void testTheTimersFileAndAnInlineDesiredStateSayingTheSame_areNotWarnedOf_untilTheyDiffer() throws IOException {
    Path same = Files.createDirectories(dir.resolve("same"));
    Path trust = Files.createDirectories(same.resolve("trust.d"));
    Path timer = same.resolve("timer.yaml");
    Files.writeString(
        timer,
        "apiVersion: hostpki/v1\nstore: {path: " + same.resolve("pki") + "}\n"
            + "host: {detect: false, hostname: web, domain: example.com, addresses: [192.0.2.1]}\n"
            + "trust: {directories: [" + trust + "]}\n");
    String json =
        "{\"apiVersion\": \"hostpki/v1\", \"store\": {\"path\": \"" + same.resolve("pki") + "\"},"
            + " \"trust\": {\"directories\": [\"" + trust + "\"]}, \"host\": {\"hostname\": \"web\", \"detect\": false,"
            + " \"addresses\": [\"192.0.2.1\"], \"domain\": \"example.com\"}}\n";
    Path inline = Files.writeString(same.resolve(".hostpki-desired-aaaa1111.json"), json);
    hostpki("apply", "-f", inline.toString()).assertSucceeded();
    Files.delete(inline); // as the module does
    trusted(trust, "one");

    CliResult timerPlan = hostpki("plan", "-f", timer.toString(), "--output", "json");
    hostpki("apply", "-f", timer.toString()).assertSucceeded();
    trusted(trust, "two");
    inline = Files.writeString(same.resolve(".hostpki-desired-bbbb2222.json"), json);
    CliResult inlinePlan = hostpki("plan", "-f", inline.toString(), "--output", "json");
    Files.writeString(timer, Files.readString(timer).replace("hostname: web", "hostname: www"));
    CliResult differing = hostpki("plan", "-f", inline.toString(), "--output", "json");

    assertThat(JsonReader.parse(timerPlan.out()).get("changes").isEmpty()).as(timerPlan.toString()).isFalse();
    assertThat(warning(timerPlan)).as(timerPlan.toString()).isEmpty();
    assertThat(JsonReader.parse(inlinePlan.out()).get("changes").isEmpty()).as(inlinePlan.toString()).isFalse();
    assertThat(warning(inlinePlan)).as(inlinePlan.toString()).isEmpty();
    assertThat(warning(differing)).as(differing.toString()).isPresent();
    assertThat(warning(differing).get().get("message").asString())
        .contains("last written from another desired-state file, " + timer + "; this plan, from " + inline
            + ", changes it (the two files differ in host)");
  }

  private static void trusted(Path folder, String name) throws IOException {
    Files.writeString(folder.resolve(name + ".crt"), TestCa.selfSignedRoot(
            "Trial " + name, CLOCK.instant().minusSeconds(3600), CLOCK.instant().plusSeconds(400L * 86400)).pem());
  }

  /**
   * rvsec11 F6: a record naming /dev/zero (a restored or tampered store) as the file that wrote
   * it was warned of with "remove /dev/zero or change its store.path". It is not read, and the
   * warning no longer tells anyone to remove a device.
   */
  @Test
  void testRecordNamingADevice_isNotAdvisedToBeRemoved() throws IOException {
    Path devices = appliedIn("devices");
    Path current = devices.resolve("pki").resolve(Files.readSymbolicLink(devices.resolve("pki/..data")));
    Path record = current.resolve(".generation.json");
    String said = Files.readString(record);
    assertThat(said).contains("\"desiredState\":\"" + devices.resolve("host.yaml") + "\"");
    Files.writeString(record, said.replace("\"desiredState\":\"" + devices.resolve("host.yaml"), "\"desiredState\":\"/dev/zero"));
    Files.writeString(
        devices.resolve("host.yaml"),
        Files.readString(devices.resolve("host.yaml")).replace("hostname: web", "hostname: web2"));

    CliResult plan = Cli.in(devices).clock(CLOCK).run("plan", "-f", "host.yaml", "--output", "json");

    assertThat(warning(plan)).as(plan.toString()).isPresent();
    assertThat(warning(plan).get().get("message").asString())
        .contains("names /dev/zero as the desired-state file that wrote it last, which is no desired-state file")
        .doesNotContain("remove");
  }

  @Test
  void testRecord_withoutDesiredState_namesNone() {
    byte[] old = "{\"time\":\"2026-11-27T08:00:00Z\",\"plan\":{}}".getBytes(StandardCharsets.UTF_8);
    assertThat(new Generation("..2026_11_27_08_00_00.000000000", true, Optional.of(old)).desiredState()).isEmpty();
    // Nor a digest of what it said: a gone file that wrote it is warned of as before.
    assertThat(new Generation("..2026_11_27_08_00_00.000000000", true, Optional.of(old)).desiredStateDigest()).isEmpty();
    assertThat(new Generation("..2026_11_27_08_00_00.000000000", true, Optional.empty()).desiredState()).isEmpty();
  }
}
