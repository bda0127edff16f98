package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostpki.host.NetworkInterfaces.Nic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real interfaces of the machine the tests run on: every machine has a loopback one. */
class JdkNetworkInterfacesTest {

  @Test
  void testList_includesAnUpLoopbackInterfaceWithALoopbackAddress() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      List<Nic> nics = NetworkInterfaces.system(fs.getPath("/")).list();

      assertThat(nics)
          .anySatisfy(
              nic -> {
                assertThat(nic.loopback()).isTrue();
                assertThat(nic.up()).isTrue();
                assertThat(nic.addresses()).anyMatch(a -> a.isLoopbackAddress());
              });
    }
  }

  /**
   * The IPv6 addresses are those of the one reading of if_inet6 that decides which are left out,
   * not the JDK's own reading a moment later: in a trial, privacy addresses made in between (60
   * prefixes rotating theirs) went into the host identity every few seconds. Here the file is the
   * test's, so only it can list 2001:db8::77 on lo, and 2001:db8::78, temporary, stays out.
   */
  @Test
  void testList_ipv6AddressesComeFromTheReadingThatLeavesPrivacyAddressesOut() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/");
      Files.createDirectories(root.resolve("proc/net"));
      Files.writeString(
          root.resolve("proc/net/if_inet6"),
          "20010db8000000000000000000000077 01 80 00 80       lo\n"
              + "20010db8000000000000000000000078 01 80 00 01       lo\n");

      List<InetAddress> lo =
          NetworkInterfaces.system(root).list().stream()
              .filter(nic -> nic.name().equals("lo"))
              .findFirst()
              .orElseThrow()
              .addresses();

      assertThat(lo)
          .contains(InetAddress.getByName("2001:db8::77"))
          .doesNotContain(InetAddress.getByName("2001:db8::78"))
          .anyMatch(a -> a.getAddress().length == 4); // IPv4 still from the JDK
    }
  }

  /**
   * sysfs says an interface is up without a carrier (flags 0x1003: up, broadcast, multicast);
   * sysfs of another network namespace (another index under that name), a down interface, a
   * missing or garbled file say nothing.
   */
  @Test
  void testAdministrativelyUp_readsTheKernelFlagsOfThisNamespaceOnly() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/");
      sysfs(root, "docker0", "3\n", "0x1003\n");
      sysfs(root, "eth1", "4\n", "0x1002\n");
      sysfs(root, "odd0", "5\n", "1003\n");

      assertThat(JdkNetworkInterfaces.administrativelyUp(root, "docker0", 3)).isTrue();
      assertThat(JdkNetworkInterfaces.administrativelyUp(root, "docker0", 7)).isFalse();
      assertThat(JdkNetworkInterfaces.administrativelyUp(root, "eth1", 4)).isFalse();
      assertThat(JdkNetworkInterfaces.administrativelyUp(root, "odd0", 5)).isFalse();
      assertThat(JdkNetworkInterfaces.administrativelyUp(root, "none0", 6)).isFalse();
    }
  }

  /**
   * Found: a mount namespace that kept another network namespace's sysfs (unshare --net, nsenter
   * --net) showed the host's eth0, index 2 like the eth0 set down here, and its addresses went
   * into the certificate. sysfs is this namespace's only when it lists the names proc/net/dev
   * does (a bonding driver's file among them aside); without proc/net/dev, the index alone.
   */
  @Test
  void testSysfsOfThisNamespace_onlyWhenItListsTheInterfacesProcNetDevDoes(@TempDir Path root)
      throws IOException {
    sysfs(root, "lo", "1\n", "0x9\n");
    sysfs(root, "eth0", "2\n", "0x1003\n");
    Files.writeString(root.resolve("sys/class/net/bonding_masters"), "\n");
    assertThat(JdkNetworkInterfaces.sysfsOfThisNamespace(root)).isTrue();

    Files.createDirectories(root.resolve("proc/net"));
    Files.writeString(root.resolve("proc/net/dev"), procNetDev("lo", "eth0"));
    assertThat(JdkNetworkInterfaces.sysfsOfThisNamespace(root)).isTrue();

    Files.writeString(root.resolve("proc/net/dev"), procNetDev("lo", "eth0", "x"));
    assertThat(JdkNetworkInterfaces.sysfsOfThisNamespace(root)).isFalse();
    Files.writeString(root.resolve("proc/net/dev"), procNetDev("lo"));
    assertThat(JdkNetworkInterfaces.sysfsOfThisNamespace(root)).isFalse();
  }

  private static String procNetDev(String... names) {
    StringBuilder text =
        new StringBuilder(
            "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes\n");
    for (String name : names) {
      text.append(String.format("%6s: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0%n", name));
    }
    return text.toString();
  }

  private static void sysfs(Path root, String name, String ifindex, String flags)
      throws IOException {
    Path folder = Files.createDirectories(root.resolve("sys/class/net").resolve(name));
    Files.writeString(folder.resolve("ifindex"), ifindex);
    Files.writeString(folder.resolve("flags"), flags);
  }
}
