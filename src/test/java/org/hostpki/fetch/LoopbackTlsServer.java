package org.hostpki.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import org.hostpki.testkit.ToolCertificates;

/**
 * A JDK TLS server on a loopback address and an ephemeral port, presenting a key store's chain.
 * It handshakes with each client, one at a time, and hangs up; it records the SNI name each
 * client sent.
 */
public final class LoopbackTlsServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final Thread acceptor;
  private final List<String> serverNames;
  private final BlockingQueue<String> handshakes = new LinkedBlockingQueue<>();

  private LoopbackTlsServer(SSLServerSocket socket, List<String> serverNames) {
    this.socket = socket;
    this.serverNames = serverNames;
    this.acceptor = new Thread(this::serve, "loopback-tls-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static LoopbackTlsServer start(InetAddress address, KeyStore keyStore) {
    return start(address, keyStore, parameters -> {});
  }

  /**
   * @param configure adjusts the server's parameters: protocols, client authentication, SNI
   *     matchers (a matcher added here runs after the recording one)
   */
  public static LoopbackTlsServer start(
      InetAddress address, KeyStore keyStore, Consumer<SSLParameters> configure) {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, ToolCertificates.PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      SSLServerSocket server =
          (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, address);
      SSLParameters parameters = server.getSSLParameters();
      configure.accept(parameters);
      List<String> serverNames = new CopyOnWriteArrayList<>();
      recordServerNames(parameters, serverNames);
      server.setSSLParameters(parameters);
      return new LoopbackTlsServer(server, serverNames);
    } catch (IOException | GeneralSecurityException e) {
      throw new AssertionError("cannot start a TLS server on " + address, e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /**
   * The SNI host name the next client sent ("" when it sent none), waiting for the server to
   * finish with that client.
   */
  public String nextServerName() {
    try {
      String name = handshakes.poll(10, TimeUnit.SECONDS);
      if (name == null) {
        throw new AssertionError("no client handshake reached the server");
      }
      return name;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void recordServerNames(SSLParameters parameters, List<String> serverNames) {
    List<SNIMatcher> configured = parameters.getSNIMatchers() == null ? List.of() : List.copyOf(parameters.getSNIMatchers());
    SNIMatcher recorder =
        new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
          @Override
          public boolean matches(SNIServerName name) {
            serverNames.add(((SNIHostName) name).getAsciiName());
            return configured.stream().allMatch(m -> m.matches(name));
          }
        };
    parameters.setSNIMatchers(List.of(recorder));
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (SSLSocket client = (SSLSocket) socket.accept()) {
        client.setSoTimeout(5000);
        serverNames.clear();
        try {
          client.startHandshake();
        } catch (IOException clientGaveUp) {
          // The fetcher hangs up as soon as it has the chain, or a test makes the handshake fail.
        }
        handshakes.add(serverNames.isEmpty() ? "" : serverNames.get(0));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // One bad client must not stop the server.
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
      acceptor.join(5000);
    } catch (IOException ignored) {
      // Closing a listening socket does not fail in a way a test could act on.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
