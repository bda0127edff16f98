package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag(Tags.NAMESPACE)
class NamespaceTest {
  @TempDir Path dir;

  @Test
  void testMount_aBindMountIsSeenByTheCommandOnly() throws Exception {
    Path real = Files.writeString(dir.resolve("real"), "machine\n");
    Path replacement = Files.writeString(dir.resolve("replacement"), "namespace\n");

    ProcessResult inside = Namespace.mount().bind(replacement, real).run(Command.of("cat", real.toString()));

    assertThat(inside.assertSucceeded().stdout()).isEqualTo("namespace\n");
    assertThat(Files.readString(real)).isEqualTo("machine\n");
  }

  @Test
  void testHost_hasItsOwnNameAndAddresses() {
    ProcessResult inside =
        Namespace.host()
            .hostName("kit-host")
            .addresses("192.0.2.66", "2001:db8::66")
            .run(Command.of("sh", "-c", "hostname; ip -o addr show dev hp0"));

    assertThat(inside.assertSucceeded().stdout()).startsWith("kit-host\n").contains("192.0.2.66/24", "2001:db8::66/64");
  }

  @Test
  void testSetup_aFailingStepIsReportedNotRun() {
    ProcessResult result =
        Namespace.mount().setup("false").wrap(Command.of("echo", "ran")).run();

    assertThat(result.exitCode()).isEqualTo(77);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("[namespace setup failed] false");
  }
}
