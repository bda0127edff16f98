package org.hostpki.fetch;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that accepts any server chain and remembers it. It exists for one purpose:
 * letting {@link TlsCertificateFetcher} show an operator what a device presents, so that the
 * operator can decide whether to trust it. It is package-private so nothing else can use it.
 *
 * <p>Accepting everything is safe here because the connection carries nothing: no credentials,
 * no request, no data is sent, and nothing received is trusted. The handshake only transports
 * the certificates to the screen; trust is given later, by the operator, after comparing the
 * fingerprint with one obtained out of band (the device's console, label or owner). A
 * man-in-the-middle could present another certificate, but then its fingerprint would not match.
 *
 * <p>It is an {@link X509ExtendedTrustManager} so the JDK does not wrap it in its own checks
 * (algorithm constraints, host name): a device with an old or weak certificate is exactly what an
 * operator must be able to look at.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {
  private volatile List<X509Certificate> presented;

  /** The chain the server presented, leaf first; empty until the server's Certificate message. */
  Optional<List<X509Certificate>> presented() {
    return Optional.ofNullable(presented);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    record(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    record(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    record(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw notAServer();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw notAServer();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw notAServer();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private void record(X509Certificate[] chain) {
    presented = chain == null ? List.of() : List.of(chain);
  }

  private static CertificateException notAServer() {
    return new CertificateException("this trust manager only records server chains for display");
  }
}
