package org.hostpki.acme;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.hostpki.model.TerminalText;

/**
 * The HTTP client acme4j reaches the CA through, bounding every answer: all of it, headers and
 * body, must arrive within the request's timeout, and its body may hold at most {@link #MAX_BODY}
 * bytes. acme4j reads a body as a stream with no time or size limit of its own, so a CA that sent
 * its headers and then trickled or streamed its body without end held {@code apply} (and {@code
 * watch}) forever or filled the memory. A compressed answer is refused: hostpki asks for none, and
 * a small one may unpack to gigabytes. No request outlasts the {@link OrderDeadline} it was made
 * for: it gets the time left, and fails with {@link OrderDeadline.RanOut} when that is used up.
 * A URL that is not https (a directory listing {@code http://} endpoints) is refused before any
 * byte is sent.
 *
 * <p>A redirect is followed only on the server the request went to (scheme, host and port), at
 * most {@link #MAX_REDIRECTS} in a row, within the same time; one to another server, or to http,
 * is refused ({@link RefusedRedirect}). The JDK's NORMAL policy, used before, followed a redirect
 * to any https host, so whoever could make the CA's URL answer 302 sent the account's signed
 * requests to a server of their choosing. acme4j itself follows none (its client keeps the JDK's
 * default, NEVER); the same server is allowed as a directory URL moved to a new path is common.
 */
final class BoundedHttpClient extends HttpClient {
  /** An ACME answer (JSON, a PEM chain) is a few kilobytes; a megabyte is far beyond any. */
  static final int MAX_BODY = 1 << 20;
  /** Redirects followed in a row, like browsers' and curl's limits but far smaller: ACME needs none. */
  static final int MAX_REDIRECTS = 5;

  private final HttpClient client;
  private final Duration timeout;
  private final OrderDeadline deadline;

  /**
   * @param timeout for a request that names none
   * @param deadline of the order the requests are for
   */
  BoundedHttpClient(HttpClient client, Duration timeout, OrderDeadline deadline) {
    this.client = client;
    this.timeout = timeout;
    this.deadline = deadline;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    if (!"https".equalsIgnoreCase(request.uri().getScheme())) {
      // the directory is reached over verified TLS; a URL it lists must be too, or anyone on the way reads it
      throw new IOException("the CA sent hostpki to " + TerminalText.escape(String.valueOf(request.uri()))
          + ", which is not https; an ACME CA is reached over verified TLS only");
    }
    Duration own = request.timeout().orElse(timeout);
    Duration limit = deadline.cap(own);
    boolean cut = limit.compareTo(own) < 0;
    if (limit.isZero()) {
      throw new OrderDeadline.RanOut(deadline, Duration.ZERO);
    }
    long until = System.nanoTime() + limit.toNanos();
    HttpResponse<byte[]> response = exchange(request, until, limit, cut);
    for (int hops = 0; isRedirect(response.statusCode()); hops++) {
      HttpRequest next = redirected(request, response, hops);
      response = exchange(next, until, limit, cut);
      request = next;
    }
    HttpHeaders headers = readable(response.headers());
    return new Buffered<>(response, headers, replay(handler, response, headers));
  }

