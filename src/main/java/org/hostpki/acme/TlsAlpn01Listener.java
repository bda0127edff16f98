package org.hostpki.acme;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.pki.AcmeValidationCertificate;
import org.hostpki.pki.JcaKeys;
import org.hostpki.pki.KeyMaterial;

/**
 * tls-alpn-01 (RFC 8737) answered by a TLS listener of its own, open only between {@link #present}
 * and {@link #cleanUp}. A connection gets a validation certificate only when it negotiates ALPN
 * {@code acme-tls/1} and names, by SNI, an identifier being validated (for an address, its
 * reverse-DNS name, RFC 8738 section 6); any other handshake fails. After the handshake the
 * connection is closed, as the RFC asks. TLS 1.2 and 1.3, the JDK's own implementation.
 */
final class TlsAlpn01Listener implements ChallengeResponder {
  static final String ALPN = "acme-tls/1";

  private final ListenAddress listen;
  private final Clock clock;
  private final SecureRandom random;
  private final Map<String, X509Certificate> bySni = new ConcurrentHashMap<>();
  private SSLServerSocket socket;
  private ExecutorService threads;
  private PrivateKey privateKey;

  TlsAlpn01Listener(ListenAddress listen, Clock clock, SecureRandom random) {
    this.listen = listen;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    KeyPair pair = JcaKeys.keyPair(key);
    privateKey = pair.getPrivate();
    for (PendingChallenge c : challenges) {
      byte[] digest = sha256(c.keyAuthorization());
      if (c.isAddress()) {
        InetAddress address = IpAddresses.parse(c.identifier()).orElseThrow();
        bySni.put(
            reverseName(address),
            JcaKeys.x509(AcmeValidationCertificate.forAddress(address, digest, key, clock.instant(), random)));
      } else {
        bySni.put(
            c.identifier().toLowerCase(Locale.ROOT),
            JcaKeys.x509(AcmeValidationCertificate.forDnsName(c.identifier(), digest, key, clock.instant(), random)));
      }
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new BySni()}, null, random);
      socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
      socket.setReuseAddress(true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      parameters.setApplicationProtocols(new String[] {ALPN});
      socket.setSSLParameters(parameters);
      InetSocketAddress address =
          listen.address().map(a -> new InetSocketAddress(a, listen.port())).orElseGet(() -> new InetSocketAddress(listen.port()));
      socket.bind(address, 16);
    } catch (IOException e) {
      closeQuietly();
      throw Listeners.cannotListen("tls-alpn-01", listen, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's TLS cannot be set up", e);
    }
    threads = Executors.newCachedThreadPool(Listeners.daemonThreads("hostpki-tls-alpn-01"));
    threads.execute(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        threads.execute(() -> handshake((SSLSocket) accepted));
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        return; // closed
      }
    }
  }

  private static void handshake(SSLSocket connection) {
    try (connection) {
      connection.setSoTimeout(10_000);
      connection.setHandshakeApplicationProtocolSelector(
          (s, offered) -> offered.contains(ALPN) ? ALPN : null);
      connection.startHandshake();
    } catch (IOException e) {
      // a client without acme-tls/1 or for an unknown name: the handshake fails, as it must
    }
  }

  @Override
  public List<String> cleanUp() {
    closeQuietly();
    if (threads != null) {
      threads.shutdownNow();
    }
    bySni.clear();
    return List.of();
  }

  private void closeQuietly() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing a listener that failed to bind
      }
    }
  }

  /** {@code 10.0.2.192.in-addr.arpa}, or the nibbles of an IPv6 address under {@code ip6.arpa}. */
  static String reverseName(InetAddress address) {
    byte[] b = address.getAddress();
    StringBuilder sb = new StringBuilder();
    if (b.length == 4) {
      for (int i = 3; i >= 0; i--) {
        sb.append(b[i] & 0xff).append('.');
      }
      return sb.append("in-addr.arpa").toString();
    }
    for (int i = b.length - 1; i >= 0; i--) {
      sb.append(Character.forDigit(b[i] & 0x0f, 16)).append('.');
      sb.append(Character.forDigit((b[i] >> 4) & 0x0f, 16)).append('.');
    }
    return sb.append("ip6.arpa").toString();
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Picks the validation certificate by SNI, and only for an acme-tls/1 handshake. */
  private final class BySni extends X509ExtendedKeyManager {
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket s) {
      if (!(s instanceof SSLSocket ssl) || !ALPN.equals(ssl.getHandshakeApplicationProtocol())) {
        return null;
      }
      return alias(ssl.getHandshakeSession());
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      if (!ALPN.equals(engine.getHandshakeApplicationProtocol())) {
        return null;
      }
      return alias(engine.getHandshakeSession());
    }

    private String alias(SSLSession session) {
      if (!(session instanceof ExtendedSSLSession extended)) {
        return null;
      }
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          String sni = host.getAsciiName().toLowerCase(Locale.ROOT);
          if (bySni.containsKey(sni)) {
            return sni;
          }
        }
      }
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return Optional.ofNullable(bySni.get(alias)).map(c -> new X509Certificate[] {c}).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return bySni.containsKey(alias) ? privateKey : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return bySni.keySet().toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
