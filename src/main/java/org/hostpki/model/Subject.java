package org.hostpki.model;

import java.util.ArrayList;
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

  /** The name in the OpenSSL one-line form users know: {@code C=US, O=Example Corp, CN=x}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Rdn rdn : rdns()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(rdn.type()).append('=').append(rdn.value());
    }
    return sb.toString();
  }
}
