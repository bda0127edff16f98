package org.hostpki.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.Backdate;
import org.hostpki.model.DurationText;
import org.hostpki.model.KeySpec;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.Subject;

/** The parts the CA and the server certificate share: subject, key and lifetime. */
final class CertificateParts {
  static final int DEFAULT_RSA_SIZE = 3072;

  private static final Set<String> COUNTRIES =
      new HashSet<>(Arrays.asList(Locale.getISOCountries()));

  private final Fields fields;

  CertificateParts(Fields fields) {
    this.fields = fields;
  }

  /** The subject of a {@code subject} mapping; empty when there is none. */
  Optional<Subject> subject(YamlNode.Mapping section) {
    Optional<YamlNode.Mapping> m = section.mapping("subject");
    if (m.isEmpty()) {
      return Optional.empty();
    }
    YamlNode.Mapping s = m.get();
    fields.string(s, "country").ifPresent(this::checkCountry);
    Subject subject =
        new Subject(
            text(s, "commonName"),
            text(s, "organization"),
            text(s, "organizationalUnit"),
            text(s, "locality"),
            text(s, "state"),
            text(s, "country"),
            text(s, "emailAddress"));
    return subject.isEmpty() ? Optional.empty() : Optional.of(subject);
  }

  private Optional<String> text(YamlNode.Mapping m, String key) {
    return fields.string(m, key)
        .filter(v -> !v.value().isEmpty())
        .flatMap(v -> fields.unpadded(
            v, "give the " + key + ", or leave it out",
            "which the certificate would carry (a name that looks the same would not match it)"));
  }

  private void checkCountry(Fields.Given<String> country) {
    String code = country.value();
    if (!code.matches("[A-Z]{2}") || COUNTRIES.contains(code)) {
      return; // the schema reports the wrong shape
    }
    String hint = code.equals("UK") ? "; the United Kingdom is GB" : "";
    fields.error(
        country.node(),
        country.node().displayName() + " '" + code + "' is not an ISO 3166-1 country code" + hint);
  }

  /** The key of a {@code key} mapping, EC P-256 when there is none. */
  KeySpec key(YamlNode.Mapping section) {
    Optional<YamlNode.Mapping> m = section.mapping("key");
    if (m.isEmpty()) {
      return new KeySpec.Ec(KeySpec.Curve.P256);
    }
    YamlNode.Mapping k = m.get();
    String algorithm = fields.string(k, "algorithm").map(Fields.Given::value).orElse("EC");
    if (!List.of("EC", "RSA", "Ed25519").contains(algorithm)) {
      return new KeySpec.Ec(KeySpec.Curve.P256); // reported by the schema check; no guessing after it
    }
    switch (algorithm) {
      case "RSA":
        notFor(k, "curve", "applies only to EC keys; remove it, or set algorithm: EC");
        return new KeySpec.Rsa(rsaSize(k));
      case "Ed25519":
        notFor(k, "curve", "does not apply to Ed25519 keys; remove it");
        notFor(k, "size", "does not apply to Ed25519 keys; remove it");
        return new KeySpec.Ed25519();
      default:
        notFor(k, "size", "applies only to RSA keys; remove it, or set algorithm: RSA");
        KeySpec.Curve curve =
            fields.string(k, "curve")
                .flatMap(c -> KeySpec.Curve.fromYamlName(c.value()))
                .orElse(KeySpec.Curve.P256);
        return new KeySpec.Ec(curve);
    }
  }

  /** A warning at {@code key.algorithm} when it is Ed25519, which browsers do not accept. */
  void warnOnEd25519(YamlNode.Mapping section, KeySpec key, String why) {
    if (key instanceof KeySpec.Ed25519) {
      section.mapping("key")
          .flatMap(k -> k.scalar("algorithm"))
          .ifPresent(node -> fields.warning(node, why));
    }
  }

  private void notFor(YamlNode.Mapping key, String name, String why) {
    if (Fields.has(key, name)) {
      fields.problems().error(key.keyPosition(name), key.childPath(name) + " " + why);
    }
  }

  private int rsaSize(YamlNode.Mapping key) {
    return fields.integer(key, "size")
        .map(Fields.Given::value)
        .filter(v -> v.bitLength() < 31)
        .map(BigInteger::intValue)
        .filter(v -> new KeySpec.Rsa(v).canBeMade())
        .orElse(DEFAULT_RSA_SIZE);
  }

