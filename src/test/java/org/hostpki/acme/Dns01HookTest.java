package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dns-01 hook run as apply runs hooks ({@link RealHooks}): real scripts, real processes. */
class Dns01HookTest {
  private static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "P12_PW", "store-secret", "EAB_HMAC", "hmac-secret");
  private static final PendingChallenge PORTAL =
      new PendingChallenge("dns", "portal.example.com", false, "tok", "tok.thumb", "digest-value");
  private static final PendingChallenge SHOP =
      new PendingChallenge("dns", "shop.example.com", false, "tok2", "tok2.thumb", "other-digest");

  /** An order with an hour left: only dns01.timeout limits a run. */
  private static final OrderDeadline NO_HURRY =
      OrderDeadline.of(Clock.systemUTC(), Instant.now().plus(Duration.ofHours(1)), Duration.ofHours(1));

  @TempDir Path dir;
  private final StringWriter log = new StringWriter();

  private Dns01Hook hook(Duration timeout, String body, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(script(body).toString()));
    argv.addAll(List.of(args));
    return new Dns01Hook(argv, timeout, RealHooks.runner(dir, ENVIRONMENT, log), NO_HURRY);
  }

  @Test
  void testPresent_givesTheRecordInTheEnvironmentWithoutTheSecrets() throws Exception {
    Path out = dir.resolve("env");
    Dns01Hook hook = hook(Duration.ofSeconds(10), "env > \"$1\"; pwd >> \"$1\"", out.toString());

    hook.present(List.of(PORTAL));

    assertThat(Files.readAllLines(out))
        .contains("HOSTPKI_ACME_ACTION=present", "HOSTPKI_ACME_IDENTIFIER=portal.example.com",
            "HOSTPKI_ACME_DNS_NAME=_acme-challenge.portal.example.com.", "HOSTPKI_ACME_DNS_VALUE=digest-value",
            "LANG=C.UTF-8", dir.toString())
        .noneMatch(l -> l.contains("secret"));
  }

  @Test
  void testPresent_aFailingHookFailsEscapedAndEveryStartedOneIsCleanedUp() throws Exception {
    Path calls = dir.resolve("calls");
    Dns01Hook hook = hook(Duration.ofSeconds(10),
        "echo \"$HOSTPKI_ACME_ACTION $HOSTPKI_ACME_IDENTIFIER\" >> \"$1\"\n"
            + "[ \"$HOSTPKI_ACME_ACTION\" = cleanup ] || [ \"$HOSTPKI_ACME_IDENTIFIER\" = portal.example.com ]"
            + " || { printf 'zone \\033[1mnot found\\n'; exit 3; }",
        calls.toString());

    assertThatThrownBy(() -> hook.present(List.of(PORTAL, SHOP, PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CHALLENGE_SETUP);
          assertThat(f.getMessage()).contains(
              "could not present the TXT record _acme-challenge.shop.example.com.: it exited with status 3");
        });
    assertThat(log.toString()).contains("dns-01 hook: running " + calls.resolveSibling(""))
        .contains("hook output: zone \\x1b[1mnot found").doesNotContain("\u001b");
    assertThat(hook.cleanUp()).isEmpty();
    assertThat(Files.readAllLines(calls)).containsExactly(
        "present portal.example.com", "present shop.example.com",
        "cleanup portal.example.com", "cleanup shop.example.com");
  }

  @Test
  void testPresent_aHookThatHangsIsStoppedAtTheTimeoutWithItsChildren() throws Exception {
    Path pid = dir.resolve("pid");
    Dns01Hook hook = hook(Duration.ofMillis(500), "sleep 60 & echo $! > \"$1\"; wait", pid.toString());

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage())
            .contains("did not finish within", "(server.acme.dns01.timeout): stopped it and the 1 process(es)"));
    assertThat(running(Long.parseLong(Files.readString(pid).strip()))).as("the hook's child was stopped").isFalse();
  }

  /**
   * A hook that would run for dns01.timeout is stopped when the order's server.acme.timeout runs
   * out first, as a timeout that says so; its record is still cleaned up after the deadline.
   */
  @Test
  void testPresent_aHookIsStoppedWhenTheOrdersTimeoutRunsOutAndStillCleanedUp() throws Exception {
    Path calls = dir.resolve("calls");
    OrderDeadline deadline =
        OrderDeadline.of(Clock.systemUTC(), Instant.now().plusMillis(600), Duration.ofSeconds(2));
    Dns01Hook hook =
        new Dns01Hook(
            List.of(script("echo \"$HOSTPKI_ACME_ACTION\" >> \"$1\"; [ \"$HOSTPKI_ACME_ACTION\" = cleanup ] || sleep 60")
                .toString(), calls.toString()),
            Duration.ofSeconds(30), RealHooks.runner(dir, ENVIRONMENT, log), deadline);
    long started = System.nanoTime();

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.TIMEOUT);
          assertThat(f.getMessage())
              .startsWith("presenting the TXT record _acme-challenge.portal.example.com. by the dns-01 hook [")
              .contains("]: it did not finish within ", "ms (server.acme.timeout): stopped it",
                  "; server.acme.timeout (2s) ran out: it bounds the whole order");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(hook.cleanUp()).isEmpty();
    assertThat(Files.readAllLines(calls)).containsExactly("present", "cleanup");
  }

  /**
   * Runs get what is left of the order, cleanup runs together at least the grace after it; a
   * cleanup with nothing left is not started and names the record to remove.
   */
  @Test
  void testCleanUp_runsGetWhatIsLeftAndTheCleanupGraceIsShared() throws Exception {
    Instant start = Instant.parse("2026-12-06T12:00:00Z");
    Instant[] now = {start};
    Clock clock = new Clock() {
      @Override
      public Instant instant() {
        return now[0];
      }

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    List<String> runs = new ArrayList<>();
    Dns01Hook hook = new Dns01Hook(List.of("hook"), Duration.ofMinutes(2), (argv, variables, timeout, setting) -> {
      runs.add(variables.get("HOSTPKI_ACME_ACTION") + " " + variables.get("HOSTPKI_ACME_IDENTIFIER") + " " + timeout
          + " " + setting);
      now[0] = now[0].plus(variables.get("HOSTPKI_ACME_ACTION").equals("present") ? Duration.ofSeconds(40) : Duration.ofSeconds(30));
      return Optional.empty();
    }, OrderDeadline.of(clock, start.plusSeconds(60), Duration.ofMinutes(1)));

    hook.present(List.of(PORTAL, SHOP));
    now[0] = now[0].plus(Duration.ofMinutes(5)); // the CA took the rest of the time

    assertThat(hook.cleanUp()).singleElement().asString()
        .contains("was not run to remove the TXT record _acme-challenge.shop.example.com.: no time was left",
            "remove it by hand");
    assertThat(runs).containsExactly(
        "present portal.example.com PT1M server.acme.timeout",
        "present shop.example.com PT20S server.acme.timeout",
        "cleanup portal.example.com PT30S server.acme.timeout");
  }

  @Test
  void testCleanUp_aFailingCleanupIsAWarningAndTheNextStillRuns() throws Exception {
    Path calls = dir.resolve("calls");
    Dns01Hook hook = hook(Duration.ofSeconds(10),
        "echo \"$HOSTPKI_ACME_ACTION $HOSTPKI_ACME_IDENTIFIER\" >> \"$1\"; [ \"$HOSTPKI_ACME_ACTION\" = present ]",
        calls.toString());
    hook.present(List.of(PORTAL, SHOP));

    assertThat(hook.cleanUp()).hasSize(2).first().asString()
        .contains("could not remove the TXT record _acme-challenge.portal.example.com.", "remove it by hand");
    assertThat(Files.readAllLines(calls)).endsWith("cleanup portal.example.com", "cleanup shop.example.com");
    assertThat(hook.cleanUp()).as("each cleanup runs once").isEmpty();
  }

  @Test
  void testPresent_aHookOthersCanChangeIsNotStarted() throws Exception {
    Path script = script("touch \"$0.ran\"");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
    Dns01Hook hook = new Dns01Hook(List.of(script.toString()), Duration.ofSeconds(10), RealHooks.runner(dir, ENVIRONMENT, log), NO_HURRY);

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage()).contains("was not started"));
    assertThat(Files.exists(Path.of(script + ".ran"))).isFalse();
  }

  @Test
  void testPresent_aMissingProgramSaysSo() {
    Dns01Hook hook =
        new Dns01Hook(List.of(dir.resolve("no-such-hook").toString()), Duration.ofSeconds(10), RealHooks.runner(dir, ENVIRONMENT, log), NO_HURRY);

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage()).contains("does not exist"));
  }

  @Test
  void testCleanUp_aRunnerThatThrowsStillCleansUpTheOthers() throws Exception {
    List<String> cleaned = new ArrayList<>();
    Dns01Hook hook = new Dns01Hook(List.of("hook"), Duration.ofSeconds(1), (argv, variables, timeout, setting) -> {
      if (variables.get("HOSTPKI_ACME_ACTION").equals("cleanup")) {
        cleaned.add(variables.get("HOSTPKI_ACME_IDENTIFIER"));
        if (cleaned.size() == 1) {
          throw new IllegalStateException("boom");
        }
      }
      return Optional.empty();
    }, NO_HURRY);
    hook.present(List.of(PORTAL, SHOP));

    assertThat(hook.cleanUp()).singleElement().asString().contains("boom");
    assertThat(cleaned).containsExactly("portal.example.com", "shop.example.com");
  }

  /** A hostile CA's identifier never reaches a hook script that may paste it into a command. */
  @Test
  void testPresent_anIdentifierThatIsNoDnsNameIsNotPassedToTheHook() throws Exception {
    Path calls = dir.resolve("calls");
    Dns01Hook hook = hook(Duration.ofSeconds(10), "echo \"$HOSTPKI_ACME_ACTION\" >> \"$1\"", calls.toString());

    for (String identifier : List.of("x.example.com\nupdate delete example.com", "a b.example.com", "x.example.com;id")) {
      assertThatThrownBy(() -> hook.present(List.of(
              new PendingChallenge("dns", identifier, false, "tok", "tok.thumb", "digest"))))
          .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage())
              .contains("the hook was not run for it").doesNotContain("\n"));
    }
    assertThat(hook.cleanUp()).isEmpty();
    assertThat(calls).doesNotExist();
  }

  /** Alive and not a zombie (a container's init may not reap orphans). */
  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String s = Files.readString(stat);
    return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
  }

  private Path script(String body) throws Exception {
    Path script = Files.createTempFile(dir, "hook", ".sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
