package org.hostpki.model;

import java.net.InetAddress;
import java.util.List;

/**
 * What is known of a PKCS#10 request.
 *
 * @param otherNames the subjectAltName entries that are neither a DNS name nor an IP address, in
 *     OpenSSL's words ({@code email:x}, {@code URI:x}, {@code otherName:OID} ...)
 * @param extensions every extension it asks for, in request order
 * @param signatureValid the request is signed by the key it carries
 */
public record CsrFacts(
    Subject subject,
    String subjectDn,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    List<String> otherNames,
    List<RequestedExtension> extensions,
    KeyFacts publicKey,
    boolean signatureValid) {
  public CsrFacts {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    otherNames = List.copyOf(otherNames);
    extensions = List.copyOf(extensions);
  }

  /** A request with DNS names and IP addresses only, asking for no extension beyond them. */
  public CsrFacts(
      Subject subject,
      String subjectDn,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      KeyFacts publicKey,
      boolean signatureValid) {
    this(subject, subjectDn, dnsNames, ipAddresses, List.of(), List.of(), publicKey, signatureValid);
  }

  /**
   * One extension a request asks for.
   *
   * @param oid its dotted OID
   * @param name OpenSSL's short name ({@code basicConstraints}); null for one hostpki does not name
   * @param critical whether the request marks it critical
   * @param value what it says, in OpenSSL's words where hostpki reads it ({@code CA:TRUE,
   *     pathlen:0}; {@code digitalSignature, keyCertSign}), else its size ({@code 5 bytes})
   */
  public record RequestedExtension(String oid, String name, boolean critical, String value) {}
}
