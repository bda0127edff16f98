package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.RunningProcess;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/** The example units in examples/systemd, checked by systemd itself (skipped without systemd). */
@Tag(Tags.INTEROP)
class SystemdUnitsTest {
  private static final String[] UNITS = {
    "hostpki.service", "hostpki.timer", "hostpki-watch.service", "hostpki@.service", "hostpki@.timer", "hostpki-watch@.service"
  };

  @TempDir Path dir;

  private static Path examples() {
    return Cli.projectDir().resolve("examples/systemd");
  }

  private static Path systemdAnalyze() {
    Optional<Path> tool = Tool.SYSTEMD_ANALYZE.find();
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
    String launcher = Cli.projectDir().resolve("bin/hostpki").toString();
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

    ProcessResult run = Command.of(command).in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat((run.stdout() + run.stderr()).lines().filter(l -> l.contains("hostpki"))).as(run.toString()).isEmpty();
  }

  /**
   * The trust.install drop-in, as systemd merges it into each service (its [Service] lines after
   * the unit's own), passes verify too: every setting known, every path absolute.
   */
  @Test
  void testTrustInstallDropIn_passesSystemdVerifyInBothServices() throws Exception {
    Path tool = systemdAnalyze();
    unitCopies();
    String dropIn = Files.readString(examples().resolve("trust-install.conf"));
    assertThat(dropIn).contains("ReadWritePaths=-/usr/local/share/ca-certificates -/etc/ssl/certs");
    String service = dropIn.substring(dropIn.indexOf("[Service]") + "[Service]".length());
    List<String> command = new ArrayList<>(List.of(tool.toString(), "verify"));
    for (String unit : List.of("hostpki.service", "hostpki-watch.service")) {
      Path copy = dir.resolve(unit);
      String text = Files.readString(copy);
      int at = text.indexOf("[Service]") + "[Service]".length();
      // The commented lines too, uncommented: what a user enables must verify as well.
      Files.writeString(copy, text.substring(0, at) + service.replaceAll("(?m)^#(\\w+=)", "$1") + text.substring(at));
      command.add("./" + unit);
    }

    ProcessResult run = Command.of(command).in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat((run.stdout() + run.stderr()).lines().filter(l -> l.contains("hostpki"))).as(run.toString()).isEmpty();
  }

  /**
   * metrics.textfile under the units: the trial of two stores under the sandbox wrote their
   * stores and warned on every run that the metrics file's folder was read-only. The drop-in
   * opens the folder the documents' textfile is in, and passes verify in both services.
   */
  @Test
  void testMetricsDropIn_opensTheDocumentedTextfileFolderAndPassesVerify() throws Exception {
    Path tool = systemdAnalyze();
    unitCopies();
    String dropIn = Files.readString(examples().resolve("metrics-textfile.conf"));
    String folder = directives("metrics-textfile.conf").get("ReadWritePaths").get(0).substring(1);
    assertThat(Files.readString(Cli.projectDir().resolve("README.md")))
        .contains("textfile: " + folder + "/hostpki.prom", "metrics-textfile.conf");
    List<String> command = new ArrayList<>(List.of(tool.toString(), "verify"));
    for (String unit : List.of("hostpki.service", "hostpki-watch.service", "hostpki@.service")) {
      Path copy = dir.resolve(unit);
      String text = Files.readString(copy);
      int at = text.indexOf("[Service]") + "[Service]".length();
      Files.writeString(copy, text.substring(0, at) + dropIn.substring(dropIn.indexOf("[Service]") + 9) + text.substring(at));
      command.add("./" + unit);
    }

    ProcessResult run = Command.of(command).in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat((run.stdout() + run.stderr()).lines().filter(l -> l.contains("hostpki"))).as(run.toString()).isEmpty();
  }

