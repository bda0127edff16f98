package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.ListenAddress;
import org.hostpki.testkit.LoopbackPorts;
import org.junit.jupiter.api.Test;

/**
 * The http-01 listener as others on the network meet it while an order runs: it answers its
 * token and nothing else, and no client holds it up.
 */
class Http01ListenerTest {
  private static final String TOKEN = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
  private static final String KEY_AUTHORIZATION = TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

  @Test
  void testListener_answersOnlyItsTokenAndNoClientHoldsItUp() throws Exception {
    int port = LoopbackPorts.free();
    Http01Listener listener =
        new Http01Listener(new ListenAddress(Optional.of(InetAddress.getLoopbackAddress()), port), Duration.ofMillis(300));
    listener.present(List.of(new PendingChallenge("dns", "a.example", false, TOKEN, KEY_AUTHORIZATION, "")));
    List<Socket> held = new ArrayList<>();
    try {
      // slowloris: more connections than the listener keeps, each one byte into its request
      for (int i = 0; i < Http01Listener.MAX_CONNECTIONS + 8; i++) {
        Socket s = connect(port);
        s.getOutputStream().write('G');
        held.add(s);
      }
      assertThat(get(port, "GET " + Http01Listener.PATH + TOKEN + " HTTP/1.1\r\nHost: a.example\r\n\r\n"))
          .startsWith("HTTP/1.1 200 OK\r\n")
          .contains("Content-Type: text/plain\r\n")
          .endsWith("\r\n\r\n" + KEY_AUTHORIZATION);
      assertThat(get(port, "HEAD " + Http01Listener.PATH + TOKEN + " HTTP/1.1\r\n\r\n"))
          .startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");
      for (String other : List.of(
          "GET " + Http01Listener.PATH + "../" + TOKEN + " HTTP/1.1",
          "GET " + Http01Listener.PATH + "..%2f..%2fetc%2fpasswd HTTP/1.1",
          "GET " + Http01Listener.PATH + TOKEN + "/ HTTP/1.1",
          "GET " + Http01Listener.PATH + "wrong HTTP/1.1",
          "GET /" + TOKEN + " HTTP/1.1",
          "POST " + Http01Listener.PATH + TOKEN + " HTTP/1.1",
          "GET " + Http01Listener.PATH + TOKEN)) {
        assertThat(get(port, other + "\r\n\r\n")).as(other).startsWith("HTTP/1.1 404 ").doesNotContain(KEY_AUTHORIZATION);
      }
      String line = "GET " + Http01Listener.PATH + TOKEN + " HTTP/1.1\r\nX: "; // exactly the limit, never ended
      assertThat(get(port, line + "a".repeat(Http01Listener.MAX_HEAD - line.length()))).startsWith("HTTP/1.1 431 ");
      // a request dripped slower than the listener allows is closed, not waited for
      try (Socket drip = connect(port)) {
        drip.getOutputStream().write("GET ".getBytes(StandardCharsets.US_ASCII));
        assertThat(drip.getInputStream().read()).isEqualTo(-1);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
      listener.cleanUp();
    }
    assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    s.setSoTimeout(30_000); // generous under load; a listener that answers costs nothing of it
    return s;
  }

  private static String get(int port, String request) throws IOException {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
