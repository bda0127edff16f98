package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Cli;
import org.hostpki.host.LiveHostIdentityProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command that takes {@code -f FILE} also takes FILE as an argument, and without either
 * reads HOSTPKI_CONFIG, then /etc/hostpki/host.yaml, saying which file it used.
 */
class DesiredStateFileTest {
  private static final String HOST =
      "apiVersion: hostpki/v1\nstore: {path: pki}\n"
          + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n";

  @TempDir Path dir;

  @BeforeEach
  void write() throws Exception {
    Files.writeString(dir.resolve("host.yaml"), HOST);
  }

  private CliResult hostpki(Map<String, String> env, String... args) {
    return Cli.in(dir).clock(Clock.systemUTC()).env(env).run(args);
  }

  @Test
  void testFileArgument_worksWhereverMinusFDoes() {
    assertThat(hostpki(Map.of(), "apply", "host.yaml").exitCode()).isZero();
    for (String[] line :
        new String[][] {
          {"plan", "host.yaml"}, {"plan", "--detailed-exitcode", "host.yaml"}, {"apply", "host.yaml", "--check"},
          {"status", "host.yaml"}, {"check", "host.yaml"}, {"history", "host.yaml"}, {"export", "ca-cert", "host.yaml"},
          {"export", "ca-cert", "-f", "host.yaml"}, {"validate", "host.yaml"}
        }) {
      CliResult run = hostpki(Map.of(), line);

      assertThat(run.exitCode()).as(String.join(" ", line) + "\n" + run).isZero();
      assertThat(run.err()).as("no note for a file that was named").doesNotContain("note:");
    }
    CliResult rollback = hostpki(Map.of(), "rollback", "host.yaml");
    assertThat(rollback.err()).contains("is the oldest kept one");
    CliResult sign = hostpki(Map.of(), "sign", "host.yaml", "--csr", "missing.csr");
    assertThat(sign.err()).contains("missing.csr does not exist");
    CliResult revoke = hostpki(Map.of(), "revoke", "host.yaml", "--serial", "01");
    assertThat(revoke.exitCode()).as(revoke.toString()).isEqualTo(ExitCodes.ERROR);
  }

  @Test
  void testEveryCommandWithMinusF_takesTheFileAsAnArgumentToo() {
    CommandLine hostpki =
        HostpkiCommand.commandLineFor(
            new PrintWriter(Writer.nullWriter()),
            new PrintWriter(Writer.nullWriter()),
            new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()));
    List<String> withMinusF = new ArrayList<>();
    for (Map.Entry<String, CommandLine> c : hostpki.getSubcommands().entrySet()) {
      CommandLine.Model.CommandSpec spec = c.getValue().getCommandSpec();
      if (spec.findOption("-f") != null) {
        withMinusF.add(c.getKey());
        assertThat(spec.positionalParameters())
            .as(c.getKey() + " takes -f FILE, so FILE as an argument too")
            .anyMatch(p -> p.paramLabel().equals("FILE"));
      }
    }
    assertThat(withMinusF)
        .contains("plan", "apply", "status", "check", "export", "history", "rollback", "sign", "revoke", "watch");
  }

  @Test
  void testSameFileTwice_isOne_twoFilesAreAUsageError() {
    assertThat(hostpki(Map.of(), "validate", "host.yaml").exitCode()).isZero();
    assertThat(hostpki(Map.of(), "plan", "-f", "host.yaml", "host.yaml").exitCode()).isZero();

    CliResult two = hostpki(Map.of(), "plan", "-f", "host.yaml", "other.yaml");
    assertThat(two.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(two.err()).startsWith("error: two desired-state files given, -f host.yaml and other.yaml: give one\n");
  }

  @Test
  void testAnEmptyFileName_isAUsageError_notTheWorkingDirectory() {
    for (String[] line : new String[][] {{"status", ""}, {"plan", "-f", ""}, {"export", "ca-cert", " "}}) {
      CliResult run = hostpki(Map.of(), line);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err().lines().findFirst().orElseThrow()).startsWith("error: the desired-state file name is empty");
    }
  }

  @Test
  void testHostpkiConfig_isUsedWithoutAFile_andSaidSo() {
    for (String command : List.of("plan", "status", "apply", "history", "validate")) {
      CliResult run = hostpki(Map.of("HOSTPKI_CONFIG", "host.yaml"), command);

      assertThat(run.exitCode()).as(command + "\n" + run).isZero();
      assertThat(run.err()).as(command).startsWith("note: desired state host.yaml (from HOSTPKI_CONFIG)\n");
    }
    CliResult named = hostpki(Map.of("HOSTPKI_CONFIG", "missing.yaml"), "status", "host.yaml");
    assertThat(named.exitCode()).as("a named file wins").isZero();
  }

  @Test
  void testHostpkiConfig_namingNoFile_saysWhere() {
    CliResult run = hostpki(Map.of("HOSTPKI_CONFIG", "missing.yaml"), "plan");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).startsWith("note: desired state missing.yaml (from HOSTPKI_CONFIG)\n").contains("missing.yaml: error: no such file");
  }

  @Test
  void testNoFileAtAll_isAUsageErrorSayingWhatToDo() {
    FileSystem empty = Jimfs.newFileSystem(Configuration.unix());
    Path work = empty.getPath("/home/op");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment environment =
        new Environment(empty, work, Map.of(), Clock.systemUTC(), LiveHostIdentityProbe.system(), false);

    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, "status");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().lines())
        .containsExactly(
            "error: no desired-state file: name one (hostpki status FILE, or -f FILE), set HOSTPKI_CONFIG,"
                + " or write /etc/hostpki/host.yaml ('hostpki init -o /etc/hostpki/host.yaml' starts one)",
            "Run 'hostpki status --help' for its usage.");
  }

  @Test
  void testEtcHostpkiHostYaml_isTheDefault() throws Exception {
    FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
    Files.createDirectories(fs.getPath("/etc/hostpki"));
    Files.writeString(fs.getPath("/etc/hostpki/host.yaml"), HOST);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment environment =
        new Environment(fs, fs.getPath("/"), Map.of(), Clock.systemUTC(), LiveHostIdentityProbe.system(), false);

    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, "validate");

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString())
        .isEqualTo("note: desired state /etc/hostpki/host.yaml (the default)\n1 file checked: valid, 0 warnings\n");
  }
}
