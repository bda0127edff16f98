package org.hostpki.host;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;

/**
 * Prints the live identity of the host it runs on, one fact per line ({@code hostname NAME},
 * {@code domain NAME} or {@code domain -}, {@code address ADDRESS}..., {@code note KIND MESSAGE}...),
 * or {@code error MESSAGE}
 * and exit code 1. {@link LiveHostIdentityProbeNamespaceTest} runs it in a fresh namespace. Its
 * arguments, if any, are host.ignoreInterfaces.
 */
final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    try {
      HostIdentity identity = LiveHostIdentityProbe.system()
              .identify(
                  args.length == 0
                      ? HostSpec.defaults()
                      : new HostSpec(
                          true, Optional.empty(), Optional.empty(), Optional.empty(), List.of(args)));
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
