package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * The .deb made by {@code mvn package}, installed with dpkg and used, then removed, in a private
 * mount namespace whose /usr, /etc and /var are overlays of the machine's on a tmpfs: dpkg
 * really runs (maintainer scripts, triggers, its database), and the machine itself never changes.
 */
class DebianPackageIT {
  @TempDir Path dir;

  /** Runs inside the namespace; each check prints a "== name" line, then its output and "rc=N". */
  private static final String SCRIPT =
      """
      set -u
      deb=$1 scratch=$2
      mount -t tmpfs tmpfs "$scratch" || exit 90
      for d in usr etc var; do
        mkdir -p "$scratch/$d.upper" "$scratch/$d.work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=$scratch/$d.upper,workdir=$scratch/$d.work" "/$d" || exit 91
      done
      # man-db's trigger rebuilds the whole manual index on every install and removal: the
      # slowest part, and man -w needs no index (Debian: removing auto-update turns it off)
      rm -f /var/lib/man-db/auto-update
      check() { name=$1; shift; echo "== $name"; "$@" 2>&1; echo "rc=$?"; }
      # systemd as the maintainer scripts see it: /run/systemd/system, and a systemctl that logs
      mount -t tmpfs tmpfs /run || exit 92
      mkdir -p /run/systemd/system "$scratch/bin"
      printf '#!/bin/sh\necho "$*" >> %s/systemctl.log\n' "$scratch" > "$scratch/bin/systemctl"
      chmod +x "$scratch/bin/systemctl"
      PATH="$scratch/bin:$PATH"
      check install dpkg -i "$deb"
      check systemctl-install cat "$scratch/systemctl.log"
      # what dpkg runs last on an upgrade from 0.0.9 (a second dpkg -i would make the archive again)
      check upgrade sh /var/lib/dpkg/info/hostpki.postinst configure 0.0.9
      check systemctl-upgrade cat "$scratch/systemctl.log"
      check archive test -s /usr/share/hostpki/lib/hostpki.jsa
      check version hostpki --version
      check plan sh -c 'cd "$0" && printf "apiVersion: hostpki/v1\\nstore: {path: pki}\\n" > host.yaml && hostpki apply -f host.yaml >/dev/null && hostpki plan -f host.yaml' "$scratch"
      check man1 man -w hostpki
      check man5 man -w 5 hostpki.yaml
      check bash bash --norc -c '. /usr/share/bash-completion/completions/hostpki && complete -p hostpki'
      if [ -f /usr/share/bash-completion/bash_completion ]; then
        check bash-loader bash --norc -c '. /usr/share/bash-completion/bash_completion && _completion_loader hostpki; complete -p hostpki'
      fi
      check zsh zsh -f -c 'autoload -Uz compinit && compinit -u -D && print -r -- $_comps[hostpki]'
      check fish env HOME="$scratch" fish -c 'complete -C "hostpki exp"'
      check units sh -c 'ls /lib/systemd/system/hostpki* && grep -h ^ExecStart= /lib/systemd/system/hostpki*.service'
      dpkg -L hostpki > "$scratch/files"
      : > "$scratch/systemctl.log"
      check remove dpkg -r hostpki
      check systemctl-remove cat "$scratch/systemctl.log"
      echo "== left"
      while read -r f; do
        if [ -e "$f" ] && [ ! -d "$f" ]; then echo "$f"; fi
      done < "$scratch/files"
      [ -e /usr/share/hostpki ] && echo /usr/share/hostpki
      [ -e /usr/bin/hostpki ] && echo /usr/bin/hostpki
      echo "rc=0"
      check purge dpkg -P hostpki
      check status dpkg -s hostpki
      """;

