package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/**
 * The self-signed certificate a tls-alpn-01 responder presents (RFC 8737 section 3): exactly one
 * SAN, the identifier being validated (a dNSName, or for an address an iPAddress, RFC 8738 section
 * 6), and the critical acmeIdentifier extension holding the SHA-256 of the key authorization.
 * Valid for a day around {@code now}; it lives only while one order runs.
 */
public final class AcmeValidationCertificate {
  /** id-pe-acmeIdentifier. */
  public static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");

  private static final X500Name SUBJECT = new X500Name("CN=acme.invalid");

  private AcmeValidationCertificate() {}

  /** For a DNS identifier. */
  public static Certificate forDnsName(
      String dnsName, byte[] keyAuthorizationDigest, KeyMaterial key, Instant now, SecureRandom random) {
    return create(List.of(dnsName), List.of(), keyAuthorizationDigest, key, now, random);
  }

  /** For an IP address identifier. */
  public static Certificate forAddress(
      InetAddress address, byte[] keyAuthorizationDigest, KeyMaterial key, Instant now, SecureRandom random) {
    return create(List.of(), List.of(address), keyAuthorizationDigest, key, now, random);
  }

  private static Certificate create(
      List<String> dnsNames,
      List<InetAddress> addresses,
      byte[] digest,
      KeyMaterial key,
      Instant now,
      SecureRandom random) {
    Objects.requireNonNull(key, "key");
    if (digest.length != 32) {
      throw new IllegalArgumentException("the key authorization digest is SHA-256: 32 bytes, not " + digest.length);
    }
    Instant start = now.truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    BigInteger serial;
    do {
      serial = new BigInteger(127, random);
    } while (serial.signum() == 0);
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            SUBJECT, serial, Date.from(start), Date.from(start.plus(Duration.ofDays(1))), SUBJECT,
            key.publicKey().info());
    try {
      builder.addExtension(CertificateExtensions.subjectAltName(dnsNames, addresses, false));
      builder.addExtension(ACME_IDENTIFIER, true, new DEROctetString(digest));
    } catch (IOException e) {
      throw new IllegalStateException("encoding the acmeIdentifier extension cannot fail", e);
    }
    return Certificate.of(builder.build(Signatures.signer(key, random)));
  }
}