  /**
   * trust.install's system target under the sandbox the units and trust-install.conf make: the
   * file system read-only except the drop-in's ReadWritePaths (each one that exists here, as a
   * private copy), a private /tmp, the units' capability bounding set and no_new_privs. Debian's
   * update-ca-certificates runs the hooks in /etc/ca-certificates/update.d, and
   * ca-certificates-java's (there wherever Debian's Java 17 is) records a dpkg trigger and runs
   * it: without /var/lib/dpkg writable it failed and Java's cacerts never got the CA.
   */
  @Test
  void testTrustInstallDropIn_letsUpdateCaCertificatesAndItsJavaHookWriteUnderTheSandbox() throws Exception {
    Tool.UPDATE_CA_CERTIFICATES.require();
    Assumptions.assumeTrue(Files.exists(Path.of("/etc/ca-certificates/update.d/jks-keystore")),
        "ca-certificates-java is not installed");
    Path scratch = Files.createDirectory(dir.resolve("rw"));
    List<String> setup = new ArrayList<>(List.of("mount -t tmpfs tmpfs " + scratch));
    int n = 0;
    for (String line : directives("trust-install.conf").get("ReadWritePaths")) {
      for (String path : line.split("\\s+")) {
        String p = path.startsWith("-") ? path.substring(1) : path;
        Path layer = scratch.resolve(Integer.toString(n++));
        if (Files.isRegularFile(Path.of(p))) {
          setup.add("mkdir -p " + layer + " && cp -p " + p + " " + layer + "/file && mount --bind " + layer + "/file " + p);
          continue;
        }
        if (!Files.isDirectory(Path.of(p))) {
          continue; // '-': the unit starts without it
        }
        setup.add("mkdir -p " + layer + "/upper " + layer + "/work && mount -t overlay overlay -o lowerdir=" + p
            + ",upperdir=" + layer + "/upper,workdir=" + layer + "/work " + p);
      }
    }
    setup.add("mount -t tmpfs tmpfs /tmp"); // PrivateTmp=yes
    setup.add("mount -o remount,bind,ro /"); // ProtectSystem=strict
    // The certificate goes in the script: a checkout under /tmp is hidden by the private /tmp.
    String pem = Files.readString(Cli.projectDir().resolve("examples/trusted/ldap-ca.pem"));
    String script = "set -e\ncat > /usr/local/share/ca-certificates/hostpki-unit-test.crt <<'PEM'\n" + pem
        + (pem.endsWith("\n") ? "" : "\n") + "PEM\n"
        + "before=$(sha256sum < /etc/ssl/certs/java/cacerts) && update-ca-certificates"
        + " && [ \"$before\" != \"$(sha256sum < /etc/ssl/certs/java/cacerts)\" ] && echo JAVA-CACERTS-UPDATED";

    ProcessResult run = Namespace.mount().setup(setup.toArray(String[]::new))
        .run(asTheUnitsRoot("sh", "-c", script));

    assertThat(run.output()).as(run.toString()).doesNotContain("Read-only file system", "exited with code");
    assertThat(run.stdout()).as(run.toString()).contains("JAVA-CACERTS-UPDATED");
  }

  /**
   * The command as the services run it: root, with no_new_privs and only the units' capability
   * bounding set (setpriv; the capabilities of root's next program are those of the set).
   */
  private static Command asTheUnitsRoot(String... command) throws IOException {
    StringBuilder bounding = new StringBuilder("-all");
    for (String cap : directives("hostpki.service").get("CapabilityBoundingSet").get(0).split("\\s+")) {
      bounding.append(",+").append(cap.toLowerCase(java.util.Locale.ROOT).substring("cap_".length()));
    }
    List<String> all = new ArrayList<>(List.of("setpriv", "--no-new-privs", "--inh-caps", "-all", "--bounding-set",
        bounding.toString()));
    all.addAll(List.of(command));
    return Command.of(all).timeout(Command.LONG_GUARD);
  }

