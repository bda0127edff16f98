package org.hostpki.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CA host's {@code hostpki sign} may issue.
 *
 * @param allowedDomains DNS name patterns; {@code *.corp.example} allows any name below it
 * @param allowedNetworks the networks IP SANs must fall in
 * @param maxValidity the longest validity it issues
 */
public record SigningPolicy(
    List<String> allowedDomains, List<IpNetwork> allowedNetworks, Optional<Duration> maxValidity) {
  public SigningPolicy {
    allowedDomains = List.copyOf(allowedDomains);
    allowedNetworks = List.copyOf(allowedNetworks);
    Objects.requireNonNull(maxValidity, "maxValidity");
  }
}
