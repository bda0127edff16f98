package org.hostpki.model;

import java.net.InetAddress;
import java.util.List;

/**
 * What is known of a PKCS#10 request.
 *
 * @param signatureValid the request is signed by the key it carries
 */
public record CsrFacts(
    Subject subject,
    String subjectDn,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    KeyFacts publicKey,
    boolean signatureValid) {
  public CsrFacts {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }
}