  /**
   * http-01 through a webroot under the units: their root has no CAP_DAC_OVERRIDE, so a webroot
   * owned by the web server's user refused hostpki's .well-known while acme-webroot.conf said no
   * capability was needed. The one-time step the drop-in now gives (root's .well-known and
   * acme-challenge) lets the token be written with the units' capabilities alone.
   */
  @Test
  void testAcmeWebrootDropIn_saysHowAWebrootOwnedByTheWebServerTakesTokens() throws Exception {
    Namespace.mount().requireAvailable(); // root, as setpriv --bounding-set needs
    String prepare = Files.readAllLines(examples().resolve("acme-webroot.conf")).stream()
        .filter(l -> l.startsWith("#   install -d -o root")).findFirst().orElseThrow().substring(1).strip();
    Path prepared = Files.createDirectory(dir.resolve("prepared"));
    Path plain = Files.createDirectory(dir.resolve("plain"));
    for (Path webroot : List.of(prepared, plain)) {
      Command.of("chown", "65534:65534", webroot.toString()).run().assertSucceeded(); // the web server's user
    }
    Command.of("sh", "-c", prepare.replace("/var/www/html", prepared.toString())).run().assertSucceeded();

    ProcessResult refused = asTheUnitsRoot(org.hostpki.testkit.Jvm.commandLine(org.hostpki.acme.WebrootToken.class,
        plain.toString()).toArray(String[]::new)).run();
    ProcessResult written = asTheUnitsRoot(org.hostpki.testkit.Jvm.commandLine(org.hostpki.acme.WebrootToken.class,
        prepared.toString()).toArray(String[]::new)).run();

    assertThat(refused.stdout()).as(refused.toString()).contains("FAILED", "permission denied");
    assertThat(written.stdout()).as(written.toString()).contains("PRESENTED");
    assertThat(prepared.resolve(".well-known/acme-challenge/tok-1")).hasContent("tok-1.thumb");
  }

