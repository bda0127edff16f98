package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Subject;

/**
 * PKCS#10 certification requests: writing one for this host's key (for an external CA), and reading
 * one (from an external CA's point of view, for {@code hostpki sign}).
 */
public final class CertificationRequest {
  private CertificationRequest() {}

  /**
   * A request signed by {@code key}, as PEM ({@code CERTIFICATE REQUEST}), with an extensionRequest
   * for the SANs, keyUsage and extended key usage a server certificate needs. The subject gets the
   * first DNS name as commonName when it has none, as server certificates do ({@link
   * ServerProfile#effectiveSubject()}).
   *
   * @throws IllegalArgumentException when there is neither a DNS name nor an IP address
   */
  public static byte[] create(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      boolean clientAuth,
      KeyMaterial key) {
    // ECDSA needs a fresh nonce per signature; any strong source will do for that, and nothing
    // else in the request is random.
    return create(subject, dnsNames, ipAddresses, clientAuth, key, new SecureRandom());
  }

  /**
   * As {@link #create(Subject, List, List, boolean, KeyMaterial)}, with the signing nonce's source.
   */
  public static byte[] create(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      boolean clientAuth,
      KeyMaterial key,
      SecureRandom random) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(key, "key");
    List<String> names = ServerProfile.canonicalDnsNames(dnsNames);
    List<InetAddress> ips = List.copyOf(new LinkedHashSet<>(ipAddresses));
    if (names.isEmpty() && ips.isEmpty()) {
      throw new IllegalArgumentException("a request needs a DNS name or an IP address");
    }
    Subject effective = ServerProfile.effectiveSubject(subject, names);
    Extensions requested;
    try {
      requested =
          new Extensions(
              new Extension[] {
                CertificateExtensions.subjectAltName(names, ips, effective.isEmpty()),
                CertificateExtensions.serverKeyUsage(key.publicKey()),
                CertificateExtensions.serverExtendedKeyUsage(clientAuth)
              });
    } catch (IOException e) {
      throw new IllegalStateException("encoding request extensions cannot fail", e);
    }
    PKCS10CertificationRequest request =
        new PKCS10CertificationRequestBuilder(Names.encode(effective), key.publicKey().info())
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested)
            .build(Signatures.signer(key, random));
    try {
      return PemText.encode(ParsedCsr.PEM_LABEL, request.getEncoded())
          .getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a request just built cannot fail", e);
    }
  }

  /** What a request (PEM or DER) says; see {@link #parse(byte[])}. */
  public static CsrFacts read(byte[] data) throws InvalidMaterialException {
    return parse(data).facts();
  }

  /** Reads a request from PEM ({@code CERTIFICATE REQUEST}) or DER. */
  public static ParsedCsr parse(byte[] data) throws InvalidMaterialException {
    return ParsedCsr.parse(data);
  }
}
