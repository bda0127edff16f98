package org.hostpki.acme;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.JcaKeys;
import org.hostpki.pki.Pem;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * How acme4j reaches the CA: https only, the server's certificate always verified (host name
 * included) against the system's trust or the configured bundle. There is deliberately no way to
 * turn verification off. Every answer is bounded in time and size ({@link BoundedHttpClient}).
 */
final class VerifiedTransport extends AbstractAcmeProvider {
  private final SSLContext ssl;
  private final OrderDeadline deadline;

  private VerifiedTransport(SSLContext ssl, OrderDeadline deadline) {
    this.ssl = ssl;
    this.deadline = deadline;
  }

  /**
   * @param caBundle a PEM file of CA certificates trusted instead of the system's; empty: the
   *     JDK's trust store (on Debian, the system's CAs)
   * @param deadline no request outlasts it
   */
  static VerifiedTransport trusting(Optional<Path> caBundle, OrderDeadline deadline) throws AcmeFailure {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (caBundle.isEmpty()) {
        context.init(null, null, null);
        return new VerifiedTransport(context, deadline);
      }
      List<Certificate> certificates = readBundle(caBundle.get());
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, JcaKeys.x509(certificates.get(i)));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      context.init(null, trust.getTrustManagers(), null);
      return new VerifiedTransport(context, deadline);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK's TLS cannot be set up", e);
    }
  }

  private static List<Certificate> readBundle(Path file) throws AcmeFailure {
    String where = "server.acme.caBundle " + file;
    try {
      List<Certificate> certificates =
          Pem.readCertificates(InputFiles.read(file, InputKind.TRUSTED_CERTIFICATES));
      if (certificates.isEmpty()) {
        throw new AcmeFailure(AcmeFailure.Kind.CONFIGURATION, where + " holds no certificate");
      }
      return certificates;
    } catch (NoSuchFileException e) {
      throw new AcmeFailure(AcmeFailure.Kind.CONFIGURATION, where + " does not exist");
    } catch (IOException e) {
      throw new AcmeFailure(AcmeFailure.Kind.CONFIGURATION, where + " " + FileReasons.of(e));
    } catch (InvalidMaterialException e) {
      throw new AcmeFailure(AcmeFailure.Kind.CONFIGURATION, where + " " + e.getMessage());
    }
  }

  @Override
  public boolean accepts(URI serverUri) {
    return "https".equals(serverUri.getScheme());
  }

  @Override
  public URL resolve(URI serverUri) {
    try {
      return serverUri.toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a URL: " + serverUri, e);
    }
  }

  @Override
  public HttpClient createHttpClient(NetworkSettings settings) {
    return new BoundedHttpClient(
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER) // BoundedHttpClient follows those on the same server
            .connectTimeout(settings.getTimeout())
            .proxy(settings.getProxySelector())
            .sslContext(ssl)
            .build(),
        settings.getTimeout(),
        deadline);
  }
}
