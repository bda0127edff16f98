package org.hostpki.host;

import java.net.InetAddress;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;

/**
 * Prints the live identity of the host it runs on, one fact per line ({@code hostname NAME},
 * {@code domain NAME} or {@code domain -}, {@code address ADDRESS}..., {@code note KIND MESSAGE}...),
 * or {@code error MESSAGE}
 * and exit code 1. {@link LiveHostIdentityProbeNamespaceTest} runs it in a fresh namespace.
 */
final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    try {
      HostIdentity identity = LiveHostIdentityProbe.system().identify(HostSpec.defaults());
      System.out.println("hostname " + identity.hostname());
      System.out.println("domain " + identity.domain().orElse("-"));
      for (InetAddress address : identity.addresses()) {
        System.out.println("address " + IpAddresses.format(address));
      }
      identity.notes().forEach(n -> System.out.println("note " + n.kind() + " " + n.message()));
    } catch (HostpkiException e) {
      System.out.println("error " + e.getMessage());
      System.exit(1);
    }
  }
}