  private static Path deb() throws Exception {
    try (Stream<Path> files = Files.list(Cli.projectDir().resolve("target"))) {
      return files.filter(p -> p.getFileName().toString().matches("hostpki_.*_all\\.deb"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no target/hostpki_*_all.deb: run after 'mvn package'"));
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** One check's output (without its rc line) and its exit code. */
  private record Check(String output, int exitCode) {}

  private static Check check(String transcript, String name) {
    int start = transcript.indexOf("== " + name + "\n");
    assertThat(start).as("check %s ran:\n%s", name, transcript).isNotNegative();
    String rest = transcript.substring(start + name.length() + 4);
    int rc = rest.indexOf("rc=");
    int end = rest.indexOf('\n', rc);
    return new Check(rest.substring(0, rc), Integer.parseInt(rest.substring(rc + 3, end < 0 ? rest.length() : end).strip()));
  }

  @Test
  void testPackage_installsWorksAndRemovesCleanlyWithoutTouchingTheMachine() throws Exception {
    Tool.DPKG.require();
    Tool.MAN.require();
    Tool.ZSH.require();
    Tool.FISH.require();
    Path status = Path.of("/var/lib/dpkg/status");
    String statusBefore = sha256(status);
    Path deb = deb();
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    Path script = dir.resolve("install.sh");
    Files.writeString(script, SCRIPT);

    ProcessResult run =
        Namespace.mount()
            .run(
                Command.of("sh", script.toString(), deb.toString(), scratch.toString())
                    .in(dir)
                    .env(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", ""))
                    .timeout(Command.LONG_GUARD));
    String t = run.stdout();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(check(t, "install").exitCode()).as(t).isZero();
    assertThat(check(t, "systemctl-install").output()).as(t).contains("--system daemon-reload").doesNotContain("restart");
    // An upgrade restarts a running watch, which would go on with the old version's code.
    assertThat(check(t, "upgrade").exitCode()).as(t).isZero();
    assertThat(check(t, "systemctl-upgrade").output())
        .as(t)
        .endsWith("--system daemon-reload\n--system try-restart hostpki-watch.service hostpki-watch@*.service\n");
    assertThat(check(t, "archive").exitCode()).as("postinst made the start-up archive\n" + t).isZero();
    Check version = check(t, "version");
    assertThat(version.exitCode()).as(t).isZero();
    assertThat(version.output()).startsWith("hostpki ").contains("  bouncycastle  1.");
    Check plan = check(t, "plan");
    assertThat(plan.exitCode()).as(t).isZero();
    assertThat(plan.output()).contains("No changes");
    assertThat(check(t, "man1").output().strip()).isEqualTo("/usr/share/man/man1/hostpki.1.gz");
    assertThat(check(t, "man5").output().strip()).isEqualTo("/usr/share/man/man5/hostpki.yaml.5.gz");
    assertThat(check(t, "bash").output()).contains("complete -F _hostpki hostpki");
    if (t.contains("== bash-loader")) {
      assertThat(check(t, "bash-loader").output()).as("bash-completion loads it on demand").contains("complete -F _hostpki hostpki");
    }
    assertThat(check(t, "zsh").output().strip()).isEqualTo("_hostpki");
    // fish offers each command with the first line of its description
    assertThat(check(t, "fish").output().strip()).startsWith("export\tWrite a certificate, chain, CSR").doesNotContain("\n");
    assertThat(check(t, "units").output())
        .contains("/lib/systemd/system/hostpki.service", "/lib/systemd/system/hostpki.timer", "/lib/systemd/system/hostpki-watch.service")
        .contains("/lib/systemd/system/hostpki@.service", "/lib/systemd/system/hostpki@.timer", "/lib/systemd/system/hostpki-watch@.service")
        .contains("ExecStart=/usr/bin/hostpki apply")
        .doesNotContain("/opt/hostpki");
    assertThat(check(t, "remove").exitCode()).as(t).isZero();
    // A removal stops the timers and a running watch, which would go on with the removed code.
    assertThat(check(t, "systemctl-remove").output())
        .as(t)
        .startsWith("--system stop hostpki.timer hostpki@*.timer hostpki-watch.service hostpki-watch@*.service\n")
        .endsWith("--system daemon-reload\n");
    assertThat(check(t, "left").output()).as("files left after dpkg -r").isEmpty();
    assertThat(check(t, "purge").exitCode()).as(t).isZero();
    assertThat(check(t, "status").exitCode()).as("dpkg -s after purging\n" + t).isNotZero();

    // the machine: as it was
    assertThat(Path.of("/usr/bin/hostpki")).doesNotExist();
    assertThat(Path.of("/usr/share/hostpki")).doesNotExist();
    assertThat(sha256(status)).as("/var/lib/dpkg/status").isEqualTo(statusBefore);
  }
}
