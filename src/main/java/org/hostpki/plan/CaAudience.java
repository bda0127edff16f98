package org.hostpki.plan;

import java.util.Optional;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ServerSpec;

/**
 * What clients see of the internal CA, and so what moves when a new CA takes over: the server
 * (issued by it, in the apply that makes the new CA sign), the hosts a fleet CA signs ({@code
 * ca.policy}: each at its next {@code hostpki sign}), or both. The warnings of a CA's renewal say
 * which (found in session 14's read: "the server moves to the new CA" was wrong for a fleet CA
 * whose server certificate comes from elsewhere).
 */
public record CaAudience(boolean server, boolean fleet) {
  /** Empty for a CA that signs nothing clients check (an external or ACME server, no fleet policy). */
  public static Optional<CaAudience> of(DesiredState desired) {
    boolean server = desired.server().issuer() == ServerSpec.Issuer.INTERNAL;
    boolean fleet = desired.ca().policy().isPresent();
    return server || fleet ? Optional.of(new CaAudience(server, fleet)) : Optional.empty();
  }

  /**
   * {@code the server moves to the new CA in the same apply}, {@code the hosts it signs (hostpki
   * sign) move to the new CA at their next signing}, or both joined.
   *
   * @param serverWhen when the server moves
   * @param fleetWhen when the hosts it signs move
   */
  String moves(String serverWhen, String fleetWhen) {
    String hosts = "the hosts it signs (hostpki sign)";
    if (!fleet) {
      return "the server moves to the new CA " + serverWhen;
    }
    if (!server) {
      return hosts + " move to the new CA " + fleetWhen;
    }
    return "the server moves to the new CA " + serverWhen + ", and " + hosts + " " + fleetWhen;
  }

  /** What clients that trust the CA by hand refuse: {@code it} (the server) or {@code them}. */
  String refused() {
    return fleet ? "them" : "it";
  }
}