  @Test
  void testServices_areHardened() throws Exception {
    Path tool = systemdAnalyze();
    unitCopies();

    // Exposure 0.0 (locked down) .. 10.0 (unprotected); the units rate 2.1 ("OK").
    ProcessResult run =
        Command.of(tool.toString(), "security", "--offline=true", "--threshold=30", "./hostpki.service", "./hostpki-watch.service").in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  /**
   * The ACME drop-ins, installed beside both services as examples/systemd/README.md says: systemd
   * reads them (a typo would be reported), they pass verify, and the listeners' one grants
   * CAP_NET_BIND_SERVICE and nothing else while the services keep the rest of the hardening.
   */
  @Test
  void testAcmeDropIns_passVerifyAndGrantOnlyTheCapabilityToBindLowPorts() throws Exception {
    Path tool = systemdAnalyze();
    List<String> units = unitCopies();
    for (String service : List.of("hostpki.service", "hostpki-watch.service")) {
      Path dropIns = Files.createDirectory(dir.resolve(service + ".d"));
      for (String dropIn : List.of("acme-listeners.conf", "acme-webroot.conf")) {
        Files.copy(examples().resolve(dropIn), dropIns.resolve(dropIn));
      }
    }
    List<String> verify = new ArrayList<>(List.of(tool.toString(), "verify"));
    verify.addAll(units);

    ProcessResult verified = Command.of(verify).in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();
    ProcessResult security =
        Command.of(tool.toString(), "security", "--offline=true", "--threshold=30", "./hostpki.service", "./hostpki-watch.service")
            .in(dir).env(Map.of("SYSTEMD_LOG_COLOR", "0")).timeout(Command.LONG_GUARD).run();

    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    assertThat((verified.stdout() + verified.stderr()).lines().filter(l -> l.contains("hostpki")))
        .as(verified.toString()).isEmpty();
    assertThat(security.exitCode()).as(security.toString()).isZero();
    List<String> granted = security.stdout().lines().filter(l -> l.startsWith("✗ CapabilityBoundingSet=")).toList();
    // Each service: the outputs' two (CAP_CHOWN, CAP_DAC_READ_SEARCH) and the drop-in's one.
    assertThat(granted).as(security.stdout())
        .filteredOn(l -> l.contains("CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)"))
        .hasSize(2);
    assertThat(granted).as(security.stdout())
        .allMatch(l -> l.contains("~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)")
            || l.contains("~CAP_(DAC_*|FOWNER|IPC_OWNER)")
            || l.contains("~CAP_(CHOWN|FSETID|SETFCAP)"));
    assertThat(directives("acme-listeners.conf"))
        .isEqualTo(Map.of("CapabilityBoundingSet", List.of("CAP_NET_BIND_SERVICE")));
    assertThat(directives("acme-webroot.conf")).containsOnlyKeys("ReadWritePaths");
    for (String service : List.of("hostpki.service", "hostpki-watch.service")) {
      assertThat(directives(service).get("CapabilityBoundingSet"))
          .as("%s keeps only what outputs need", service)
          .containsExactly("CAP_CHOWN CAP_DAC_READ_SEARCH");
    }
  }

  @Test
  void testTimer_runsAfterBootAndEveryQuarterHourSpreadOverFiveMinutes() throws IOException {
    String timer = Files.readString(examples().resolve("hostpki.timer"));

    assertThat(timer.lines())
        .contains("OnBootSec=2min", "OnUnitActiveSec=15min", "RandomizedDelaySec=5min");
  }

  /**
   * Unattended runs renew inside a renewal window only after the host's own point in its first
   * half: a window must be at least twice the longest gap between two timer runs for one to fall
   * there. The units' README says how long, from the timer's numbers.
   */
  @Test
  void testTimer_readmeSaysHowLongARenewalWindowMustBe() throws IOException {
    Map<String, List<String>> timer = directives("hostpki.timer");
    int gapMinutes = Integer.parseInt(timer.get("OnUnitActiveSec").get(0).replace("min", ""))
        + Integer.parseInt(timer.get("RandomizedDelaySec").get(0).replace("min", ""));
    String readme = Files.readString(examples().resolve("README.md")).replaceAll("\\s+", " ");

    assertThat(readme).contains("give each window at least " + 2 * gapMinutes + " minutes");
    assertThat(Files.readString(Cli.projectDir().resolve("README.md")).replaceAll("\\s+", " "))
        .contains("a window needs " + 2 * gapMinutes + " minutes");
  }

  /** The directives of a unit file (KEY=VALUE lines, comments left out), by key. */
  private static Map<String, List<String>> directives(String unit) throws IOException {
    Map<String, List<String>> directives = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(examples().resolve(unit))) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[") || !l.contains("=")) {
        continue;
      }
      directives.computeIfAbsent(l.substring(0, l.indexOf('=')).strip(), k -> new ArrayList<>())
          .add(l.substring(l.indexOf('=') + 1).strip());
    }
    return directives;
  }

  /**
   * Several stores on one host: the templates are the units for one store with the instance's
   * desired state, password and name, and nothing else different — the same sandbox, exit codes
   * and timing, so what the tests here check of the plain units holds for every instance.
   */
  @Test
  void testTemplates_areThePlainUnitsWithTheInstancesFiles() throws IOException {
    Map<String, String> templates =
        Map.of("hostpki@.service", "hostpki.service", "hostpki@.timer", "hostpki.timer",
            "hostpki-watch@.service", "hostpki-watch.service");
    for (Map.Entry<String, String> t : templates.entrySet()) {
      Map<String, List<String>> expected = new java.util.TreeMap<>(directives(t.getValue()));
      expected.replaceAll((key, values) -> values.stream()
          .map(v -> v.replace("/etc/hostpki/host.yaml", "/etc/hostpki/%i.yaml")
              .replace("/etc/hostpki/p12-password", "/etc/hostpki/%i.p12-password")
              .replaceFirst("^hostpki( watch)?: (.*)this host's", "hostpki$1 (%i): $2this store's"))
          .toList());
      assertThat(directives(t.getKey())).as(t.getKey()).isEqualTo(expected);
    }
    assertThat(Files.readString(examples().resolve("README.md")))
        .contains("hostpki@nginx.timer", "/run/credentials/hostpki@nginx.service/p12-password");
  }

  /**
   * A template's comments are read by the operator of one instance: a command they show names an
   * instance (`systemctl reload hostpki-watch@nginx`), never the plain unit, which is not running
   * there (hostpki-watch@.service told them to reload hostpki-watch), and its file is INSTANCE.yaml.
   */
  @Test
  void testTemplates_commentsNameTheInstance() throws IOException {
    for (String template : List.of("hostpki@.service", "hostpki@.timer", "hostpki-watch@.service")) {
      List<String> comments = Files.readAllLines(examples().resolve(template)).stream()
          .filter(line -> line.startsWith("#"))
          .toList();
      assertThat(comments).as(template)
          .noneMatch(line -> line.matches(".*(systemctl|journalctl)\\b.*\\bhostpki(-watch)?(?![-\\w@]).*"))
          .noneMatch(line -> line.contains(" host.yaml"));
    }
  }

  /**
   * ProtectHostname=yes gives a service a private copy of the hostname taken at its start
   * (systemd.exec(5)): hostpki-watch.service never saw the host renamed, the one change it watches
   * for. Neither service may set it again, nor anything else that hides the host's UTS name.
   */
  @Test
  void testServices_seeTheHostsRealHostname() throws IOException {
    for (String unit : List.of("hostpki.service", "hostpki-watch.service")) {
      Map<String, List<String>> d = directives(unit);
      assertThat(d.getOrDefault("ProtectHostname", List.of()))
          .as("%s: ProtectHostname= (a private hostname)", unit)
          .allMatch(v -> v.equals("no") || v.equals("false"));
      assertThat(d).as(unit).doesNotContainKeys("PrivateHostname");
      // The rest of the hardening stays.
      assertThat(d).as(unit).containsKeys("ProtectSystem", "NoNewPrivileges", "SystemCallFilter",
          "ProtectKernelTunables", "ProtectClock", "CapabilityBoundingSet");
    }
  }

  /**
   * Outputs given to a service ({@code owner: postgres}, {@code store.access: {group: ssl-cert}})
   * need chown and reading back a file root no longer owns; the services reach their files
   * through the state directory without listing it. Nothing more: no CAP_DAC_OVERRIDE, no
   * CAP_FOWNER, nothing ambient.
   */
  @Test
  void testServices_grantWhatOutputsNeedAndNoMore() throws IOException {
    for (String unit : List.of("hostpki.service", "hostpki-watch.service")) {
      Map<String, List<String>> d = directives(unit);

      assertThat(d.get("CapabilityBoundingSet")).as(unit).containsExactly("CAP_CHOWN CAP_DAC_READ_SEARCH");
      assertThat(d.get("AmbientCapabilities")).as(unit).containsExactly("");
      assertThat(d.get("StateDirectoryMode")).as(unit).containsExactly("0751");
    }
  }

  /** No core dump of a crashed run or hook: it would hold the heap, private keys included. */
  @Test
  void testServices_dumpNoCore() throws IOException {
    for (String unit : List.of("hostpki.service", "hostpki-watch.service")) {
      assertThat(directives(unit).get("LimitCORE")).as(unit).containsExactly("0");
    }
  }

  /** The timer's runs are unattended: they honour a rollback's hold. */
  @Test
  void testTimerService_appliesUnattendedAndCountsAFailedHookAsAFailure() throws IOException {
    Map<String, List<String>> d = directives("hostpki.service");

    assertThat(d.get("ExecStart")).singleElement().asString().contains(" apply ", " --unattended");
    // Exit 3 (a hook failed, retried by the next run) leaves the unit failed, for alerting.
    assertThat(successStatuses("hostpki.service")).doesNotContain(3);
    assertThat(directives("hostpki-watch.service").get("ExecStart")).singleElement().asString()
        .contains(" watch ");
  }

  /**
   * {@code systemctl stop hostpki.service} during a run, as systemd sends it (the unit's KillMode=,
   * control-group by default: SIGTERM to apply and its hook at once). The JVM exits 143 on SIGTERM,
   * not by the signal, so systemd counted a stop it was asked for as a failure, for alerting and
   * {@code systemctl --failed}.
   */
  @Test
  void testTimerService_aRunStoppedBySystemctlStopIsNoFailure() throws Exception {
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n"
        + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
        + "hooks: {afterServerChange: [[sleep, '60']]}\n");
    String killMode = directives("hostpki.service").getOrDefault("KillMode", List.of("control-group")).get(0);
    ProcessResult stopped;
    try (RunningProcess apply = org.hostpki.testkit.Jvm.command(org.hostpki.cli.Main.class, "apply", "-f", "host.yaml",
        "--no-color").in(dir).timeout(Command.LONG_GUARD).start()) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!(apply.stdout() + apply.stderr()).contains("hook: running sleep 60") && apply.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<ProcessHandle> unit = new ArrayList<>();
      if (killMode.equals("control-group")) {
        ProcessHandle.of(apply.pid()).ifPresent(p -> p.descendants().forEach(unit::add));
      }
      Command.of("kill", "-TERM", Long.toString(apply.pid())).run().assertSucceeded();
      unit.forEach(ProcessHandle::destroy);
      stopped = apply.await(Duration.ofMinutes(1));
    }

    assertThat(stopped.stdout() + stopped.stderr()).as(stopped.toString()).contains("hook: running sleep 60");
    assertThat(successStatuses("hostpki.service")).as(stopped.toString()).contains(stopped.exitCode());
  }

  /**
   * A program a hook starts and leaves running is in hostpki's unit, and systemd stops it with the
   * unit: for the timer's oneshot, as each run ends. The guide said the daemon keeps running.
   */
  @Test
  void testDocs_sayADaemonAHookStartsIsStoppedWithTheUnit() throws IOException {
    Map<String, List<String>> d = directives("hostpki.service");
    assertThat(d.get("Type")).containsExactly("oneshot");
    assertThat(d).doesNotContainKey("RemainAfterExit");
    assertThat(d.getOrDefault("KillMode", List.of("control-group"))).allMatch(m -> !m.equals("process") && !m.equals("none"));

    assertThat(Files.readString(examples().resolve("README.md")).replaceAll("\\s+", " "))
        .contains("systemd stops it with the unit — at the end of each timer run");
    assertThat(Files.readString(Cli.projectDir().resolve("docs/guide.md")).replaceAll("\\s+", " "))
        .contains("the daemon keeps running, but under the shipped systemd units only until the unit stops");
  }

  /** The exit statuses systemd counts as success for the unit: 0 and its SuccessExitStatus= numbers. */
  private static List<Integer> successStatuses(String unit) throws IOException {
    List<Integer> statuses = new ArrayList<>(List.of(0));
    for (String value : directives(unit).getOrDefault("SuccessExitStatus", List.of())) {
      for (String token : value.split("\\s+")) {
        if (token.matches("\\d+")) {
          statuses.add(Integer.parseInt(token));
        }
      }
    }
    return statuses;
  }

  /** `systemctl reload hostpki-watch` is a SIGHUP, which watch takes as "look again now". */
  @Test
  void testWatchService_reloadIsASighupToWatch() throws IOException {
    assertThat(directives("hostpki-watch.service").get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
  }

  /**
   * The shipped examples never suggest a hook that fails on a fresh host: `systemctl reload`
   * fails while the service is not running yet; try-reload-or-restart does not.
   */
  @Test
  void testExamplesAndDocs_useAHookThatSucceedsWhileTheServiceIsDown() throws IOException {
    Path top = Cli.projectDir();
    List<Path> files = new ArrayList<>(List.of(top.resolve("README.md"), top.resolve("docs/guide.md"),
        top.resolve("ansible/ansible_collections/hostpki/pki/plugins/modules/store.py"),
        top.resolve("ansible/README.md"), top.resolve("schema/hostpki-v1.schema.json")));
    try (var examples = Files.walk(top.resolve("examples"))) {
      examples.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(md|yaml|yml|service|timer)$"))
          .forEach(files::add);
    }
    for (Path file : files) {
      String text = Files.readString(file);
      assertThat(text).as(file.toString())
          .doesNotContain("[systemctl, reload,", "systemctl reload nginx", "\"systemctl\", \"reload\"");
    }
    assertThat(Files.readString(examples().resolve("host.yaml")))
        .contains("- [systemctl, try-reload-or-restart, nginx]");
  }

  @Test
  void testExampleDesiredState_isValid() {
    LoadResult result = new DesiredStateLoader().load(examples().resolve("host.yaml"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.desiredState()).isPresent();
  }
}
