package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.IpAddresses;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * The real probe on a real (if small) host: a child JVM in new UTS and network namespaces, with a
 * host name and one interface holding one IPv4 and one IPv6 address. Needs root and util-linux's
 * {@code unshare}; skipped, with the reason, where that is not possible.
 */
@Tag(Tags.NAMESPACE)
class LiveHostIdentityProbeNamespaceTest {
  private static final long CHILD_TIMEOUT_SECONDS = 30;
  private static final int SETUP_IMPOSSIBLE = 77;

  /**
   * Runs as {@code sh -c SETUP java ARGS...}. A dummy link is the simplest interface; kernels
   * without the dummy module still have veth pairs (the peer only brings link-local addresses).
   */
  private static final String SETUP =
      String.join(
          "\n",
          "hostname probe-test-host || exit 77",
          "ip link set lo up || exit 77",
          "if ip link add hp0 type dummy 2>/dev/null; then :",
          "elif ip link add hp0 type veth peer name hp1 && ip link set hp1 up; then :",
          "else echo 'neither a dummy nor a veth link can be created here' >&2; exit 77",
          "fi",
          "ip link set hp0 up || exit 77",
          "ip addr add 192.0.2.77/24 dev hp0 || exit 77",
          "ip addr add 2001:db8::77/64 dev hp0 nodad || exit 77",
          "exec \"$0\" \"$@\"");

  @TempDir Path dir;

  @Test
  void testIdentify_inFreshNamespacesFindsItsHostnameAndAddresses() throws Exception {
    assumeNamespacesCanBeCreated();
    List<String> command =
        new ArrayList<>(List.of("unshare", "--uts", "--net", "--", "sh", "-c", SETUP));
    command.addAll(childJvm());

    Child child = run(command);

    Assumptions.assumeTrue(
        child.exitCode != SETUP_IMPOSSIBLE,
        () -> skip("the namespace could not be set up: " + child.stderr.strip()));
    assertThat(child.exitCode)
        .as("probe exit code; stdout: %s; stderr: %s", child.stdout, child.stderr)
        .isZero();
    assertThat(child.values("hostname")).containsExactly("probe-test-host");
    assertThat(child.values("address")).containsExactlyInAnyOrder("192.0.2.77", "2001:db8::77");
    assertThat(child.values("address"))
        .noneMatch(a -> IpAddresses.parse(a).orElseThrow().isLoopbackAddress());
  }

  /**
   * Found: one Latin-1 byte in the real /etc/resolv.conf stopped every run. Here a private mount
   * namespace puts such a file over /etc/resolv.conf for the child alone.
   */
  @Test
  void testIdentify_resolvConfWithALatin1CommentStillNamesTheDomain() throws Exception {
    assumeNamespacesCanBeCreated();
    Path resolvConf = dir.resolve("resolv.conf");
    Files.write(
        resolvConf,
        "# B\u00fcro M\u00fcnchen\nsearch office.example\nnameserver 192.0.2.53\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    Child child = probeWith(resolvConf, SETUP);

    assertThat(child.values("domain")).containsExactly("office.example");
  }

  /**
   * A host before its network and name are set: the kernel says localhost, not even lo is up (the
   * JDK then says "No network interfaces configured"), and resolv.conf has a search entry that is
   * no domain. Each is a note, not an error.
   */
  @Test
  void testIdentify_unnamedHostBeforeItsNetworkIsUp_notesEachGap() throws Exception {
    assumeNamespacesCanBeCreated();
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, "search exa_mple.com\nnameserver 192.0.2.53\n");
    Child child =
        probeWith(
            resolvConf,
            "hostname localhost.localdomain || exit 77\n" + "exec \"$0\" \"$@\"");

    assertThat(child.values("address")).isEmpty();
    assertThat(child.values("note"))
        .satisfiesExactly(
            n -> assertThat(n).startsWith("NO_HOSTNAME the host's name is 'localhost.localdomain'"),
            n -> assertThat(n).startsWith("NO_ADDRESS no address detected on the host"),
            n ->
                assertThat(n)
                    .startsWith("HOST_FILE /etc/resolv.conf:1: search entry 'exa_mple.com' left out"));
  }

