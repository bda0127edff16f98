package org.hostpki.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hostpki.model.ListenAddress;

/**
 * http-01 (RFC 8555 section 8.3) answered by a listener of its own: GET and HEAD of {@code
 * /.well-known/acme-challenge/TOKEN} return the key authorization as text/plain; everything else
 * is 404. It listens only between {@link #present} and {@link #cleanUp}.
 */
final class Http01Listener implements ChallengeResponder {
  static final String PATH = "/.well-known/acme-challenge/";

  private final ListenAddress listen;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService threads;

  Http01Listener(ListenAddress listen) {
    this.listen = listen;
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    challenges.forEach(c -> answers.put(c.token(), c.keyAuthorization()));
    InetSocketAddress address =
        listen.address().map(a -> new InetSocketAddress(a, listen.port())).orElseGet(() -> new InetSocketAddress(listen.port()));
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw Listeners.cannotListen("http-01", listen, e);
    }
    threads = Executors.newFixedThreadPool(2, Listeners.daemonThreads("hostpki-http-01"));
    server.setExecutor(threads);
    server.createContext("/", this::answer);
    server.start();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      String answer = path.startsWith(PATH) ? answers.get(path.substring(PATH.length())) : null;
      if (answer == null || !(method.equals("GET") || method.equals("HEAD"))) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = answer.getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public List<String> cleanUp() {
    if (server != null) {
      server.stop(0);
      threads.shutdownNow();
      server = null;
    }
    answers.clear();
    return List.of();
  }
}
