package org.hostpki.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Connects to a TLS server and returns the chain it presents, without trusting it (see {@link
 * RecordingTrustManager} for why that is safe for display). The name lookup, the connect and the
 * handshake are each bounded by the timeout, so a dead device cannot hang the command.
 */
public final class TlsCertificateFetcher {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Duration timeout;
  private final AddressResolver resolver;
  private final SecureRandom random;

  public TlsCertificateFetcher(Duration timeout, AddressResolver resolver, SecureRandom random) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be positive and under 24 days: " + timeout);
    }
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The chain {@code endpoint} presents. When the handshake fails after the chain arrived (a
   * server that wants a client certificate, a key this Java refuses), the chain is still returned,
   * with {@link PresentedChain#handshakeProblem()} saying what failed.
   *
   * @throws FetchException when no certificate arrived: unknown host, refused, timeout, not TLS,
   *     handshake failure
   */
  public PresentedChain fetch(Endpoint endpoint) {
    List<InetAddress> addresses = addresses(endpoint);
    Socket socket = connect(endpoint, addresses);
    try {
      return handshake(endpoint, socket);
    } finally {
      closeQuietly(socket);
    }
  }

  private List<InetAddress> addresses(Endpoint endpoint) {
    Optional<InetAddress> literal = endpoint.literalAddress();
    if (literal.isPresent()) {
      return List.of(literal.get());
    }
    // The JDK resolver cannot be interrupted: it runs on a daemon thread that is abandoned when
    // time is up, so a dead name server neither hangs the command nor keeps the JVM alive.
    CompletableFuture<List<InetAddress>> answer = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                answer.complete(List.copyOf(resolver.resolve(endpoint.host())));
              } catch (Throwable e) {
                answer.completeExceptionally(e);
              }
            },
            "hostpki-fetch-cert-lookup");
    worker.setDaemon(true);
    worker.start();
    try {
      List<InetAddress> found = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (found.isEmpty()) {
        throw FailureMessages.unknownHost(endpoint, new UnknownHostException(endpoint.host()));
      }
      return found;
    } catch (TimeoutException e) {
      worker.interrupt();
      throw FailureMessages.lookupTimeout(endpoint, timeout, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw FailureMessages.unknownHost(endpoint, unknown);
      }
      throw FailureMessages.lookupFailed(endpoint, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FailureMessages.interrupted(endpoint, e);
    }
  }

  private Socket connect(Endpoint endpoint, List<InetAddress> addresses) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<InetAddress> tried = new ArrayList<>();
    IOException last = new SocketTimeoutException("no time left to connect");
    for (InetAddress address : addresses) {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        last = new SocketTimeoutException("no time left to connect");
        break;
      }
      tried.add(address);
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(address, endpoint.port()), (int) remaining);
        return socket;
      } catch (IOException e) {
        closeQuietly(socket);
        last = e;
      }
    }
    throw FailureMessages.connectFailed(endpoint, tried, timeout, last);
  }

  private PresentedChain handshake(Endpoint endpoint, Socket socket) {
    InetAddress address = socket.getInetAddress();
    RecordingTrustManager recorder = new RecordingTrustManager();
    try (Watchdog watchdog = new Watchdog(socket, timeout)) {
      try {
        socket.setSoTimeout((int) timeout.toMillis());
        SSLSocket tls = tlsSocket(endpoint, socket, recorder);
        tls.startHandshake();
        SSLSession session = tls.getSession();
        List<X509Certificate> chain = recorder.presented().orElseGet(() -> peerChain(session));
        closeQuietly(tls);
        return new PresentedChain(
            endpoint,
            address,
            Optional.of(session.getProtocol()),
            Optional.of(session.getCipherSuite()),
            chain,
            Optional.empty());
      } catch (IOException e) {
        boolean timedOut = watchdog.fired() || FailureMessages.causedBy(e, SocketTimeoutException.class);
        Optional<List<X509Certificate>> chain = recorder.presented().filter(c -> !c.isEmpty());
        if (chain.isPresent()) {
          return new PresentedChain(
              endpoint,
              address,
              Optional.empty(),
              Optional.empty(),
              chain.get(),
              Optional.of(FailureMessages.afterChain(endpoint, timeout, timedOut, e)));
        }
        throw FailureMessages.handshakeFailed(endpoint, address, timeout, timedOut, e);
      }
    }
  }

  private SSLSocket tlsSocket(Endpoint endpoint, Socket socket, RecordingTrustManager recorder)
      throws IOException {
    SSLContext context;
    try {
      // A new context per fetch: no session cache, so the server always presents its chain.
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recorder}, random);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has a TLS client", e);
    }
    SSLSocket tls =
        (SSLSocket) context.getSocketFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
    SSLParameters parameters = tls.getSSLParameters();
    // Set explicitly: the JDK sends no SNI for single-label names such as "bmc01" on its own.
    parameters.setServerNames(
        endpoint.serverName().<List<SNIServerName>>map(n -> List.of(new SNIHostName(n))).orElse(List.of()));
    parameters.setEndpointIdentificationAlgorithm(null);
    tls.setSSLParameters(parameters);
    return tls;
  }

  private static List<X509Certificate> peerChain(SSLSession session) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : session.getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      return chain;
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("the handshake completed without a server certificate", e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing was sent that closing could lose.
    }
  }

  /**
   * Bounds the whole handshake, not only each read: a server that trickles one byte a second
   * would otherwise never hit the read timeout. Closing the socket ends the blocked read.
   */
  private static final class Watchdog implements AutoCloseable {
    private final Timer timer = new Timer("hostpki-fetch-cert-timeout", true);
    private final AtomicBoolean fired = new AtomicBoolean();

    Watchdog(Socket socket, Duration timeout) {
      timer.schedule(
          new TimerTask() {
            @Override
            public void run() {
              fired.set(true);
              closeQuietly(socket);
            }
          },
          timeout.toMillis());
    }

    boolean fired() {
      return fired.get();
    }

    @Override
    public void close() {
      timer.cancel();
    }
  }
}