  /** A certificate's lifetime: the validity and the renewal margin, which must be shorter. */
  record Lifetime(Duration validity, RenewBefore renewBefore) {
    /** How long before expiry a certificate of the desired validity is renewed. */
    Duration renewalPeriod() {
      return renewBefore.period(validity);
    }
  }

  Lifetime lifetime(YamlNode.Mapping section, Duration defaultValidity, RenewBefore defaultRenewBefore) {
    var validity = fields.duration(section, "validity");
    var renewBefore = fields.renewBefore(section, "renewBefore");
    Lifetime lifetime =
        new Lifetime(
            validity.map(Fields.Given::value).orElse(defaultValidity),
            renewBefore.map(Fields.Given::value).orElse(defaultRenewBefore));
    boolean usable =
        !Fields.unusable(section, "validity", validity)
            && !Fields.unusable(section, "renewBefore", renewBefore);
    if (usable && lifetime.renewalPeriod().compareTo(lifetime.validity()) >= 0) {
      String renewText = describe(renewBefore, lifetime.renewBefore());
      String validityText = describe(validity, lifetime.validity());
      if (renewBefore.isPresent()) {
        fields.error(
            renewBefore.get().node(),
            section.childPath("renewBefore") + " (" + renewText + ") must be shorter than "
                + section.childPath("validity") + " (" + validityText + ")");
      } else {
        fields.error(
            validity.get().node(),
            section.childPath("validity") + " (" + validityText + ") must be longer than "
                + section.childPath("renewBefore") + " (" + renewText + ")");
      }
    } else if (usable && leavesNoTime(lifetime)) {
      Duration usableFor = Backdate.usable(lifetime.validity());
      fields.error(
          renewBefore.<YamlNode>map(Fields.Given::node).or(() -> validity.map(Fields.Given::node)).orElseThrow(),
          section.childPath("renewBefore") + " (" + describe(renewBefore, lifetime)
              + ") leaves no time: a new certificate is valid for " + DurationText.exact(usableFor)
              + " once made (" + section.childPath("validity") + " "
              + describe(validity, lifetime.validity()) + " less the "
              + DurationText.exact(Backdate.of(lifetime.validity()))
              + " its start is set back for slow clocks), so it would be renewed at once; make"
              + " renewBefore at least " + DurationText.exact(MIN_TIME_LEFT) + " shorter than "
              + DurationText.exact(usableFor));
    }
    return lifetime;
  }

  /**
   * How long a new certificate must stay clear of its renewBefore, at least: one that falls due
   * sooner would be renewed by every timer run or watch tick.
   */
  static final Duration MIN_TIME_LEFT = Duration.ofMinutes(1);

  /** A new certificate would be due for renewal (almost) as soon as it is made. */
  private static boolean leavesNoTime(Lifetime lifetime) {
    return lifetime.renewalPeriod().plus(MIN_TIME_LEFT).compareTo(Backdate.usable(lifetime.validity())) > 0;
  }

  /** A duration as the user wrote it, or the default's short form. */
  static String describe(Optional<Fields.Given<Duration>> given, Duration effective) {
    return describe(given, DurationText.of(effective));
  }

  /** A renewBefore as the user wrote it, or the default's. */
  static String describe(Optional<? extends Fields.Given<?>> given, RenewBefore effective) {
    return describe(given, effective.text());
  }

  /**
   * A renewBefore as the user wrote it, or the default's, and for a share what it comes to for
   * the validity: {@code 99% of 1h: 59m 24s}.
   */
  static String describe(Optional<? extends Fields.Given<?>> given, Lifetime lifetime) {
    String text = describe(given, lifetime.renewBefore());
    return lifetime.renewBefore() instanceof RenewBefore.OfLifetime
        ? text + " of " + DurationText.of(lifetime.validity()) + ": " + DurationText.exact(lifetime.renewalPeriod())
        : text;
  }

  private static String describe(Optional<? extends Fields.Given<?>> given, String effective) {
    return given
        .map(g -> ((YamlNode.Scalar) g.node()).text())
        .orElse(effective + ", the default");
  }
}
