package org.hostpki.json;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.hostpki.model.CertificateDetails;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Validity;

/**
 * Certificates, requests and keys as every document shows them ({@code $defs} of {@code
 * schema/common.schema.json}): {@code status} for a store entry, {@code inspect}, {@code sign},
 * {@code fetch-cert}. Callers add what only they know (a file, a name, a position) around them.
 */
public final class CertificateJson {
  private CertificateJson() {}

  /**
   * A public key: its kind as OpenSSL users say it ({@code EC P-256}), its parts, and the SHA-256
   * of its SubjectPublicKeyInfo.
   *
   * @param algorithm {@code EC}, {@code RSA}, {@code EdDSA} …; empty for a kind not known here
   */
  public record Key(
      String description, Optional<String> algorithm, OptionalInt bits, Optional<String> curve, Fingerprint sha256) {
    public Key {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(bits, "bits");
      Objects.requireNonNull(curve, "curve");
      Objects.requireNonNull(sha256, "sha256");
    }

    public static Key of(KeyFacts key) {
      Fingerprint sha256 = key.publicKeyFingerprint();
      if (key.spec().isEmpty() && key.other().isPresent()) {
        KeyFacts.Other other = key.other().get();
        return new Key(other.description(), Optional.of(other.algorithm()), other.bits(), other.curve(), sha256);
      }
      if (key.spec().isEmpty()) {
        return new Key("other", Optional.empty(), OptionalInt.empty(), Optional.empty(), sha256);
      }
      KeySpec spec = key.spec().get();
      if (spec instanceof KeySpec.Ec ec) {
        String curve = ec.curve().yamlName();
        int bits = Integer.parseInt(curve.substring(curve.indexOf('-') + 1));
        return new Key(spec.toString(), Optional.of("EC"), OptionalInt.of(bits), Optional.of(curve), sha256);
      }
      if (spec instanceof KeySpec.Rsa rsa) {
        return new Key(spec.toString(), Optional.of("RSA"), OptionalInt.of(rsa.size()), Optional.empty(), sha256);
      }
      return new Key(spec.toString(), Optional.of("EdDSA"), OptionalInt.of(255), Optional.of("Ed25519"), sha256);
    }
  }

  /** What is shown of one certificate, whoever parsed it. */
  public record Fields(
      String subject,
      String issuer,
      String serial,
      Instant notBefore,
      Instant notAfter,
      List<String> dnsNames,
      List<String> ipAddresses,
      Key key,
      boolean ca,
      Fingerprint sha256) {
    public Fields {
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
    }

    public static Fields of(CertificateFacts c) {
      return new Fields(
          c.subjectDn(), c.issuerDn(), c.serialHex(), c.notBefore(), c.notAfter(), c.dnsNames(),
          IpAddresses.format(c.ipAddresses()), Key.of(c.publicKey()), c.ca(), c.fingerprint());
    }
  }

  /** The members of one certificate, into the object {@code w} has open. */
  public static void members(JsonWriter w, CertificateFacts c, Instant now) {
    members(w, Fields.of(c), now);
    c.nameConstraints().ifPresent(nc -> nameConstraints(w.name("name_constraints"), nc));
  }

  /**
   * The members {@code inspect} adds to a certificate ({@link CertificateDetails}): other_names,
   * other_name_constraints, policy_mappings, critical_extensions_openssl_refuses.
   */
  public static void detailMembers(JsonWriter w, CertificateDetails details) {
    w.field("other_names", details.otherNames());
    w.name("other_name_constraints").beginObject();
    w.field("permitted", details.otherNameConstraints().permitted());
    w.field("excluded", details.otherNameConstraints().excluded());
    w.endObject();
    w.name("policy_mappings").beginArray();
    for (CertificateDetails.PolicyMapping mapping : details.policyMappings()) {
      w.beginObject();
      w.field("issuer_domain_policy", mapping.issuerDomain());
      w.field("subject_domain_policy", mapping.subjectDomain());
      w.endObject();
    }
    w.endArray();
    w.field("critical_extensions_openssl_refuses", details.criticalExtensionsOpensslRefuses());
  }

  /** One certificate as an object of its own, with what {@code inspect} adds. */
  public static void write(JsonWriter w, CertificateFacts c, CertificateDetails details, Instant now) {
    w.beginObject();
    members(w, c, now);
    detailMembers(w, details);
    w.endObject();
  }

  /** A CA's name constraints: permitted and excluded, each with dns_domains and ip_ranges. */
  private static void nameConstraints(JsonWriter w, NameConstraints nc) {
    w.beginObject();
    w.name("permitted").beginObject();
    w.field("dns_domains", nc.permittedDnsDomains());
    w.field("ip_ranges", nc.permittedIpRanges().stream().map(IpNetwork::toString).toList());
    w.endObject();
    w.name("excluded").beginObject();
    w.field("dns_domains", nc.excludedDnsDomains());
    w.field("ip_ranges", nc.excludedIpRanges().stream().map(IpNetwork::toString).toList());
    w.endObject();
    w.endObject();
  }

  /** The members of one certificate, into the object {@code w} has open. */
  public static void members(JsonWriter w, Fields c, Instant now) {
    Validity validity = Validity.at(now, c.notBefore(), c.notAfter());
    w.field("subject", c.subject());
    w.field("issuer", c.issuer());
    w.field("serial", c.serial());
    w.field("not_before", c.notBefore());
    w.field("not_after", c.notAfter());
    w.field("validity", validity.state().word());
    w.field("days_left", validity.daysLeft());
    w.field("dns_names", c.dnsNames());
    w.field("ip_addresses", c.ipAddresses());
    key(w.name("key"), c.key());
    w.field("ca", c.ca());
    w.field("sha256", c.sha256());
  }

  /**
   * The members of a certificate request, into the object {@code w} has open: subject, names,
   * key and whether its signature verifies.
   */
  public static void requestMembers(JsonWriter w, CsrFacts csr) {
    w.field("subject", csr.subjectDn());
    w.field("dns_names", csr.dnsNames());
    w.field("ip_addresses", IpAddresses.format(csr.ipAddresses()));
    w.field("other_names", csr.otherNames());
    w.name("extensions").beginArray();
    for (CsrFacts.RequestedExtension extension : csr.extensions()) {
      w.beginObject();
      w.field("oid", extension.oid());
      w.field("name", extension.name());
      w.field("critical", extension.critical());
      w.field("value", extension.value());
      w.endObject();
    }
    w.endArray();
    key(w.name("key"), Key.of(csr.publicKey()));
    w.field("signature_valid", csr.signatureValid());
  }

  /** A key as an object: description, algorithm, bits, curve, sha256. */
  public static void key(JsonWriter w, Key key) {
    w.beginObject();
    w.field("description", key.description());
    w.field("algorithm", key.algorithm());
    w.name("bits");
    if (key.bits().isPresent()) {
      w.value(key.bits().getAsInt());
    } else {
      w.nullValue();
    }
    w.field("curve", key.curve());
    w.field("sha256", key.sha256());
    w.endObject();
  }

  /** One certificate as an object of its own. */
  public static void write(JsonWriter w, CertificateFacts c, Instant now) {
    w.beginObject();
    members(w, c, now);
    w.endObject();
  }
}
