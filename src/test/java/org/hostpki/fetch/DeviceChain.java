package org.hostpki.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ToolCertificates;

/**
 * A device's CA and leaf ({@code device.test}, 127.0.0.1) made by openssl, and the chain such a
 * device presents, for the tests of what {@code fetch-cert} shows of a chain.
 */
record DeviceChain(ToolCertificates.Issued ca, ToolCertificates.Issued leaf) {
  static DeviceChain make(Path dir) {
    Tool.OPENSSL.require();
    ToolCertificates.Issued ca = ToolCertificates.opensslCa(dir, "ca", "/O=Example Corp/CN=Test Device CA");
    return new DeviceChain(
        ca,
        ToolCertificates.opensslLeaf(dir, "leaf", "/CN=device.test", "ec", "DNS:device.test,IP:127.0.0.1", ca));
  }

  /** Half a day into the leaf's validity. */
  Instant halfADayIn() {
    return leaf.load().getNotBefore().toInstant().plus(Duration.ofHours(12));
  }

  /** Leaf and CA as presented at {@code address}; no protocol or cipher when {@code problem} is there. */
  PresentedChain presented(Endpoint endpoint, String address, Optional<String> problem)
      throws UnknownHostException {
    return new PresentedChain(
        endpoint,
        InetAddress.getByName(address),
        problem.isPresent() ? Optional.empty() : Optional.of("TLSv1.3"),
        problem.isPresent() ? Optional.empty() : Optional.of("TLS_AES_128_GCM_SHA256"),
        List.of(leaf.load(), ca.load()),
        problem);
  }
}
