package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names the JVM cannot carry: bytes that are not UTF-8 arrive as U+FFFD (an existing file was "no
 * such file"), and in the C locale every non-ASCII name did ("internal error:
 * InvalidPathException").
 */
class ArgumentEncodingTest {
  @TempDir Path dir;

  @Test
  void testUndecodableArgument_isAUsageErrorSayingWhy() {
    CliResult run = Cli.in(dir).run("validate", "\uFFFD.yaml").assertExitCode(64);

    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("error: the argument '\uFFFD.yaml' holds ").endsWith("\n").hasLineCount(1);
  }

  @Test
  void testUndecodable_namesTheFixForTheLocaleItCameFrom() {
    String[] args = {"plan", "\uFFFD\uFFFD.yaml"};

    assertThat(ArgumentEncoding.undecodable(args, "UTF-8")).contains(
        "the argument '\uFFFD\uFFFD.yaml' holds bytes that are not UTF-8 (shown as \uFFFD), and hostpki reads names as"
            + " UTF-8; rename the file to a UTF-8 name (convmv -f latin1 -t utf8 NAME)");
    assertThat(ArgumentEncoding.undecodable(args, "ANSI_X3.4-1968")).contains(
        "the argument '\uFFFD\uFFFD.yaml' holds characters the locale's character set (ANSI_X3.4-1968) does not have"
            + " (shown as \uFFFD); run hostpki in a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
    assertThat(ArgumentEncoding.undecodable(new String[] {"plan", "zertifikäte.yaml"}, "UTF-8")).isEmpty();
  }

  @Test
  void testNameTheJvmRefuses_isOneErrorLineNotAnInternalError() {
    InvalidPathException ascii = new InvalidPathException("/srv/zertifikäte", "Malformed input or input contains unmappable characters");

    assertThat(ArgumentEncoding.unusable(ascii, "ANSI_X3.4-1968").headline()).isEqualTo(
        "cannot use the file name '/srv/zertifikäte': the locale's character set (ANSI_X3.4-1968) does not have its"
            + " characters; run hostpki in a UTF-8 locale, e.g. LC_ALL=C.UTF-8");

    CliResult run = Cli.in(dir).run("inspect", "a\u0000b").assertExitCode(1);
    assertThat(run.err()).isEqualTo("error: cannot use the file name 'a\\x00b': Nul character not allowed\n");
  }
}
