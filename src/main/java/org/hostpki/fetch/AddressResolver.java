package org.hostpki.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into the addresses to try, in order; injected so tests need no DNS. */
@FunctionalInterface
public interface AddressResolver {

  /**
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String hostName) throws UnknownHostException;

  /** The system resolver (hosts file, DNS, ... as the JDK configures it). */
  static AddressResolver system() {
    return hostName -> List.of(InetAddress.getAllByName(hostName));
  }
}
