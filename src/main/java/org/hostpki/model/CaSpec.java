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
 * @param crl the CRL this CA publishes ({@code hostpki revoke}); empty when {@code ca.crl} is not
 *     declared (revoke then uses {@link CrlSpec#defaults()})
 * @param nameConstraints {@code ca.nameConstraints} as declared ({@link NameConstraints#NONE} for
 *     {@code false}); empty when not declared, see {@link #nameConstraintsForNewCa()}
 */
public record CaSpec(
    Optional<Subject> subject,
    KeySpec key,
    Duration validity,
    RenewBefore renewBefore,
    Optional<Duration> rotationOverlap,
    Optional<SigningPolicy> policy,
    Optional<CrlSpec> crl,
    Optional<NameConstraints> nameConstraints) {

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
    Objects.requireNonNull(crl, "crl");
    Objects.requireNonNull(nameConstraints, "nameConstraints");
  }

  /** A CA without {@code ca.crl} and {@code ca.nameConstraints}. */
  public CaSpec(
      Optional<Subject> subject,
      KeySpec key,
      Duration validity,
      RenewBefore renewBefore,
      Optional<Duration> rotationOverlap,
      Optional<SigningPolicy> policy) {
    this(subject, key, validity, renewBefore, rotationOverlap, policy, Optional.empty(), Optional.empty());
  }

  /**
   * The name constraints a CA certificate made from now on carries: the declared ones, or when
   * none are declared those that fence in {@code ca.policy} ({@link
   * NameConstraints#fromPolicy}); none without either, or with {@code nameConstraints: false}.
   * The planner widens the default by the CA host's own server names ({@link
   * NameConstraints#permitting}), which the CA signs too.
   *
   * <p>Only a CA that is being made anyway (the first, an expired one, a rotation, {@code
   * --replace ca}) gets them: an existing CA is never re-issued for this default, so which CA
   * was "created after the default came" needs no record. Declared constraints that differ from
   * the CA certificate's are a change of the CA, made through the rotation.
   */
  public Optional<NameConstraints> nameConstraintsForNewCa() {
    if (nameConstraints.isPresent()) {
      return nameConstraints.filter(c -> !c.isEmpty());
    }
    return policy.map(NameConstraints::fromPolicy).filter(c -> !c.isEmpty());
  }

  /** The CRL settings revoke uses: {@code ca.crl}, or the defaults. */
  public CrlSpec crlOrDefaults() {
    return crl.orElseGet(CrlSpec::defaults);
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
