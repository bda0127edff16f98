package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Subject;

/**
 * Issues certificates: a self-signed root CA, and server certificates signed by it. The profiles
 * follow RFC 5280 and what browsers and {@code openssl verify -x509_strict} accept:
 *
 * <ul>
 *   <li>v3, a random positive serial of at most 127 bits from the injected {@link SecureRandom};
 *   <li>notBefore set back from {@code now} for clients with a slow clock, by {@link Backdate}
 *       (an hour, less for certificates shorter than two days), notAfter notBefore plus the
 *       validity, so the whole span is exactly the validity, but never after {@link #LAST}
 *       (dates up to 2049 are UTCTime, from 2050 GeneralizedTime, RFC 5280 4.1.2.5);
 *   <li>SKI by RFC 5280 method 1, AKI naming the issuer's SKI;
 *   <li>signed with the CA key's natural algorithm: SHA-256/384/512 with ECDSA for P-256/384/521,
 *       SHA-256 with RSA, Ed25519.
 * </ul>
 */
public final class CertificateIssuer {
  /**
   * The last notAfter a certificate can state, {@code 99991231235959Z}: GeneralizedTime has four
   * digits for the year, and RFC 5280 4.1.2.5 gives this value to a certificate without a
   * well-defined expiration. A validity that reaches past it (a clock far ahead) ends there.
   */
  public static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

  private final SecureRandom random;

  public CertificateIssuer(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * A self-signed root CA: basicConstraints critical CA:TRUE pathLen 0, keyUsage critical
   * keyCertSign and cRLSign, SKI, AKI equal to the SKI.
   *
   * @throws IllegalArgumentException for an empty subject or a validity that is not positive
   */
  public Certificate selfSignedCa(
      Subject subject, KeyMaterial key, Instant now, Duration validity) {
    return selfSignedCa(subject, key, now, validity, Optional.empty());
  }

  /**
   * A self-signed root CA as {@link #selfSignedCa(Subject, KeyMaterial, Instant, Duration)}, with
   * name constraints (critical, RFC 5280 4.2.1.10) when given and not empty.
   */
  public Certificate selfSignedCa(
      Subject subject,
      KeyMaterial key,
      Instant now,
      Duration validity,
      Optional<NameConstraints> nameConstraints) {
    Objects.requireNonNull(key, "key");
    if (subject.isEmpty()) {
      throw new IllegalArgumentException("a CA certificate needs a subject");
    }
    requirePositive(validity);
    SubjectPublicKeyInfo publicKey = key.publicKey().info();
    SubjectKeyIdentifier ski = CertificateExtensions.keyIdentifier(publicKey);
    X500Name name = Names.encode(subject);
    X509v3CertificateBuilder builder = builder(name, name, publicKey, now, validity, LAST);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
      if (nameConstraints.isPresent() && !nameConstraints.get().isEmpty()) {
        builder.addExtension(CertificateExtensions.nameConstraints(nameConstraints.get()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("encoding CA extensions cannot fail", e);
    }
    return Certificate.of(builder.build(Signatures.signer(key, random)));
  }

  /**
   * A server certificate for this host's own key; see {@link #server(ServerProfile,
   * SubjectPublicKey, Certificate, KeyMaterial, Instant)}.
   */
  public Certificate server(
      ServerProfile profile,
      KeyMaterial subjectKey,
      Certificate caCert,
      KeyMaterial caKey,
      Instant now) {
    return server(profile, subjectKey.publicKey(), caCert, caKey, now);
  }

  /**
   * A server certificate for any public key (this host's, or one from another host's request),
   * signed by the CA: basicConstraints critical CA:FALSE, keyUsage critical digitalSignature (plus
   * keyEncipherment for RSA), EKU as the profile says (serverAuth, clientAuth), the SANs (critical when
   * the subject is empty), SKI, and AKI naming the CA's SKI.
   *
   * @throws IllegalArgumentException when the CA key does not belong to the CA certificate, or the
   *     CA certificate is not a CA
   */
  public Certificate server(
      ServerProfile profile,
      SubjectPublicKey subjectKey,
      Certificate caCert,
      KeyMaterial caKey,
      Instant now) {
    return server(profile, subjectKey, caCert, caKey, now, Optional.empty());
  }

  /**
   * A server certificate as {@link #server(ServerProfile, SubjectPublicKey, Certificate,
   * KeyMaterial, Instant)}, naming where the CA publishes its CRL (a CRL Distribution Point with
   * the URL as its full name) when {@code crlUrl} is given.
   */
  public Certificate server(
      ServerProfile profile,
      SubjectPublicKey subjectKey,
      Certificate caCert,
      KeyMaterial caKey,
      Instant now,
      Optional<URI> crlUrl) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(subjectKey, "subjectKey");
    CertificateFacts ca = caCert.facts();
    if (!ca.ca()) {
      throw new IllegalArgumentException("the issuing certificate is not a CA: " + ca.subjectDn());
    }
    if (!caKey.matches(caCert)) {
      throw new IllegalArgumentException(
          "the CA key does not belong to the CA certificate " + ca.subjectDn());
    }
    Subject subject = profile.effectiveSubject();
    byte[] authorityKeyId =
        ca.subjectKeyId().isPresent()
            ? SubjectKeyIdentifier.fromExtensions(caCert.holder().getExtensions())
                .getKeyIdentifier()
            : CertificateExtensions.keyIdentifier(caCert.holder().getSubjectPublicKeyInfo())
                .getKeyIdentifier();
    X509v3CertificateBuilder builder =
        builder(
            caCert.holder().getSubject(),
            Names.encode(subject),
            subjectKey.info(),
            now,
            profile.validity(),
            // Never past the CA's own end (as cert-manager's CA issuer caps a leaf): the plan
            // shortened the validity to fit, and the seconds between plan and apply must not undo it.
            ca.notAfter().isBefore(LAST) ? ca.notAfter() : LAST);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(CertificateExtensions.serverKeyUsage(subjectKey));
      builder.addExtension(CertificateExtensions.extendedKeyUsage(profile.usages()));
      builder.addExtension(
          CertificateExtensions.subjectAltName(
              profile.dnsNames(), profile.ipAddresses(), subject.isEmpty()));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          CertificateExtensions.keyIdentifier(subjectKey.info()));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
      if (crlUrl.isPresent()) {
        builder.addExtension(CertificateExtensions.crlDistributionPoints(crlUrl.get()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("encoding server extensions cannot fail", e);
    }
    return Certificate.of(builder.build(Signatures.signer(caKey, random)));
  }

  private X509v3CertificateBuilder builder(
      X500Name issuer,
      X500Name subject,
      SubjectPublicKeyInfo key,
      Instant now,
      Duration validity,
      Instant end) {
    Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS).minus(Backdate.of(validity));
    Instant notAfter = notBefore.plus(validity);
    if (notAfter.isAfter(end) && end.isAfter(notBefore)) {
      notAfter = end;
    }
    return new X509v3CertificateBuilder(
        issuer,
        serial(),
        Date.from(notBefore),
        // The whole span is the validity: browsers measure notAfter - notBefore (398 days).
        Date.from(notAfter),
        subject,
        key);
  }

  /** 127 random bits, never zero: positive, and at most 16 bytes in DER. */
  private BigInteger serial() {
    BigInteger serial;
    do {
      serial = new BigInteger(127, random);
    } while (serial.signum() == 0);
    return serial;
  }

  private static void requirePositive(Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive: " + validity);
    }
  }
}
