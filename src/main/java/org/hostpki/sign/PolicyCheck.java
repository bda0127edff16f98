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
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.Subject;
import org.hostpki.model.SubjectAttribute;
import org.hostpki.model.TerminalText;

/**
 * Whether {@code ca.policy} and the CA's name constraints allow what a request asks for. Pure;
 * every violation is reported, not just the first, so one look at the refusal shows everything to
 * fix. The rules are in the package documentation.
 */
public final class PolicyCheck {
  static final String DOMAINS = "ca.policy.allowedDomains";
  static final String NETWORKS = "ca.policy.allowedNetworks";
  static final String ATTRIBUTES = "ca.policy.allowedSubjectAttributes";
  static final String USAGES = "ca.policy.allowedExtendedKeyUsages";
  static final String MAX_SANS = "ca.policy.maxSubjectAltNames";

  private PolicyCheck() {}

  /**
   * The violations of a request with these SANs and subject; empty when the policy allows it.
   *
   * @param dnsNames the requested DNS names, already checked to be valid names
   */
  public static List<PolicyViolation> violations(
      SigningPolicy policy, Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses) {
    List<PolicyViolation> violations = names(policy, dnsNames, ipAddresses);
    commonName(subject, dnsNames, ipAddresses).ifPresent(violations::add);
    return violations;
  }

  /** The requested SANs outside {@code ca.policy}'s domains and networks. */
  private static List<PolicyViolation> names(
      SigningPolicy policy, List<String> dnsNames, List<InetAddress> ipAddresses) {
    List<PolicyViolation> violations = new ArrayList<>();
    List<DomainPattern> patterns = policy.allowedDomains().stream().map(DomainPattern::new).toList();
    for (String name : dnsNames) {
      if (patterns.stream().noneMatch(p -> p.allows(name))) {
        violations.add(new PolicyViolation("dNSName " + name, "is outside " + domainsRule(policy), true));
      }
    }
    for (InetAddress address : ipAddresses) {
      if (policy.allowedNetworks().stream().noneMatch(n -> n.contains(address))) {
        violations.add(
            new PolicyViolation(
                "iPAddress " + IpAddresses.format(address), "is outside " + networksRule(policy), true));
      }
    }
    return violations;
  }

  /** A commonName that repeats none of {@code dnsNames} and {@code ipAddresses}. */
  private static Optional<PolicyViolation> commonName(
      Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses) {
    return subject.commonName()
        .filter(cn -> !TerminalText.hasUnsafe(cn)) // refused whatever the policy (SignRequest)
        .filter(cn -> !isOneOf(cn, dnsNames, ipAddresses))
        .map(
            cn ->
                new PolicyViolation(
                    "subject commonName " + cn,
                    "is not one of the request's subjectAltNames " + sans(dnsNames, ipAddresses)
                        + ": a commonName must repeat one of them, or be left out (the first DNS"
                        + " name then fills it)",
                    false));
  }

  /**
   * The violations of a request: more names and addresses than {@code
   * ca.policy.maxSubjectAltNames}, those outside the policy, the subject attributes besides
   * commonName that {@code ca.policy.allowedSubjectAttributes} does not list, and the extended key
   * usages {@code ca.policy.allowedExtendedKeyUsages} does not list.
   */
  public static List<PolicyViolation> violations(SigningPolicy policy, SignRequest request) {
    List<PolicyViolation> violations = new ArrayList<>();
    int sans = request.dnsNames().size() + request.ipAddresses().size();
    if (sans > policy.maxSubjectAltNames()) {
      violations.add(
          new PolicyViolation(
              sans + " subjectAltNames",
              "are more than " + MAX_SANS + " (" + policy.maxSubjectAltNames() + ") allows in one"
                  + " certificate: split the names over several requests, or raise " + MAX_SANS,
              true));
    }
    violations.addAll(names(policy, request.dnsNames(), request.ipAddresses()));
    // Against every name it lists: one SignRequest refused already is not refused again here.
    commonName(request.subject(), request.listedDnsNames(), request.ipAddresses()).ifPresent(violations::add);
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
    for (KeyPurpose usage : request.usages()) {
      if (!policy.allowedExtendedKeyUsages().contains(usage)) {
        violations.add(
            new PolicyViolation(
                "extendedKeyUsage " + usage
                    + (request.requestedUsages().isEmpty() ? " (the request names none, and gets it)" : ""),
                "is outside " + USAGES + " " + policy.allowedExtendedKeyUsages(),
                true));
      }
    }
    return violations;
  }

  /**
   * What name constraints do not allow of a request's SANs.
   *
   * @param whose whose constraints they are, for the message: {@code the CA certificate's name
   *     constraints}, {@code ca.nameConstraints}
   */
  public static List<PolicyViolation> violations(
      NameConstraints constraints, String whose, SignRequest request) {
    List<PolicyViolation> violations = new ArrayList<>();
    for (String name : request.dnsNames()) {
      constraints.dnsNameRefusal(name)
          .ifPresent(r -> violations.add(new PolicyViolation("dNSName " + name, r.reason(whose), false)));
    }
    for (InetAddress address : request.ipAddresses()) {
      constraints.addressRefusal(address)
          .ifPresent(
              r ->
                  violations.add(
                      new PolicyViolation("iPAddress " + IpAddresses.format(address), r.reason(whose), false)));
    }
    return violations;
  }

  private static boolean isOneOf(String cn, List<String> dnsNames, List<InetAddress> ipAddresses) {
    String lower = cn.toLowerCase(Locale.ROOT);
    if (dnsNames.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(lower))) {
      return true;
    }
    return IpAddresses.parse(cn).map(ipAddresses::contains).orElse(false);
  }

  private static String sans(List<String> dnsNames, List<InetAddress> ipAddresses) {
    List<String> words = new ArrayList<>();
    dnsNames.forEach(n -> words.add(TerminalText.escape(n))); // as listed: refused ones too
    ipAddresses.forEach(ip -> words.add(IpAddresses.format(ip)));
    return words.toString();
  }

  private static String domainsRule(SigningPolicy policy) {
    return DOMAINS + " " + policy.allowedDomains();
  }

  private static String networksRule(SigningPolicy policy) {
    return NETWORKS + " " + policy.allowedNetworks().stream().map(IpNetwork::toString).toList();
  }
}
