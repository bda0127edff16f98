package org.hostpki.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link NetworkInterfaces} from the JDK, without the IPv6 addresses {@link Ipv6LeftOutAddresses}
 * names (privacy addresses, and those under or failed in duplicate address detection).
 */
final class JdkNetworkInterfaces implements NetworkInterfaces {
  /** What the JDK throws, on Linux, when no interface has an address (not even lo is up). */
  private static final String NONE_CONFIGURED = "No network interfaces configured";

  private final Path root;

  JdkNetworkInterfaces(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public List<Nic> list() throws IOException {
    Set<String> leftOut = Ipv6LeftOutAddresses.read(root.resolve("proc/net/if_inet6"));
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
    for (NetworkInterface nic : Collections.list(all)) {
      boolean up;
      boolean loopback;
      try {
        up = nic.isUp();
        loopback = nic.isLoopback();
      } catch (SocketException vanishedWhileListing) {
        continue;
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (!leftOut.contains(Ipv6LeftOutAddresses.key(address.getAddress(), nic.getName()))) {
          addresses.add(address);
        }
      }
      nics.add(new Nic(nic.getName(), up, loopback, addresses));
    }
    return nics;
  }
}
