package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostSpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.PendingHook;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which commands run, in what environment and where; the processes themselves are recorded. */
class HooksTest {
  private static final PendingHook DUE =
      PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, Instant.parse("2026-11-27T08:00:00Z"),
          List.of("server", "output/server.p12"));

  @TempDir Path dir;
  private final StringWriter log = new StringWriter();
  private final List<Hooks.Command> ran = new ArrayList<>();

  private DesiredState desired(List<List<String>> commands) {
    return DesiredStates.of(
        dir.resolve("host.yaml"),
        new StoreSpec(dir.resolve("pki"), Optional.of(new PasswordSource.Env("P12_PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(), CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(),
        new HooksSpec(commands));
  }

  private Hooks.Outcome run(DesiredState desired, Map<String, String> environment, Hooks.Runner runner) {
    return new Hooks(new PrintWriter(log, true), environment, runner)
        .run(desired, List.of(DUE), dir.resolve("pki"), "..2026_11_27_08_00_00.000000000");
  }

  private Hooks.Runner recording(Optional<String> result) {
    return command -> {
      ran.add(command);
      return result;
    };
  }

  @Test
  void testRun_theEnvironmentHasNoSecretButWhatTheHookNeeds() {
    run(desired(List.of(List.of("true"))),
        Map.of("P12_PW", "s3cret", "LANG", "C.UTF-8", "PATH", "/usr/bin:/bin"), recording(Optional.empty()));

    Map<String, String> env = ran.get(0).environment();
    assertThat(env).doesNotContainKey("P12_PW").containsEntry("LANG", "C.UTF-8")
        .containsEntry("PATH", "/usr/bin:/bin")
        .containsEntry("HOSTPKI_STORE", dir.resolve("pki").toString())
        .containsEntry("HOSTPKI_GENERATION", "..2026_11_27_08_00_00.000000000")
        .containsEntry("HOSTPKI_CHANGED", "server,output/server.p12")
        .containsEntry("HOSTPKI_HOOK", "afterServerChange");
    assertThat(ran.get(0).directory()).contains(dir.toFile());
    assertThat(ran.get(0).timeout()).isEqualTo(HooksSpec.DEFAULT_TIMEOUT);
  }

  /**
   * 100,000 trusted certificates changed at once made a HOSTPKI_CHANGED of 1.6 MB, which Linux
   * refuses to pass (E2BIG): the hook could never start, and stayed pending for good.
   */
  @Test
  void testRun_aChangeTooLongForTheEnvironmentIsGivenByKind() {
    List<String> changed = new java.util.ArrayList<>(List.of("server"));
    for (int i = 0; i < 100_000; i++) {
      changed.add(String.format("trust/t-%06d", i));
    }
    changed.add("output/trust-bundle.crt");
    PendingHook many = PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, Instant.parse("2026-11-27T08:00:00Z"), changed);

    new Hooks(new PrintWriter(log, true), Map.of(), recording(Optional.empty()))
        .run(desired(List.of(List.of("true"))), List.of(many), dir.resolve("pki"), "..2026_11_27_08_00_00.000000000");

    assertThat(ran.get(0).environment()).containsEntry("HOSTPKI_CHANGED", "server,trust/*,output/*");
  }

  @Test
  void testRun_withoutPathHooksGetSystemdsDefault() {
    run(desired(List.of(List.of("true"))), Map.of(), recording(Optional.empty()));

    assertThat(ran.get(0).environment()).containsEntry("PATH", Hooks.DEFAULT_PATH);
  }

  @Test
  void testRun_everyCommandRunsAndTheFirstFailureIsTheHooks() {
    Hooks.Outcome outcome =
        run(desired(List.of(List.of("false"), List.of("true", "second"))), Map.of(),
            recording(Optional.of("exited with status 1")));

    assertThat(ran).hasSize(2);
    assertThat(outcome.succeeded()).isEmpty();
    assertThat(outcome.firstFailure()).contains("afterServerChange hook [false] exited with status 1");
  }

  /** Found by a trial: only the first failing command of a hook was reported; the others were not. */
  @Test
  void testRun_aLaterFailureIsLoggedEscaped() {
    run(desired(List.of(List.of("false"), List.of("/gone\u001b[2J", "x\ty"))), Map.of(),
        recording(Optional.of("exited with status 1")));

    assertThat(log.toString())
        .contains("hook: running /gone\\x1b[2J x\\ty\n")
        .contains("hook: afterServerChange hook [/gone\\x1b[2J, x\\ty] was not started: /gone\\x1b[2J does not exist\n")
        .doesNotContain("\u001b", "\t");
  }

  /** Between the load of the file and the run, a program became writable by others: not run. */
  @Test
  void testRun_programOthersCanChangeIsNotStarted() throws IOException {
    Path script = Files.writeString(dir.resolve("reload.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));

    Hooks.Outcome outcome = run(desired(List.of(List.of(script.toString()))), Map.of(), recording(Optional.empty()));

    assertThat(ran).isEmpty();
    assertThat(outcome.firstFailure().orElseThrow())
        .contains("was not started: hook program " + script + " runs as root, but it has mode 0777",
            "chmod go-w " + script);
  }

  @Test
  void testRun_aHookTheStateNoLongerDeclaresRunsNothingAndSucceeds() {
    Hooks.Outcome outcome = run(desired(List.of()), Map.of(), recording(Optional.empty()));

    assertThat(ran).isEmpty();
    assertThat(outcome.succeeded()).containsExactly("afterServerChange");
  }

  /** The ACME dns-01 hook: the hooks' environment less the secrets, its variables, its own timeout. */
  @Test
  void testRunProgram_runsByTheHooksRulesWithItsOwnVariablesAndTimeout() {
    Optional<String> problem =
        new Hooks(new PrintWriter(log, true), Map.of("P12_PW", "s3cret", "LANG", "C.UTF-8"), recording(Optional.empty()))
            .runProgram(desired(List.of()), "dns-01", List.of("true"), Map.of("HOSTPKI_ACME_ACTION", "present"),
                java.time.Duration.ofSeconds(7), "server.acme.dns01.timeout");

    assertThat(problem).isEmpty();
    Hooks.Command command = ran.get(0);
    assertThat(command.environment()).doesNotContainKey("P12_PW").containsEntry("LANG", "C.UTF-8")
        .containsEntry("PATH", Hooks.DEFAULT_PATH).containsEntry("HOSTPKI_ACME_ACTION", "present")
        .doesNotContainKeys("HOSTPKI_STORE", "HOSTPKI_HOOK");
    assertThat(command.timeout()).hasSeconds(7);
    assertThat(command.timeoutSetting()).isEqualTo("server.acme.dns01.timeout");
    assertThat(command.directory()).contains(dir.toFile());
    assertThat(log.toString()).startsWith("dns-01 hook: running true");
  }
}