  /**
   * The kernel's own address and link states, as a host with containers and SLAAC has them. Found:
   * an interface that is up without a carrier (Docker's docker0 once its last container stopped,
   * an unplugged cable; here a veth whose peer is down) lost its addresses from the identity, so
   * the certificate was re-issued whenever a container started or stopped. Kept too: a deprecated
   * address and the template of privacy addresses; left out: the privacy address made from it,
   * 127/8 and link-local addresses on a NIC, and the addresses of an interface set down. Found
   * too: an IPv4-mapped address Linux took on hp0 went into the identity as the IPv4 address
   * 198.51.100.7, which no packet for reaches this host; and the FQDN /etc/hosts gives the host
   * (hostname -f's) lost to resolv.conf's search entry. Found
   * too: host.ignoreInterfaces could not name a labelled address (keepalived's hp0:vip), which the
   * JDK lists with its interface as well. The mount namespace has its own sysfs, of its network
   * namespace.
   */
  @Test
  void testIdentify_kernelFlagsDecideWithoutCarrierChurn() throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n192.0.2.77 flags-host.hosts.example flags-host\n");
    Child child =
        probeWithResolvConf(
            "search flags.example\n",
            String.join(
                "\n",
                "mount --bind '" + hosts + "' /etc/hosts || exit 77",
                "hostname flags-host && mount -t sysfs sysfs /sys && ip link set lo up || exit 77",
                "ip link add hp0 type veth peer name hp1 || exit 77",
                "sysctl -qw net.ipv6.conf.hp0.use_tempaddr=2 net.ipv6.conf.hp0.accept_dad=0 || exit 77",
                "ip link set hp0 up && ip link set hp1 up || exit 77",
                "ip addr add 192.0.2.77/24 dev hp0 && ip addr add 127.1.2.3/8 dev hp0 || exit 77",
                "ip addr add 169.254.7.7/16 dev hp0 || exit 77",
                "ip addr add 2001:db8::1/64 dev hp0 mngtmpaddr || exit 77",
                "ip addr add 2001:db8::de/64 dev hp0 preferred_lft 0 || exit 77",
                "ip -6 addr add ::ffff:198.51.100.7/128 dev hp0 nodad || exit 77",
                "ip -6 addr show dev hp0 temporary | grep -q inet6 || exit 77",
                "ip link add hp2 type veth peer name hp3 && ip link set hp2 up || exit 77",
                "ip addr add 198.51.100.2/24 dev hp2 || exit 77",
                "ip link add hp4 type veth peer name hp5 || exit 77",
                "ip addr add 203.0.113.4/24 dev hp4 || exit 77",
                "ip addr add 192.0.2.78/24 dev hp0 label hp0:vip || exit 77",
                "exec \"$0\" \"$@\" 'hp0:v?p'"));

    assertThat(child.values("address"))
        .containsExactlyInAnyOrder("192.0.2.77", "2001:db8::1", "2001:db8::de", "198.51.100.2");
    assertThat(child.values("domain")).containsExactly("hosts.example");
  }

  /**
   * Found: a network namespace entered without a sysfs of its own (unshare --net or nsenter --net
   * without a new mount; systemd's PrivateNetwork=) sees the sysfs of the namespace it came from,
   * whose indexes also start at 1: sq0 set down here took the flags of the sq0 up there, of the
   * same index, and its address went into the identity. Here the inner namespace keeps the outer
   * one's sysfs; an interface up in it still counts.
   */
  @Test
  void testIdentify_anotherNamespacesSysfsDecidesNothing() throws Exception {
    Child child =
        probeWithResolvConf(
            "search flags.example\n",
            String.join(
                "\n",
                "mount -t sysfs sysfs /sys && ip link add sq1 type veth peer name sq0 || exit 77",
                "ip link add sq9 type veth peer name sq8 && ip link set sq0 up && ip link set sq1 up || exit 77",
                // not exec: this shell keeps the outer namespace, and so its sysfs, alive
                "unshare --net -- sh -c '"
                    + "ip link add sq1 type veth peer name sq0 && ip addr add 192.0.2.9/24 dev sq0 || exit 77",
                "ip link add sq3 type veth peer name sq2 && ip link set sq2 up && ip link set sq3 up || exit 77",
                "ip addr add 198.51.100.9/24 dev sq2 && [ \"$(cat /sys/class/net/sq0/ifindex)\" = 2 ] || exit 77",
                "exec \"$0\" \"$@\"' \"$0\" \"$@\""));

    assertThat(child.values("address")).containsExactly("198.51.100.9");
  }

  /** {@link #probeWith} a resolv.conf of this text, when namespaces can be created. */
  private Child probeWithResolvConf(String text, String setup) throws Exception {
    assumeNamespacesCanBeCreated();
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, text);
    return probeWith(resolvConf, setup);
  }

  /**
   * Runs the probe in new UTS, network and mount namespaces with {@code resolvConf} over
   * /etc/resolv.conf after {@code setup}; skips when they cannot be set up, fails when it fails.
   */
  private Child probeWith(Path resolvConf, String setup) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare", "--uts", "--net", "--mount", "--", "sh", "-c",
                "mount --bind \"$HOSTPKI_RESOLV_CONF\" /etc/resolv.conf || exit 77\n" + setup));
    command.addAll(childJvm());

    Child child = run(command, resolvConf);

    Assumptions.assumeTrue(
        child.exitCode != SETUP_IMPOSSIBLE,
        () -> skip("the namespace could not be set up: " + child.stderr.strip()));
    assertThat(child.exitCode).as("stdout: %s; stderr: %s", child.stdout, child.stderr).isZero();
    return child;
  }

  private static List<String> childJvm() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        ProbeMain.class.getName());
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
    String message = "LiveHostIdentityProbeNamespaceTest skipped: " + reason;
    System.err.println(message);
    return message;
  }

  /** Runs a command with a bounded wait; a child that hangs is killed by its process id. */
  private Child run(List<String> command) throws IOException, InterruptedException {
    return run(command, null);
  }

  /** With {@code HOSTPKI_RESOLV_CONF} naming a file for the child's setup, when not null. */
  private Child run(List<String> command, Path resolvConf) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    if (resolvConf != null) {
      builder.environment().put("HOSTPKI_RESOLV_CONF", resolvConf.toString());
    }
    Process process = builder.start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "child " + process.pid() + " still running after " + CHILD_TIMEOUT_SECONDS + " s");
      }
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
    return new Child(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private record Child(int exitCode, String stdout, String stderr) {
    /** The values of the ProbeMain lines starting with {@code key }. */
    List<String> values(String key) {
      return stdout.lines()
          .filter(line -> line.startsWith(key + " "))
          .map(line -> line.substring(key.length() + 1))
          .toList();
    }
  }
}
