package org.hostpki.host;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostIdentity;

/**
 * Detection of each part of the host identity on its own, so that a part the desired state gives
 * is never detected (and its detection cannot fail).
 */
interface HostDetection {

  /** The host name, split; its domain part is the first domain candidate. */
  HostName hostname();

  /** The domain from the remaining sources, for the given short host name; empty when unknown. */
  Optional<String> domain(String shortName);

  /** The addresses of the host, without those of the ignored interfaces. */
  List<InetAddress> addresses(List<String> ignoreInterfaces);

  /**
   * What the detection done so far found wanting: no address, a placeholder host name, an entry
   * of a host file left out. Only the parts the desired state does not give are detected, so only
   * they have notes.
   */
  List<HostIdentity.Note> notes();
}
