package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellCommandTest {
  /** A path with every character sh treats specially that a folder name may hold. */
  static final String HOSTILE = "/tmp/my pki/it's $HOME `id` \"x\" \\ *?;&|<>(){}~#!\n\tend/host.yaml";

  @Test
  void testHostpki_eachWordReadBackBySh() throws Exception {
    String line = ShellCommand.hostpki("apply", "-f", Path.of(HOSTILE), "--replace", "ca");

    assertThat(argv(line)).containsExactly("apply", "-f", HOSTILE, "--replace", "ca");
  }

  @Test
  void testOf_plainWordsStayAsTheyAre() {
    assertThat(ShellCommand.hostpki("apply", "-f", "/etc/hostpki/host.yaml"))
        .isEqualTo("hostpki apply -f /etc/hostpki/host.yaml");
    assertThat(ShellCommand.of(List.of("fuser", "-v", "/var/lib/hostpki/.lock")))
        .isEqualTo("fuser -v /var/lib/hostpki/.lock");
    assertThat(ShellCommand.of("mv", "/srv/a b", "/srv/")).isEqualTo("mv '/srv/a b' /srv/");
  }

  /**
   * The words /bin/sh passes to a program named hostpki when {@code line} is pasted: the program
   * is a shell function that prints each argument NUL-terminated.
   */
  static List<String> argv(String line) throws IOException, InterruptedException {
    Process sh =
        new ProcessBuilder("/bin/sh", "-c", "hostpki() { printf '%s\\0' \"$@\"; }\n" + line)
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sh.getInputStream().transferTo(out);
    assertThat(sh.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(sh.exitValue()).as(out.toString(StandardCharsets.UTF_8)).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    return Arrays.asList(printed.substring(0, printed.length() - 1).split("\0", -1));
  }
}
