package org.hostpki.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's alert rules, {@code examples/prometheus/hostpki.rules.yml}, checked by promtool. */
class AlertRulesTest {
  private static final Path RULES =
      Path.of(System.getProperty("hostpki.projectDir", ".")).resolve("examples/prometheus/hostpki.rules.yml").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void testRules_passPromtoolsCheck() throws Exception {
    Promtool.Result result = Promtool.run("", "check", "rules", RULES.toAbsolutePath().toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 14 rules found");
  }

  @Test
  void testRules_fireWhenTheyShould() throws Exception {
    Files.copy(RULES, dir.resolve("hostpki.rules.yml"));
    try (InputStream tests = getClass().getResourceAsStream("/prometheus/hostpki.rules.test.yml")) {
      Files.copy(tests, dir.resolve("hostpki.rules.test.yml"));
    }

    Promtool.Result result = Promtool.run("", "test", "rules", dir.resolve("hostpki.rules.test.yml").toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void testRules_useOnlyMetricsHostpkiWrites() throws IOException {
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("hostpki_[a-z_]+").matcher(Files.readString(RULES));
    while (m.find()) {
      used.add(m.group());
    }
    String written = StoreMetricsTest.render("/var/lib/hostpki", true, 3) + StoreMetricsTest.renderFailingAcme()
        + StoreMetricsTest.renderPhasedRotation()
        + StoreMetricsTest.renderFailingInstall();

    assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(written).contains("# TYPE " + name + " gauge"));
  }
}
