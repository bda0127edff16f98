package org.hostpki.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An X.500 subject name as users write it. Absent attributes are left out of the name. The order
 * of {@link #rdns()} is the conventional one (C, ST, L, O, OU, CN, emailAddress) and is what gets
 * encoded, so the same subject always encodes the same way.
 */
public record Subject(
    Optional<String> commonName,
    Optional<String> organization,
    Optional<String> organizationalUnit,
    Optional<String> locality,
    Optional<String> state,
    Optional<String> country,
    Optional<String> emailAddress) {

  /** The longest commonName X.509 allows (RFC 5280's ub-common-name), in characters. */
  public static final int MAX_COMMON_NAME = 64;

  public static Subject empty() {
    return new Subject(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static Subject commonName(String cn) {
    return empty().withCommonName(cn);
  }

  public Subject withCommonName(String cn) {
    return new Subject(
        Optional.of(cn), organization, organizationalUnit, locality, state, country, emailAddress);
  }

  /**
   * This subject, or when it has no commonName, this subject with the first of {@code dnsNames}
   * that fits in a commonName (at most {@value #MAX_COMMON_NAME} characters). When none fits the
   * subject stays without one: the SANs carry the names, and with an empty subject the SAN
   * extension is critical (RFC 5280 4.2.1.6).
   */
  public Subject withCommonNameFrom(Collection<String> dnsNames) {
    if (commonName.isPresent()) {
      return this;
    }
    return dnsNames.stream()
        .filter(n -> n.length() <= MAX_COMMON_NAME)
        .findFirst()
        .map(this::withCommonName)
        .orElse(this);
  }

  public boolean isEmpty() {
    return rdns().isEmpty();
  }

  /** One attribute of a name, by its short name (C, ST, L, O, OU, CN, emailAddress). */
  public record Rdn(String type, String value) {}

  /** The attributes present, in encoding order. */
  public List<Rdn> rdns() {
    List<Rdn> out = new ArrayList<>();
    country.ifPresent(v -> out.add(new Rdn("C", v)));
    state.ifPresent(v -> out.add(new Rdn("ST", v)));
    locality.ifPresent(v -> out.add(new Rdn("L", v)));
    organization.ifPresent(v -> out.add(new Rdn("O", v)));
    organizationalUnit.ifPresent(v -> out.add(new Rdn("OU", v)));
    commonName.ifPresent(v -> out.add(new Rdn("CN", v)));
    emailAddress.ifPresent(v -> out.add(new Rdn("emailAddress", v)));
    return out;
  }

  /**
   * The name as every output shows names, RFC 4514 text ({@link DistinguishedName}): {@code
   * CN=x,O=Example Corp,C=US}.
   */
  @Override
  public String toString() {
    return DistinguishedName.format(
        rdns().stream()
            .map(r -> List.of(new DistinguishedName.Attribute(r.type(), r.value(), false)))
            .toList());
  }
}
