package org.hostpki.pki;

import java.net.IDN;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.Subject;

/**
 * What a server (TLS leaf) certificate says: a subject, the names it covers, how long it lasts, and
 * whether it may also authenticate as a client. DNS names are stored lower-case in their ASCII
 * (IDNA) form; duplicates are dropped, order kept.
 *
 * @param subject the subject; without a commonName, the first DNS name becomes it
 * @param usages the extended key usages: TLS server and/or client authentication; not empty
 */
public record ServerProfile(
    Subject subject,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    Duration validity,
    Set<KeyPurpose> usages) {

  public ServerProfile {
    Objects.requireNonNull(subject, "subject");
    dnsNames = canonicalDnsNames(dnsNames);
    ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses));
    Objects.requireNonNull(validity, "validity");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive: " + validity);
    }
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs a DNS name or an IP address");
    }
    if (usages.isEmpty()) {
      throw new IllegalArgumentException("a certificate needs an extended key usage");
    }
    usages = Collections.unmodifiableSet(EnumSet.copyOf(usages));
  }

  /**
   * A certificate for a TLS server (EKU serverAuth), and when {@code clientAuth} also for a TLS
   * client.
   */
  public ServerProfile(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Duration validity,
      boolean clientAuth) {
    this(
        subject,
        dnsNames,
        ipAddresses,
        validity,
        clientAuth ? EnumSet.allOf(KeyPurpose.class) : EnumSet.of(KeyPurpose.SERVER_AUTH));
  }

  /** Whether the certificate may also authenticate a TLS client. */
  public boolean clientAuth() {
    return usages.contains(KeyPurpose.CLIENT_AUTH);
  }

  /**
   * The subject to encode: the given one, with the first DNS name that fits in a commonName when it
   * has none ({@link Subject#withCommonNameFrom}). May be empty; the SAN extension is then critical.
   */
  public Subject effectiveSubject() {
    return effectiveSubject(subject, dnsNames);
  }

  static Subject effectiveSubject(Subject subject, List<String> dnsNames) {
    return subject.withCommonNameFrom(dnsNames);
  }

  static List<String> canonicalDnsNames(List<String> names) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String name : names) {
      Objects.requireNonNull(name, "DNS name");
      if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("not a DNS name: '" + name + "'");
      }
      String ascii = name.chars().allMatch(c -> c < 0x80) ? name : IDN.toASCII(name);
      out.add(ascii.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(new ArrayList<>(out));
  }
}
