package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * The CLI with the real host-identity detection, in fresh UTS and network namespaces where the
 * test decides the hostname and the addresses: the plan must name them, and a changed address must
 * re-issue the server certificate saying which address changed. Needs root and util-linux's
 * {@code unshare}; skipped, with the reason, where that is not possible.
 */
@Tag(Tags.NAMESPACE)
class HostIdentityNamespaceTest {
  private static final long CHILD_TIMEOUT_SECONDS = 60;
  private static final int SETUP_IMPOSSIBLE = 77;

  @TempDir Path dir;

  @BeforeEach
  void writeDesiredState() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {domain: ns.example}\n");
  }

  /** A shell script that names the host and gives it one interface with these addresses. */
  private static String setup(String hostname, String... addresses) {
    List<String> lines = new ArrayList<>();
    lines.add("hostname " + hostname + " || exit 77");
    lines.add("ip link set lo up || exit 77");
    lines.add("if ip link add hp0 type dummy 2>/dev/null; then :");
    lines.add("elif ip link add hp0 type veth peer name hp1 && ip link set hp1 up; then :");
    lines.add("else echo 'neither a dummy nor a veth link can be created here' >&2; exit 77");
    lines.add("fi");
    lines.add("ip link set hp0 up || exit 77");
    for (String a : addresses) {
      lines.add("ip addr add " + a + (a.contains(":") ? "/64 dev hp0 nodad" : "/24 dev hp0") + " || exit 77");
    }
    lines.add("exec \"$0\" \"$@\"");
    return String.join("\n", lines);
  }

  @Test
  void testPlanAndApply_followTheRealHostIdentity() throws Exception {
    assumeNamespacesCanBeCreated();

    Child plan = hostpki(setup("ns-host", "192.0.2.77", "2001:db8::77"), "plan", "-f", "host.yaml");
    assertThat(plan.exitCode).as(plan.toString()).isZero();
    assertThat(plan.stdout).contains("+ server", "+ ca");

    Child status = hostpki(setup("ns-host", "192.0.2.77", "2001:db8::77"), "apply", "-f", "host.yaml");
    assertThat(status.exitCode).as(status.toString()).isZero();
    Child show = hostpki(setup("ns-host", "192.0.2.77", "2001:db8::77"), "status", "-f", "host.yaml");
    assertThat(show.stdout)
        .contains("Host     ns-host.ns.example [192.0.2.77, 2001:db8::77]")
        .contains("SANs ns-host.ns.example, ns-host, 192.0.2.77, 2001:db8::77");

    Child moved = hostpki(setup("ns-host", "192.0.2.78", "2001:db8::77"), "plan", "-f", "host.yaml");

    assertThat(moved.exitCode).as(moved.toString()).isZero();
    assertThat(moved.stdout)
        .contains("~ server")
        .contains("host identity changed: address 192.0.2.77 removed, address 192.0.2.78 added")
        .doesNotContain("~ ca");

    Child renamed = hostpki(setup("ns-other", "192.0.2.77", "2001:db8::77"), "plan", "-f", "host.yaml");

    assertThat(renamed.stdout)
        .contains("name ns-host.ns.example removed", "name ns-other.ns.example added")
        .doesNotContain("~ ca");
  }

  @Test
  void testAHostileKernelHostName_isRefusedAndShownEscaped() throws Exception {
    assumeNamespacesCanBeCreated();
    // sethostname(2) takes any bytes; hostname(1) and /proc stop at some of them.
    String setName =
        "python3 -c 'import socket, sys; socket.sethostname(sys.argv[1])'"
            + " \"$(printf 'evil\\033[1A\\033[2K\\nPlan: 0 to create\\342\\200\\256x')\" || exit 77\n"
            + "exec \"$0\" \"$@\"";

    Child plan = hostpki(setName, "plan", "-f", "host.yaml");

    assertThat(plan.exitCode).as(plan.toString()).isEqualTo(1);
    assertThat(plan.stderr)
        .isEqualTo(
            "error: could not detect the host name: the kernel host name"
                + " 'evil\\x1b[1A\\x1b[2K\\nPlan: 0 to create\\u202ex' (/proc/sys/kernel/hostname) is not a"
                + " valid DNS name: it holds control characters; set host.hostname in the desired state to"
                + " give it instead\n");
    assertThat(plan.stdout).isEmpty();
  }

  private Child hostpki(String setup, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("unshare", "--uts", "--net", "--", "sh", "-c", setup));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Child child = run(command);
    Assumptions.assumeTrue(
        child.exitCode != SETUP_IMPOSSIBLE,
        () -> skip("the namespace could not be set up: " + child.stderr.strip()));
    return child;
  }

  private void assumeNamespacesCanBeCreated() throws Exception {
    Child probe;
    try {
      probe = run(List.of("unshare", "--uts", "--net", "true"));
    } catch (IOException e) {
      Assumptions.abort(skip("cannot run unshare (" + e.getMessage() + ")"));
      return;
    }
    Assumptions.assumeTrue(
        probe.exitCode == 0,
        () -> skip("'unshare --uts --net' failed (not root?): " + probe.stderr.strip()));
  }

  private static String skip(String reason) {
    String message = "HostIdentityNamespaceTest skipped: " + reason;
    System.err.println(message);
    return message;
  }

  private Child run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("hostpki-ns", ".out");
    Path err = Files.createTempFile("hostpki-ns", ".err");
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("child " + process.pid() + " still running after " + CHILD_TIMEOUT_SECONDS + " s");
      }
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
    try {
      return new Child(
          process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private record Child(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
