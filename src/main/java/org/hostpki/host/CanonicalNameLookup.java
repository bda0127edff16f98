package org.hostpki.host;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import org.hostpki.model.IpAddresses;

/**
 * Asks the system resolver for a host's canonical (fully qualified) name, the way {@code hostname
 * -f} does. It may block for as long as the resolver does and may throw: {@link
 * LiveHostIdentityProbe} runs it on its own thread, bounded, and takes any failure as "no answer".
 */
@FunctionalInterface
public interface CanonicalNameLookup {

  /** The canonical name of {@code hostname}; empty when there is none. */
  Optional<String> canonicalName(String hostname) throws IOException;

  /** The system resolver: /etc/hosts, DNS, whatever nsswitch.conf says. */
  static CanonicalNameLookup system() {
    return hostname -> {
      String canonical = InetAddress.getByName(hostname).getCanonicalHostName();
      // The JDK answers with the address literal when the reverse lookup finds no name.
      return IpAddresses.parse(canonical).isPresent() ? Optional.empty() : Optional.of(canonical);
    };
  }
}
