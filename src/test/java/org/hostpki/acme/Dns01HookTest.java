package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Dns01HookTest {
  @TempDir Path dir;

  private static final PendingChallenge PORTAL =
      new PendingChallenge("dns", "portal.example.com", false, "tok", "tok.thumb", "digest-value");

  @Test
  void testPresent_givesTheRecordInTheEnvironmentWithoutAShell() throws Exception {
    Path out = dir.resolve("env");
    Dns01Hook hook = new Dns01Hook(List.of(script("env > \"$1\"").toString(), out.toString()), Duration.ofSeconds(10),
        Map.of("PATH", "/usr/bin:/bin"));

    hook.present(List.of(PORTAL));

    assertThat(Files.readAllLines(out))
        .contains("HOSTPKI_ACME_ACTION=present", "HOSTPKI_ACME_IDENTIFIER=portal.example.com",
            "HOSTPKI_ACME_DNS_NAME=_acme-challenge.portal.example.com.", "HOSTPKI_ACME_DNS_VALUE=digest-value");
  }

  @Test
  void testPresent_aFailingHookFailsWithItsOutputAndStillGetsCleanedUp() throws Exception {
    Path log = dir.resolve("log");
    Dns01Hook hook = new Dns01Hook(
        List.of(script("echo \"$HOSTPKI_ACME_ACTION\" >> \"$1\"; [ \"$HOSTPKI_ACME_ACTION\" = cleanup ] || { echo 'zone \u001b[1mnot found'; exit 3; }")
            .toString(), log.toString()),
        Duration.ofSeconds(10), Map.of("PATH", "/usr/bin:/bin"));

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CHALLENGE_SETUP);
          assertThat(f.getMessage()).contains("exited with status 3", "zone \\x1b[1mnot found").doesNotContain("\u001b");
        });
    assertThat(hook.cleanUp()).isEmpty();
    assertThat(Files.readAllLines(log)).containsExactly("present", "cleanup");
  }

  @Test
  void testPresent_aHookThatHangsIsStoppedAtTheTimeoutWithItsChildren() throws Exception {
    Path pid = dir.resolve("pid");
    Dns01Hook hook = new Dns01Hook(List.of(script("sleep 60 & echo $! > \"$1\"; wait").toString(), pid.toString()),
        Duration.ofMillis(500), Map.of("PATH", "/usr/bin:/bin"));

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage()).contains("did not finish within 0 s"));
    long child = Long.parseLong(Files.readString(pid).strip());
    Thread.sleep(200);
    assertThat(running(child)).as("the hook's child was stopped too").isFalse();
  }

  @Test
  void testCleanUp_aFailingCleanupIsAWarning() throws Exception {
    Dns01Hook hook = new Dns01Hook(List.of(script("[ \"$HOSTPKI_ACME_ACTION\" = present ]").toString()),
        Duration.ofSeconds(10), Map.of("PATH", "/usr/bin:/bin"));
    hook.present(List.of(PORTAL));

    assertThat(hook.cleanUp()).singleElement().asString()
        .contains("could not remove the TXT record _acme-challenge.portal.example.com.", "remove it by hand");
  }

  @Test
  void testPresent_aMissingProgramSaysSo() {
    Dns01Hook hook = new Dns01Hook(List.of(dir.resolve("no-such-hook").toString()), Duration.ofSeconds(10), Map.of());

    assertThatThrownBy(() -> hook.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage()).contains("cannot be started"));
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
