package org.hostpki.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.RunningProcess;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.LoopbackPorts;

/**
 * {@code openssl s_server -www} serving a store's certificate on a loopback address: the leaf from
 * {@code server.crt}, its key from {@code server.key}, and the rest of
 * {@code server-fullchain.crt} as the chain (s_server sends only the first certificate of its
 * {@code -cert} file, so the chain has to go separately). Each request gets a status page.
 */
final class OpenSslServer implements AutoCloseable {
  /** A line of the page {@code s_server -www} sends, to tell it from an error page. */
  static final String PAGE_MARKER = "Ciphers supported in s_server binary";

  private static final Duration STARTUP = Duration.ofSeconds(20);
  private static final int ATTEMPTS = 3;

  private final RunningProcess process;
  private final InetAddress address;
  private final int port;

  private OpenSslServer(RunningProcess process, InetAddress address, int port) {
    this.process = process;
    this.address = address;
    this.port = port;
  }

  /**
   * Starts the server on a free port of the address and waits until it listens.
   *
   * @param scratch a directory for the chain file
   */
  static OpenSslServer start(Store store, InetAddress address, Path scratch) {
    Path chain = store.writeChainAfterLeaf(scratch.resolve("chain-after-leaf.pem"));
    return start(
        address,
        List.of("-cert", store.serverCertificate().toString(), "-key", store.serverKey().toString(),
            "-cert_chain", chain.toString()));
  }

  /**
   * Starts the server with the key and certificate of one combined PEM file (an {@code outputs:}
   * entry of format {@code combined-pem}, as HAProxy and stunnel take it): s_server reads the key
   * from its {@code -cert} file when no {@code -key} is given.
   */
  static OpenSslServer startWithCombinedPem(Path combinedPem, InetAddress address) {
    return start(address, List.of("-cert", combinedPem.toString()));
  }

  private static OpenSslServer start(InetAddress address, List<String> certificateArguments) {
    String openssl = Tool.OPENSSL.require().toString();
    AssertionError lastFailure = null;
    // A free port found by binding and closing can be taken by someone else before s_server binds.
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = LoopbackPorts.free(address);
      String accept = hostForUrl(address) + ":" + port;
      RunningProcess process =
          Command.of(openssl, "s_server", "-accept", accept, "-www").with(certificateArguments).start();
      try {
        process.awaitListening(new InetSocketAddress(address, port), STARTUP);
        return new OpenSslServer(process, address, port);
      } catch (AssertionError e) {
        process.close();
        lastFailure = e;
      }
    }
    throw lastFailure;
  }

  int port() {
    return port;
  }

  /** The address as it goes into a URL or {@code -connect}: IPv6 in brackets. */
  String hostForUrl() {
    return hostForUrl(address);
  }

  private static String hostForUrl(InetAddress address) {
    return address.getAddress().length == 16
        ? "[" + address.getHostAddress() + "]"
        : address.getHostAddress();
  }

  @Override
  public void close() {
    process.close();
  }

}
