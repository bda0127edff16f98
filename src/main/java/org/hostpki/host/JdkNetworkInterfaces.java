package org.hostpki.host;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link NetworkInterfaces} from the JDK, without the IPv6 addresses {@link Ipv6LeftOutAddresses}
 * names (privacy addresses, and those under or failed in duplicate address detection).
 *
 * <p>An interface is up when it is administratively up, carrier or not. The JDK's {@code isUp()}
 * also asks for a carrier ({@code IFF_RUNNING}), which Docker's {@code docker0} bridge loses when
 * its last container stops and an unplugged cable takes from a NIC, while their addresses stay
 * configured: the server certificate was re-issued each time a container started or stopped. The
 * kernel's own flags come from {@code <root>/sys/class/net/NAME/flags}, when that file is of this
 * network namespace (sysfs lists the interfaces {@code proc/net/dev} does, and its {@code ifindex}
 * is the interface's).
 */
final class JdkNetworkInterfaces implements NetworkInterfaces {
  /** What the JDK throws, on Linux, when no interface has an address (not even lo is up). */
  private static final String NONE_CONFIGURED = "No network interfaces configured";
  /** The kernel's flag of an interface that is administratively up ({@code ip link set up}). */
  private static final long IFF_UP = 0x1;

  private final Path root;

  JdkNetworkInterfaces(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public List<Nic> list() throws IOException {
    // IPv6 addresses from one reading of if_inet6, when there is one: the JDK's own reading comes
    // later, and may list a privacy address made meanwhile that this one could not leave out.
    Optional<Map<String, List<InetAddress>>> ipv6 = Ipv6LeftOutAddresses.kept(root.resolve("proc/net/if_inet6"));
    List<Nic> nics = new ArrayList<>();
    Enumeration<NetworkInterface> all;
    try {
      all = NetworkInterface.getNetworkInterfaces();
    } catch (SocketException e) {
      if (NONE_CONFIGURED.equals(e.getMessage())) {
        return nics; // not even lo is up: no address, which the plan notes (host-no-address)
      }
      throw e;
    }
    if (all == null) {
      return nics;
    }
    Boolean sysfsHere = null; // asked once, and only for an interface the JDK says is not up
    for (NetworkInterface nic : Collections.list(all)) {
      boolean up;
      boolean loopback;
      try {
        up = nic.isUp();
        if (!up && (sysfsHere != null ? sysfsHere : (sysfsHere = sysfsOfThisNamespace(root)))) {
          up = administrativelyUp(root, nic.getName(), nic.getIndex());
        }
        loopback = nic.isLoopback();
      } catch (SocketException vanishedWhileListing) {
        continue;
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (ipv6.isEmpty() || !(address instanceof Inet6Address)) {
          addresses.add(address);
        }
      }
      ipv6.ifPresent(kept -> addresses.addAll(kept.getOrDefault(nic.getName(), List.of())));
      // An IPv4 address with a label (ip addr add … label eth0:vip, keepalived's) is a virtual
      // interface of its own, which host.ignoreInterfaces can name; the JDK lists it twice.
      List<Nic> labels = new ArrayList<>();
      for (NetworkInterface labelled : Collections.list(nic.getSubInterfaces())) {
        List<InetAddress> own = Collections.list(labelled.getInetAddresses());
        addresses.removeAll(own);
        labels.add(new Nic(labelled.getName(), up, loopback, own));
      }
      nics.add(new Nic(nic.getName(), up, loopback, addresses));
      nics.addAll(labels);
    }
    return nics;
  }

  /**
   * Whether {@code <root>/sys/class/net} lists the interfaces of this process's network namespace,
   * the names {@code <root>/proc/net/dev} lists. A mount namespace that kept another network
   * namespace's sysfs ({@code unshare --net}, {@code nsenter --net}, systemd's {@code
   * PrivateNetwork=}) shows that one's interfaces, and indexes start at 1 in every namespace: an
   * eth0 set down here took the flags of the host's eth0 of the same index, and its addresses went
   * into the certificate. Without a readable {@code proc/net/dev}, the index check alone decides.
   */
  static boolean sysfsOfThisNamespace(Path root) {
    Set<String> here = new HashSet<>();
    try {
      for (String line : HostFiles.text(root.resolve("proc/net/dev")).split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          here.add(line.substring(0, colon).strip());
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      return true;
    }
    // folders only: the bonding driver adds a file, bonding_masters
    try (Stream<Path> listed = Files.list(root.resolve("sys/class/net"))) {
      return !here.isEmpty()
          && listed.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet()).equals(here);
    } catch (IOException | RuntimeException unreadable) {
      return false;
    }
  }

  /**
   * Whether sysfs under {@code root} says the interface with this name and index is
   * administratively up; false when it says nothing (no such file, another network namespace's).
   */
  static boolean administrativelyUp(Path root, String name, int index) {
    Path folder = root.resolve("sys/class/net").resolve(name);
    try {
      if (Integer.parseInt(HostFiles.text(folder.resolve("ifindex")).strip()) != index) {
        return false;
      }
      String flags = HostFiles.text(folder.resolve("flags")).strip();
      if (!flags.startsWith("0x")) {
        return false;
      }
      return (Long.parseLong(flags.substring(2), 16) & IFF_UP) != 0;
    } catch (IOException | RuntimeException noSuchInformation) {
      return false;
    }
  }
}
