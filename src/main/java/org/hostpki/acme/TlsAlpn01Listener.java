package org.hostpki.acme;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
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
 *
 * <p>The port is open to anyone while the order runs, so what a connection may take is bounded:
 * one thread accepts, {@link #MAX_HANDSHAKES} threads do handshakes, at most {@link #MAX_WAITING}
 * accepted connections wait for one (beyond that the oldest waiting is closed: the CA's is as
 * likely the newest), and each connection is closed {@link #HANDSHAKE_TIME} after it was accepted,
 * handshake done or not. A thread per connection, as before, let a flood of idle connections
 * during validation start a thread each, held 10 s.
 */
final class TlsAlpn01Listener implements ChallengeResponder {
  static final String ALPN = "acme-tls/1";
  static final int MAX_HANDSHAKES = 4;
  static final int MAX_WAITING = 64;
  /** A validation server's handshake takes a few round trips; a client that drips it is cut off. */
  static final Duration HANDSHAKE_TIME = Duration.ofSeconds(10);

  private final ListenAddress listen;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration handshakeTime;
  private final Map<String, X509Certificate> bySni = new ConcurrentHashMap<>();
  /** Accepted connections waiting for a handshake thread, oldest first. */
  private final BlockingDeque<Accepted> waiting = new LinkedBlockingDeque<>();
  private ServerSocket socket;
  private SSLContext context;
  private ExecutorService threads;
  private ScheduledExecutorService cutOff;
  private PrivateKey privateKey;

  TlsAlpn01Listener(ListenAddress listen, Clock clock, SecureRandom random) {
    this(listen, clock, random, HANDSHAKE_TIME);
  }

  /** @param handshakeTime how long a connection may stay open (tests: shorter) */
  TlsAlpn01Listener(ListenAddress listen, Clock clock, SecureRandom random, Duration handshakeTime) {
    this.listen = listen;
    this.clock = clock;
    this.random = random;
    this.handshakeTime = handshakeTime;
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
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new BySni()}, null, random);
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      InetSocketAddress address =
          listen.address().map(a -> new InetSocketAddress(a, listen.port())).orElseGet(() -> new InetSocketAddress(listen.port()));
      socket.bind(address, MAX_WAITING);
    } catch (IOException e) {
      closeQuietly();
      throw Listeners.cannotListen("tls-alpn-01", listen, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's TLS cannot be set up", e);
    }
    ThreadFactory named = Listeners.daemonThreads("hostpki-tls-alpn-01");
    threads = Executors.newFixedThreadPool(MAX_HANDSHAKES + 1, named);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named);
    timer.setRemoveOnCancelPolicy(true);
    cutOff = timer;
    threads.execute(this::acceptLoop);
    for (int i = 0; i < MAX_HANDSHAKES; i++) {
      threads.execute(this::handshakes);
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket accepted;
      try {
        accepted = socket.accept();
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
        rest(); // out of descriptors or the like: the port stays open, try again shortly
        continue;
      }
      try {
        waiting.addLast(new Accepted(accepted,
            cutOff.schedule(() -> closeQuietly(accepted), handshakeTime.toMillis(), TimeUnit.MILLISECONDS)));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        closeQuietly(accepted);
        return; // closed
      }
      while (waiting.size() > MAX_WAITING) {
        Accepted oldest = waiting.pollFirst();
        if (oldest != null) {
          oldest.close();
        }
      }
    }
  }

  /** A connection and its cut-off, cancelled when it is closed earlier. */
  private record Accepted(Socket socket, ScheduledFuture<?> cutOff) {
    void close() {
      cutOff.cancel(false);
      closeQuietly(socket);
    }
  }

  private static void rest() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handshakes() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Accepted next = waiting.takeFirst();
        try {
          handshake(next.socket());
        } finally {
          next.close();
        }
      }
    } catch (InterruptedException e) {
      // cleanUp
    }
  }

  /** One handshake on a connection, then the connection closed; the cut-off ends a slow one. */
  private void handshake(Socket plain) {
    try (plain) {
      plain.setSoTimeout((int) Math.max(1, handshakeTime.toMillis()));
      SSLSocket connection = (SSLSocket) context.getSocketFactory().createSocket(plain, null, true);
      connection.setUseClientMode(false);
      SSLParameters parameters = connection.getSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      parameters.setApplicationProtocols(new String[] {ALPN});
      connection.setSSLParameters(parameters);
      connection.setHandshakeApplicationProtocolSelector(
          (s, offered) -> offered.contains(ALPN) ? ALPN : null);
      try (connection) {
        connection.startHandshake();
      }
    } catch (IOException | RuntimeException e) {
      // a client without acme-tls/1, for an unknown name, or cut off: the handshake fails, as it must
    }
  }

  private static void closeQuietly(Socket connection) {
    try {
      connection.close();
    } catch (IOException e) {
      // already closed by its handshake
    }
  }

  @Override
  public List<String> cleanUp() {
    closeQuietly();
    if (threads != null) {
      threads.shutdownNow();
      // Not shutdownNow: a connection in a handshake (which an interrupt does not end) keeps its
      // cut-off, and so does one the accept loop queued after the loop below emptied the queue.
      cutOff.shutdown();
    }
    for (Accepted left = waiting.pollFirst(); left != null; left = waiting.pollFirst()) {
      left.close();
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
