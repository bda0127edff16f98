package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example units in examples/systemd, checked by systemd itself (skipped without systemd). */
class SystemdUnitsTest {
  private static final String[] UNITS = {"hostpki.service", "hostpki.timer", "hostpki-watch.service"};

  @TempDir Path dir;

  private static Path examples() {
    return Tools.projectDir().resolve("examples/systemd");
  }

  private static Path systemdAnalyze() {
    Optional<Path> tool = Tools.onPath("systemd-analyze");
    if (tool.isEmpty()) {
      System.out.println("SKIPPED: systemd-analyze is not installed (Debian: apt-get install systemd)");
    }
    Assumptions.assumeTrue(tool.isPresent(), "systemd-analyze is not installed");
    return tool.get();
  }

  /**
   * Copies of the units whose ExecStart points at this checkout's launcher: verify insists that
   * the program exists, and /opt/hostpki does not here.
   */
  private List<String> unitCopies() throws IOException {
    String launcher = Tools.projectDir().resolve("bin/hostpki").toString();
    List<String> copies = new ArrayList<>();
    for (String unit : UNITS) {
      String text = Files.readString(examples().resolve(unit));
      Files.writeString(dir.resolve(unit), text.replace("/opt/hostpki/bin/hostpki", launcher));
      copies.add("./" + unit);
    }
    return copies;
  }

  @Test
  void testUnits_passSystemdVerifyWithoutAnyComplaint() throws Exception {
    Path tool = systemdAnalyze();
    List<String> command = new ArrayList<>(List.of(tool.toString(), "verify"));
    command.addAll(unitCopies());

    Tools.Run run = Tools.run(dir, Map.of("SYSTEMD_LOG_COLOR", "0"), command);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat((run.out() + run.err()).lines().filter(l -> l.contains("hostpki"))).as(run.toString()).isEmpty();
  }

  @Test
  void testServices_areHardened() throws Exception {
    Path tool = systemdAnalyze();
    unitCopies();

    // Exposure 0.0 (locked down) .. 10.0 (unprotected); the units rate 2.1 ("OK").
    Tools.Run run =
        Tools.run(
            dir, Map.of("SYSTEMD_LOG_COLOR", "0"),
            tool.toString(), "security", "--offline=true", "--threshold=30",
            "./hostpki.service", "./hostpki-watch.service");

    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  @Test
  void testTimer_runsAfterBootAndEveryQuarterHourSpreadOverFiveMinutes() throws IOException {
    String timer = Files.readString(examples().resolve("hostpki.timer"));

    assertThat(timer.lines())
        .contains("OnBootSec=2min", "OnUnitActiveSec=15min", "RandomizedDelaySec=5min");
  }

  @Test
  void testExampleDesiredState_isValid() {
    LoadResult result = new DesiredStateLoader().load(examples().resolve("host.yaml"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.desiredState()).isPresent();
  }
}
