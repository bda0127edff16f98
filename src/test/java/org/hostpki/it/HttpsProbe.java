package org.hostpki.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A Java client with nothing configured: {@code HttpClient} with the JVM's default trust store,
 * which the JVM reads when it starts, so each check is a JVM of its own. Prints the status, or the
 * failure; exits 0 only for a response.
 */
public final class HttpsProbe {
  private HttpsProbe() {}

  public static void main(String[] args) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      // Only the status line: openssl s_server -www sends an HTTP/1.0 page and leaves the
      // connection open, so waiting for the body's end would wait for ever.
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      response.body().close();
      System.out.println("status " + response.statusCode());
      System.exit(0);
    } catch (IOException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      System.out.println("failed: " + e + " / " + cause);
      System.exit(1);
    }
  }
}
