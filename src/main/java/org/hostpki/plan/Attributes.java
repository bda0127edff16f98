package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.IpAddresses;

/**
 * What a change shows of a resource before and after, for reviewers: names to typed values,
 * sorted by name. Never key material. The names are those of the JSON plan ({@code
 * schema/plan.schema.json}).
 */
public final class Attributes {
  private static final Attributes NONE = new Attributes(new TreeMap<>());

  /** The attributes; null for those of a certificate, made from {@link #facts} when asked. */
  private final SortedMap<String, Attribute> values;

  /**
   * The certificate whose attributes these are, when made by {@link #of(CertificateFacts)}: a plan
   * of 100,000 trusted certificates held a map of five attributes per change to the end of an
   * apply (~50 MB), beside the facts each was made from, which the apply holds anyway; the
   * check after apply ran out of a 512 MB heap (bench/NOTES.md, fheap17).
   */
  private final CertificateFacts facts;

  private Attributes(SortedMap<String, Attribute> values) {
    this.values = Collections.unmodifiableSortedMap(values);
    this.facts = null;
  }

  private Attributes(CertificateFacts facts) {
    this.values = null;
    this.facts = facts;
  }

  /** Nothing: a resource that does not exist, or one with nothing to show. */
  public static Attributes none() {
    return NONE;
  }

  /**
   * What a certificate shows: subject, issuer, names, key, expiry and fingerprint. Made from the
   * facts each time they are asked for (see {@link #facts}); the same values every time.
   */
  public static Attributes of(CertificateFacts c) {
    return new Attributes(java.util.Objects.requireNonNull(c, "facts"));
  }

  private static SortedMap<String, Attribute> valuesOf(CertificateFacts c) {
    Attributes a =
        none()
            .with("subject", c.subjectDn())
            .with("issuer", c.issuerDn())
            .with("key", c.publicKey().description())
            .with("not_after", c.notAfter())
            .with("sha256", c.fingerprint());
    a = a.withNames(c.dnsNames(), IpAddresses.format(c.ipAddresses()));
    if (c.nameConstraints().isPresent()) {
      a = a.with("name_constraints", c.nameConstraints().get().toString());
    }
    return a.values;
  }

  /** What a certificate request shows: subject, names and the key it is for. */
  public static Attributes of(CsrFacts c) {
    return none()
        .with("subject", c.subjectDn())
        .withNames(c.dnsNames(), IpAddresses.format(c.ipAddresses()))
        .with("public_key_sha256", c.publicKey().publicKeyFingerprint());
  }

  /**
   * The DNS names and IP addresses, each list only when it holds any: a certificate, a request and
   * what apply will make show names alike, so a plan's {@code before} and {@code after} differ only
   * where the names do (an {@code after} with {@code ip_addresses: []} beside a {@code before}
   * without the key showed as an empty added line in a diff).
   */
  Attributes withNames(List<String> dnsNames, List<String> ipAddresses) {
    Attributes a = this;
    if (!dnsNames.isEmpty()) {
      a = a.with("dns_names", dnsNames);
    }
    if (!ipAddresses.isEmpty()) {
      a = a.with("ip_addresses", ipAddresses);
    }
    return a;
  }

  public Attributes with(String name, String text) {
    return with(name, new Attribute.Text(text));
  }

  public Attributes with(String name, List<String> texts) {
    return with(name, new Attribute.Texts(texts));
  }

  public Attributes with(String name, Instant time) {
    return with(name, new Attribute.Time(time));
  }

  public Attributes with(String name, Duration span) {
    return with(name, new Attribute.Span(span));
  }

  public Attributes with(String name, Fingerprint digest) {
    return with(name, new Attribute.Digest(digest));
  }

  public Attributes with(String name, boolean flag) {
    return with(name, new Attribute.Flag(flag));
  }

  private Attributes with(String name, Attribute value) {
    SortedMap<String, Attribute> more = new TreeMap<>(values());
    more.put(name, value);
    return new Attributes(more);
  }

  /** The attributes by name, in name order. */
  public SortedMap<String, Attribute> values() {
    return values != null ? values : valuesOf(facts);
  }

  public boolean isEmpty() {
    return values != null && values.isEmpty(); // a certificate's has a subject
  }

  /** The attribute of that name when it is a text, such as a subject or an issuer. */
  public Optional<String> text(String name) {
    return values().get(name) instanceof Attribute.Text t ? Optional.of(t.value()) : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes other && values().equals(other.values());
  }

  @Override
  public int hashCode() {
    return values().hashCode();
  }

  @Override
  public String toString() {
    return values().toString();
  }
}
