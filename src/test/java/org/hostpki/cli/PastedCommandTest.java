package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command hostpki prints for the operator, pasted into a real /bin/sh, runs with exactly the
 * words meant: the desired-state file's path has a space, a {@code '} and a {@code $} (a fake
 * hostpki on PATH prints the arguments it was given).
 */
class PastedCommandTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3cret-pw");

  @TempDir Path dir;
  private Path bin;

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectory(dir.resolve("bin"));
    Path fake = Files.writeString(bin.resolve("hostpki"), "#!/bin/sh\nprintf '%s\\0' \"$@\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path desired(String folder) throws IOException {
    return ExternalSetup.write(Files.createDirectories(dir.resolve(folder)), "192.0.2.10", null);
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).env(ENV).run(args);
  }

  @Test
  void testPrintedApplyCommands_pastedIntoShGiveTheFileAsOneWord() throws Exception {
    Path file = desired("my pki/it's $HOME");
    String path = file.toString();

    CliResult history = hostpki("history", "-f", path);
    CliResult status = hostpki("status", "-f", path);
    CliResult rollback = hostpki("rollback", "-f", path);

    assertThat(history.exitCode()).as(history.toString()).isZero();
    assertThat(pasted(history.out(), "'(hostpki apply .*)' to write the first"))
        .containsExactly("apply", "-f", path);
    assertThat(pasted(status.out(), "empty: run '(hostpki apply .*)'$"))
        .containsExactly("apply", "-f", path);
    assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(pasted(rollback.err(), "'(hostpki apply .*)' writes the first"))
        .containsExactly("apply", "-f", path);
  }

  @Test
  void testPrintedCommand_aNewlineInThePathIsShownEscapedOnOneLine() throws Exception {
    Path file = desired("a\nb");

    CliResult history = hostpki("history", "-f", file.toString());

    // The terminal shows the escape, not a line break that would end the command early: the
    // quoted word reads a\nb (backslash, n), so such a path cannot be pasted; it is visibly odd.
    assertThat(history.out())
        .contains("run 'hostpki apply -f '" + dir + "/a\\nb/host.yaml'' to write the first");
  }

  /** The words the command {@code pattern}'s group 1 finds in {@code printed} passes, run by sh. */
  private List<String> pasted(String printed, String pattern) throws IOException, InterruptedException {
    Matcher m = Pattern.compile(pattern, Pattern.MULTILINE).matcher(printed);
    assertThat(m.find()).as(printed).isTrue();
    ProcessBuilder sh = new ProcessBuilder("/bin/sh", "-c", m.group(1)).redirectErrorStream(true);
    sh.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process process = sh.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String argv = out.toString(StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(argv).isZero();
    return Arrays.asList(argv.substring(0, argv.length() - 1).split("\0", -1));
  }
}
