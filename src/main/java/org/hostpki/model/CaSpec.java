package org.hostpki.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The internal root CA.
 *
 * @param subject the CA's name; empty means "named after the host" ({@code <hostname> hostpki CA})
 * @param rotationOverlap with a value, a CA replacement is phased: the new CA is trusted first,
 *     the server moves to it after this long
 * @param policy what {@code hostpki sign} may issue for other hosts
 */
public record CaSpec(
    Optional<Subject> subject,
    KeySpec key,
    Duration validity,
    RenewBefore renewBefore,
    Optional<Duration> rotationOverlap,
    Optional<SigningPolicy> policy) {

  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);
  /**
   * A fixed 90 days: a CA lives for years, and replacing it touches every client that trusts it,
   * so it is renewed well ahead but not a third of its life early.
   */
  public static final RenewBefore DEFAULT_RENEW_BEFORE = RenewBefore.of(Duration.ofDays(90));

  public CaSpec {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(validity, "validity");
    Objects.requireNonNull(renewBefore, "renewBefore");
    Objects.requireNonNull(rotationOverlap, "rotationOverlap");
    Objects.requireNonNull(policy, "policy");
  }

  /** A CA renewed a fixed time before its expiry. */
  public CaSpec(
      Optional<Subject> subject,
      KeySpec key,
      Duration validity,
      Duration renewBefore,
      Optional<Duration> rotationOverlap,
      Optional<SigningPolicy> policy) {
    this(subject, key, validity, RenewBefore.of(renewBefore), rotationOverlap, policy);
  }

  public static CaSpec defaults() {
    return new CaSpec(
        Optional.empty(),
        KeySpec.defaultSpec(),
        DEFAULT_VALIDITY,
        DEFAULT_RENEW_BEFORE,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * The subject to use for a host: the given one, or one named after the host, {@code <hostname>
   * hostpki CA}, with the host name shortened to keep the commonName within 64 characters.
   */
  public Subject effectiveSubject(HostIdentity host) {
    return subject.orElseGet(() -> Subject.commonName(defaultCommonName(host.hostname())));
  }

  private static final String DEFAULT_NAME_SUFFIX = " hostpki CA";

  static String defaultCommonName(String hostname) {
    int room = Subject.MAX_COMMON_NAME - DEFAULT_NAME_SUFFIX.length();
    return (hostname.length() > room ? hostname.substring(0, room) : hostname) + DEFAULT_NAME_SUFFIX;
  }
}
