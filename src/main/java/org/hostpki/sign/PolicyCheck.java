package org.hostpki.sign;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.DistinguishedName;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.Subject;
import org.hostpki.model.SubjectAttribute;
import org.hostpki.model.TerminalText;

/**
 * Whether {@code ca.policy} allows what a request asks for. Pure; every violation is reported, not
 * just the first, so one look at the refusal shows everything to fix. The rules are in the
 * package documentation.
 */
public final class PolicyCheck {
  static final String DOMAINS = "ca.policy.allowedDomains";
  static final String NETWORKS = "ca.policy.allowedNetworks";
  static final String ATTRIBUTES = "ca.policy.allowedSubjectAttributes";

  private PolicyCheck() {}

  /**
   * The violations of a request with these SANs and subject; empty when the policy allows it.
   *
   * @param dnsNames the requested DNS names, already checked to be valid names
   */
  public static List<PolicyViolation> violations(
      SigningPolicy policy, Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses) {
    List<PolicyViolation> violations = new ArrayList<>();
    List<DomainPattern> patterns = policy.allowedDomains().stream().map(DomainPattern::new).toList();
    for (String name : dnsNames) {
      if (!allowedName(patterns, name)) {
        violations.add(new PolicyViolation("dNSName " + name, "is outside " + domainsRule(policy), true));
      }
    }
    for (InetAddress address : ipAddresses) {
      if (!allowedAddress(policy, address)) {
        violations.add(
            new PolicyViolation(
                "iPAddress " + IpAddresses.format(address), "is outside " + networksRule(policy), true));
      }
    }
    subject.commonName()
        .filter(cn -> !TerminalText.hasUnsafe(cn)) // refused whatever the policy (SignRequest)
        .filter(cn -> !isOneOf(cn, dnsNames, ipAddresses))
        .ifPresent(cn -> commonName(policy, patterns, cn).ifPresent(violations::add));
    return violations;
  }

  /**
   * The violations of a request: its names and addresses, and the subject attributes besides
   * commonName that {@code ca.policy.allowedSubjectAttributes} does not list.
   */
  public static List<PolicyViolation> violations(SigningPolicy policy, SignRequest request) {
    List<PolicyViolation> violations =
        new ArrayList<>(violations(policy, request.subject(), request.dnsNames(), request.ipAddresses()));
    Set<SubjectAttribute> seen = EnumSet.noneOf(SubjectAttribute.class);
    for (DistinguishedName.Attribute a : request.subjectAttributes()) {
      Optional<SubjectAttribute> known = a.der() ? Optional.empty() : SubjectAttribute.byKeyword(a.type());
      if (known.isPresent() && !policy.allows(known.get()) && seen.add(known.get())) {
        violations.add(
            new PolicyViolation(
                "subject " + known.get().yamlName() + " '" + TerminalText.escape(a.value()) + "'",
                "is outside " + ATTRIBUTES + " " + policy.allowedSubjectAttributes()
                    + ": besides a commonName, a request may carry only the attributes listed there",
                true));
      }
    }
    return violations;
  }

  private static Optional<PolicyViolation> commonName(
      SigningPolicy policy, List<DomainPattern> patterns, String cn) {
    Optional<InetAddress> address = IpAddresses.parse(cn);
    if (address.isPresent()) {
      return allowedAddress(policy, address.get())
          ? Optional.empty()
          : Optional.of(
              new PolicyViolation("subject commonName " + cn, "is outside " + networksRule(policy), true));
    }
    if (RequestedNames.problem(cn).isEmpty() && allowedName(patterns, cn)) {
      return Optional.empty();
    }
    return Optional.of(
        new PolicyViolation("subject commonName " + cn, "is outside " + domainsRule(policy), true));
  }

  private static boolean isOneOf(String cn, List<String> dnsNames, List<InetAddress> ipAddresses) {
    String lower = cn.toLowerCase(Locale.ROOT);
    if (dnsNames.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(lower))) {
      return true;
    }
    return IpAddresses.parse(cn).map(ipAddresses::contains).orElse(false);
  }

  private static boolean allowedName(List<DomainPattern> patterns, String name) {
    return patterns.stream().anyMatch(p -> p.allows(name));
  }

  private static boolean allowedAddress(SigningPolicy policy, InetAddress address) {
    return policy.allowedNetworks().stream().anyMatch(n -> n.contains(address));
  }

  private static String domainsRule(SigningPolicy policy) {
    return DOMAINS + " " + policy.allowedDomains();
  }

  private static String networksRule(SigningPolicy policy) {
    return NETWORKS + " " + policy.allowedNetworks().stream().map(IpNetwork::toString).toList();
  }
}
