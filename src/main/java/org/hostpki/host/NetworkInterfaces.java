package org.hostpki.host;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The host's network interfaces, as a source that tests can replace. */
public interface NetworkInterfaces {

  /**
   * Every interface of the host, with its addresses as the system reports them.
   *
   * @throws IOException when the interfaces cannot be listed at all
   */
  List<Nic> list() throws IOException;

  /**
   * One network interface.
   *
   * @param name the kernel's name, e.g. {@code eth0}
   * @param up the interface is administratively up, with a carrier or not (a bridge without
   *     ports, an unplugged cable)
   * @param loopback it is a loopback interface
   * @param addresses its addresses, any kind (the probe filters them)
   */
  record Nic(String name, boolean up, boolean loopback, List<InetAddress> addresses) {
    public Nic {
      Objects.requireNonNull(name, "name");
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * The real interfaces, from {@link java.net.NetworkInterface}. On Linux, IPv6 privacy addresses
   * (RFC 4941, flagged temporary in {@code <root>/proc/net/if_inet6}) are left out: they rotate
   * daily and would make the server certificate churn; so are addresses still under duplicate
   * address detection or whose detection failed (another host on the link has them).
   *
   * @param root the file-system root to read {@code proc/net/if_inet6} under, normally {@code /}
   */
  static NetworkInterfaces system(Path root) {
    return new JdkNetworkInterfaces(root);
  }
}
