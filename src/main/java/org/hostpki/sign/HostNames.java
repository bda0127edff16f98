package org.hostpki.sign;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.TerminalText;

/**
 * The names and addresses one member may have ({@code hostpki sign --names}): a request that asks
 * for anything else is refused, on top of {@code ca.policy}. The policy speaks for the whole fleet,
 * so without this a member that is taken over could ask for another member's names and get a
 * certificate for them with its own key; the CA host's operator (or playbook) knows which host a
 * request came from, and says so here.
 *
 * @param domains DNS names as {@code ca.policy.allowedDomains} has them: exact, or {@code
 *     *.BASE} for every name below BASE
 * @param networks addresses or CIDR networks
 */
public record HostNames(List<String> domains, List<IpNetwork> networks) {
  static final String OPTION = "--names";

  public HostNames {
    domains = List.copyOf(domains);
    networks = List.copyOf(networks);
  }

  /**
   * Reads the values given (each a DNS name, {@code *.BASE}, an address or a network).
   *
   * @throws IllegalArgumentException naming a value that is none of these
   */
  public static HostNames parse(List<String> values) {
    List<String> domains = new ArrayList<>();
    List<IpNetwork> networks = new ArrayList<>();
    for (String value : values) {
      Optional<IpNetwork> network = IpNetwork.parse(value);
      if (network.isPresent()) {
        networks.add(network.get());
        continue;
      }
      Optional<String> problem = RequestedNames.problem(value);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(
            "'" + TerminalText.escape(value) + "' is no DNS name, address or network: it "
                + problem.get());
      }
      domains.add(new DomainPattern(value).text());
    }
    return new HostNames(domains, networks);
  }

  /** What the request asks for beyond these names and addresses. */
  List<PolicyViolation> violations(SignRequest request) {
    List<PolicyViolation> violations = new ArrayList<>();
    List<DomainPattern> patterns = domains.stream().map(DomainPattern::new).toList();
    for (String name : request.dnsNames()) {
      if (patterns.stream().noneMatch(d -> d.allows(name))) {
        violations.add(new PolicyViolation("dNSName " + name, "is outside " + this, false));
      }
    }
    for (InetAddress address : request.ipAddresses()) {
      if (networks.stream().noneMatch(n -> n.contains(address))) {
        violations.add(
            new PolicyViolation("iPAddress " + IpAddresses.format(address), "is outside " + this, false));
      }
    }
    return violations;
  }

  /** {@code --names [web1.corp.example, web1, 192.0.2.21/32]}, as refusals name it. */
  @Override
  public String toString() {
    List<String> words = new ArrayList<>(domains);
    networks.forEach(n -> words.add(n.toString()));
    return OPTION + " " + words + ", the names this host may have";
  }
}
