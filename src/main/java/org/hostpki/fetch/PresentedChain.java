package org.hostpki.fetch;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What a TLS server presented, as it presented it: nothing here is verified or trusted.
 *
 * @param endpoint what was asked for
 * @param address the address that answered
 * @param protocol the negotiated protocol, e.g. {@code TLSv1.3}; empty when the handshake failed
 * @param cipherSuite the negotiated cipher suite; empty when the handshake failed
 * @param certificates the chain in the server's order, leaf first; never empty
 * @param handshakeProblem why the handshake failed after the chain arrived (e.g. the server wants a
 *     client certificate); empty when it completed
 */
public record PresentedChain(
    Endpoint endpoint,
    InetAddress address,
    Optional<String> protocol,
    Optional<String> cipherSuite,
    List<X509Certificate> certificates,
    Optional<String> handshakeProblem) {

  public PresentedChain {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a presented chain has at least the leaf");
    }
    Objects.requireNonNull(handshakeProblem, "handshakeProblem");
  }

  public X509Certificate leaf() {
    return certificates.get(0);
  }

  /** Each certificate described for display, leaf first. */
  public List<PresentedCertificate> described() {
    return IntStream.range(0, certificates.size())
        .mapToObj(i -> PresentedCertificate.of(i, certificates.get(i)))
        .toList();
  }
}