  private HttpResponse<byte[]> exchange(HttpRequest request, long until, Duration limit, boolean cut)
      throws IOException, InterruptedException {
    long left = until - System.nanoTime();
    if (left <= 0) {
      throw cut ? new OrderDeadline.RanOut(deadline, limit) : new HttpTimeoutException(noAnswer(limit));
    }
    CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> new Collector(info.headers()));
    try {
      return answer.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      if (cut) {
        throw new OrderDeadline.RanOut(deadline, limit);
      }
      throw new HttpTimeoutException(noAnswer(limit));
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static String noAnswer(Duration limit) {
    return "no complete answer within " + limit.toMillis() + " ms";
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * The request a redirect asks for, on the same server only: 303, and 301/302 after a POST, turn
   * into a GET, as the JDK's NORMAL policy and browsers do; 307 and 308 repeat the request.
   */
  static HttpRequest redirected(HttpRequest request, HttpResponse<?> response, int hops) throws RefusedRedirect {
    URI from = request.uri();
    String location = response.headers().firstValue("Location").orElse("");
    URI to;
    try {
      to = from.resolve(new URI(location.strip()));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      to = null;
    }
    if (to == null || location.isBlank()) {
      throw new RefusedRedirect(from, response.statusCode(), "an unreadable Location (" + TerminalText.escape(location)
          + ")");
    }
    if (!sameOrigin(from, to)) {
      throw new RefusedRedirect(from, response.statusCode(), TerminalText.escape(to.toString())
          + ", another server than the one asked; hostpki follows a redirect only on the same server (scheme, host"
          + " and port), so the account's signed requests go nowhere else. If the CA moved, set"
          + " server.acme.directory to its new URL");
    }
    if (hops >= MAX_REDIRECTS) {
      throw new RefusedRedirect(from, response.statusCode(), TerminalText.escape(to.toString()) + ", more than "
          + MAX_REDIRECTS + " redirects in a row; set server.acme.directory to the URL that answers");
    }
    HttpRequest.Builder next = HttpRequest.newBuilder(request, (name, value) -> true).uri(to);
    int status = response.statusCode();
    if (status == 303 || ((status == 301 || status == 302) && request.method().equals("POST"))) {
      next.GET();
    }
    return next.build();
  }

  private static boolean sameOrigin(URI a, URI b) {
    return "https".equalsIgnoreCase(a.getScheme()) && "https".equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() == -1 ? 443 : uri.getPort();
  }

  /** A redirect hostpki does not follow: to another server, to http, or one too many. */
  static final class RefusedRedirect extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedRedirect(URI from, int status, String to) {
      super(TerminalText.escape(from.toString()) + " redirected (HTTP " + status + ") to " + to);
    }
  }

  /**
   * The answer's headers without a Retry-After, Date or Cache-Control max-age acme4j cannot read
   * (negative, beyond an int, not an HTTP date): ignored, as RFC 9110 lets a recipient do. acme4j
   * refused the whole answer for one, so a rate limit with {@code Retry-After: -5} lost its kind
   * and was tried again after 5 minutes instead of an hour.
   */
  static HttpHeaders readable(HttpHeaders headers) {
    return HttpHeaders.of(headers.map(), (name, value) -> switch (name.toLowerCase(Locale.ROOT)) {
      case "retry-after" -> value.strip().matches("\\d{1,9}") || httpDate(value);
      case "date" -> httpDate(value);
      case "cache-control" -> !value.matches("(?i).*max-age=\\s*\\d{10,}.*");
      default -> true;
    });
  }

  private static boolean httpDate(String value) {
    try {
      ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** The buffered body, handed to the handler acme4j asked for as if it had just arrived. */
  private static <T> T replay(HttpResponse.BodyHandler<T> handler, HttpResponse<byte[]> response, HttpHeaders headers)
      throws IOException {
    HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return response.statusCode();
      }

      @Override
      public HttpHeaders headers() {
        return headers;
      }

      @Override
      public Version version() {
        return response.version();
      }
    });
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    if (response.body().length > 0) {
      subscriber.onNext(List.of(ByteBuffer.wrap(response.body())));
    }
    subscriber.onComplete();
    try {
      return subscriber.getBody().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** Collects a body up to {@link #MAX_BODY} bytes; refuses a compressed one. */
  private static final class Collector implements HttpResponse.BodySubscriber<byte[]> {
    private final HttpHeaders headers;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Collector(HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      Optional<String> encoding = headers.firstValue("Content-Encoding").filter(e -> !e.equalsIgnoreCase("identity"));
      if (encoding.isPresent()) {
        fail("the answer is compressed (Content-Encoding), which hostpki did not ask for");
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (bytes.size() + b.remaining() > MAX_BODY) {
          fail("the answer is larger than " + MAX_BODY / 1024 + " KiB, far beyond any ACME answer");
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    private void fail(String why) {
      subscription.cancel();
      result.completeExceptionally(new IOException(why));
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }
  }

  /** The answer with the body in the form acme4j asked for. */
  private record Buffered<T>(HttpResponse<byte[]> response, HttpHeaders headers, T body) implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public Version version() {
      return response.version();
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    throw new UnsupportedOperationException("hostpki sends ACME requests one at a time");
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
    throw new UnsupportedOperationException("hostpki sends ACME requests one at a time");
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return client.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client.authenticator();
  }

  @Override
  public Version version() {
    return client.version();
  }

  @Override
  public Optional<Executor> executor() {
    return client.executor();
  }
}
