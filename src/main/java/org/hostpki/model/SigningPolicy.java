package org.hostpki.model;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the CA host's {@code hostpki sign} may issue.
 *
 * @param allowedDomains DNS name patterns; {@code *.corp.example} allows any name below it
 * @param allowedNetworks the networks IP SANs must fall in
 * @param maxValidity the longest validity it issues
 * @param allowedSubjectAttributes the subject attributes a request may carry besides commonName,
 *     which always may; a request with another is refused
 * @param allowedExtendedKeyUsages the extended key usages a certificate it signs may have
 *     (serverAuth and clientAuth by default)
 * @param maxSubjectAltNames the most DNS names and IP addresses one certificate may carry
 *     together; {@link #DEFAULT_MAX_SUBJECT_ALT_NAMES} by default
 */
public record SigningPolicy(
    List<String> allowedDomains,
    List<IpNetwork> allowedNetworks,
    Optional<Duration> maxValidity,
    Set<SubjectAttribute> allowedSubjectAttributes,
    Set<KeyPurpose> allowedExtendedKeyUsages,
    int maxSubjectAltNames) {
  /**
   * Let's Encrypt's cap, which public CAs keep near (the Baseline Requirements set none): a request
   * with more names is more likely a mistake or an abuse than a need, and every client parses them
   * on every handshake.
   */
  public static final int DEFAULT_MAX_SUBJECT_ALT_NAMES = 100;

  public SigningPolicy {
    if (maxSubjectAltNames < 1) {
      throw new IllegalArgumentException("maxSubjectAltNames is below 1: " + maxSubjectAltNames);
    }
    allowedDomains = List.copyOf(allowedDomains);
    allowedNetworks = List.copyOf(allowedNetworks);
    Objects.requireNonNull(maxValidity, "maxValidity");
    EnumSet<SubjectAttribute> allowed = EnumSet.noneOf(SubjectAttribute.class);
    allowed.addAll(allowedSubjectAttributes);
    allowed.remove(SubjectAttribute.COMMON_NAME);
    allowedSubjectAttributes = Collections.unmodifiableSet(allowed);
    EnumSet<KeyPurpose> usages = EnumSet.noneOf(KeyPurpose.class);
    usages.addAll(allowedExtendedKeyUsages);
    allowedExtendedKeyUsages = Collections.unmodifiableSet(usages);
  }

  /** A policy with the default {@link #DEFAULT_MAX_SUBJECT_ALT_NAMES}. */
  public SigningPolicy(
      List<String> allowedDomains,
      List<IpNetwork> allowedNetworks,
      Optional<Duration> maxValidity,
      Set<SubjectAttribute> allowedSubjectAttributes,
      Set<KeyPurpose> allowedExtendedKeyUsages) {
    this(
        allowedDomains,
        allowedNetworks,
        maxValidity,
        allowedSubjectAttributes,
        allowedExtendedKeyUsages,
        DEFAULT_MAX_SUBJECT_ALT_NAMES);
  }

  /** A policy that allows every extended key usage hostpki issues (the default). */
  public SigningPolicy(
      List<String> allowedDomains,
      List<IpNetwork> allowedNetworks,
      Optional<Duration> maxValidity,
      Set<SubjectAttribute> allowedSubjectAttributes) {
    this(allowedDomains, allowedNetworks, maxValidity, allowedSubjectAttributes, EnumSet.allOf(KeyPurpose.class));
  }

  /** A policy that allows no subject attribute besides commonName (the default). */
  public SigningPolicy(
      List<String> allowedDomains, List<IpNetwork> allowedNetworks, Optional<Duration> maxValidity) {
    this(allowedDomains, allowedNetworks, maxValidity, Set.of());
  }

  /** Whether a request may carry this attribute in its subject. */
  public boolean allows(SubjectAttribute attribute) {
    return attribute == SubjectAttribute.COMMON_NAME || allowedSubjectAttributes.contains(attribute);
  }
}
