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
import java.util.concurrent.atomic.AtomicInteger;
import org.hostpki.model.ListenAddress;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Jvm;
import org.hostpki.testkit.LoopbackPorts;
import org.hostpki.testkit.ProcessResult;
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
    // The time a head may take as in use: on a loaded machine a client may stall between its
    // connect and its request, and the slowloris connections stay open, so the cap is what closes them.
    Http01Listener listener = listener(port, Http01Listener.HEAD_TIME);
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
    } finally {
      for (Socket s : held) {
        s.close();
      }
      listener.cleanUp();
    }
    assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void testListener_closesARequestDrippedSlowerThanItAllows() throws Exception {
    int port = LoopbackPorts.free();
    Http01Listener listener = listener(port, Duration.ofMillis(300));
    try (Socket drip = connect(port)) {
      drip.getOutputStream().write("GET ".getBytes(StandardCharsets.US_ASCII));
      // closed, not waited for: an end of stream, or a reset when the close came before the read
      assertThat(readOrReset(drip)).isEqualTo(-1);
    } finally {
      listener.cleanUp();
    }
  }

  /**
   * Out of file descriptors (EMFILE: a low LimitNOFILE= and many clients), accepting fails: the
   * listener keeps its port, closes the oldest connection still sending its head to free one, and
   * answers the validation request once accepting works again.
   */
  @Test
  void testListener_keepsServingAfterAcceptingFailed() throws Exception {
    int port = LoopbackPorts.free();
    AtomicInteger failures = new AtomicInteger();
    Http01Listener listener = new Http01Listener(
        new ListenAddress(Optional.of(InetAddress.getLoopbackAddress()), port), Http01Listener.HEAD_TIME, channel -> {
          if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("Too many open files");
          }
          return channel.accept();
        });
    listener.present(List.of(new PendingChallenge("dns", "a.example", false, TOKEN, KEY_AUTHORIZATION, "")));
    String request = "GET " + Http01Listener.PATH + TOKEN + " HTTP/1.1\r\n\r\n";
    try (Socket idle = connect(port)) {
      idle.getOutputStream().write('G');
      assertThat(get(port, request)).startsWith("HTTP/1.1 200 OK\r\n"); // the idle one was accepted before
      failures.set(2);

      assertThat(get(port, request)).startsWith("HTTP/1.1 200 OK\r\n").endsWith(KEY_AUTHORIZATION);
      assertThat(failures).hasValue(0);
      assertThat(readOrReset(idle)).isEqualTo(-1);
    } finally {
      listener.cleanUp();
    }
  }

  /**
   * On a host without IPv6 (ipv6.disable=1), as the JDK sees one with -Djava.net.preferIPv4Stack:
   * an IPv6 listen address is a refusal naming it and the fix, not an internal error.
   */
  @Test
  void testListener_anIpv6AddressOnAHostWithoutIpv6IsRefusedWithTheFix() {
    int port = LoopbackPorts.free();
    List<String> command = new ArrayList<>(Jvm.commandLine(BindWithoutIpv6.class, String.valueOf(port)));
    command.add(1, "-Djava.net.preferIPv4Stack=true");

    ProcessResult run = Command.of(command).run();

    assertThat(run.stdout()).as(run.toString()).isEqualTo(
        "cannot listen on [::1]:" + port + " for http-01: this host has no IPv6; listen on an IPv4 address, or on"
            + " every address (:" + port + ")\n");
  }

  /** Presents a challenge on [::1]:PORT and prints the refusal. */
  static final class BindWithoutIpv6 {
    public static void main(String[] args) throws Exception {
      Http01Listener listener = new Http01Listener(ListenAddress.parse("[::1]:" + args[0]).orElseThrow());
      try {
        listener.present(List.of(new PendingChallenge("dns", "a.example", false, TOKEN, KEY_AUTHORIZATION, "")));
        System.out.println("listening");
      } catch (AcmeFailure f) {
        System.out.println(f.getMessage());
      } finally {
        listener.cleanUp();
      }
    }
  }

  private static Http01Listener listener(int port, Duration headTime) throws AcmeFailure {
    Http01Listener listener =
        new Http01Listener(new ListenAddress(Optional.of(InetAddress.getLoopbackAddress()), port), headTime);
    listener.present(List.of(new PendingChallenge("dns", "a.example", false, TOKEN, KEY_AUTHORIZATION, "")));
    return listener;
  }

  private static int readOrReset(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException e) {
      assertThat(e.getMessage()).contains("reset");
      return -1;
    }
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
