package org.hostpki.acme;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hostpki.model.ListenAddress;

/**
 * http-01 (RFC 8555 section 8.3) answered by a listener of its own: GET and HEAD of {@code
 * /.well-known/acme-challenge/TOKEN} return the key authorization as text/plain; everything else
 * is 404. It listens only between {@link #present} and {@link #cleanUp}.
 *
 * <p>The port is open to anyone while the order runs, so nobody may hold it up: one thread serves
 * every connection without blocking, a request head may take at most {@link #HEAD_TIME} and
 * {@link #MAX_HEAD} bytes (then 431 and the connection is closed), and beyond {@link
 * #MAX_CONNECTIONS} open connections the oldest is closed. The JDK's HttpServer, used before,
 * read request heads on a small pool with no time limit: two connections that sent one byte each
 * kept the CA's validation request from ever being answered.
 */
final class Http01Listener implements ChallengeResponder {
  static final String PATH = "/.well-known/acme-challenge/";
  /** A validation request's head is a few hundred bytes. */
  static final int MAX_HEAD = 8 * 1024;
  /** A validation server sends its request at once; a client that drips it is closed by then. */
  static final Duration HEAD_TIME = Duration.ofSeconds(10);
  static final int MAX_CONNECTIONS = 256;
  /** How long accepting rests after it failed (too many open files): the port stays open meanwhile. */
  static final Duration ACCEPT_PAUSE = Duration.ofMillis(100);

  /** Takes the next waiting connection, or null: {@link ServerSocketChannel#accept} (tests: failing). */
  interface Acceptor {
    SocketChannel accept(ServerSocketChannel channel) throws IOException;
  }

  private final ListenAddress listen;
  private final Duration headTime;
  private final Acceptor acceptor;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private ServerSocketChannel channel;
  private Selector selector;
  private Thread thread;
  private volatile boolean open;

  Http01Listener(ListenAddress listen) {
    this(listen, HEAD_TIME);
  }

  /** @param headTime how long a request head may take (tests: shorter) */
  Http01Listener(ListenAddress listen, Duration headTime) {
    this(listen, headTime, ServerSocketChannel::accept);
  }

  Http01Listener(ListenAddress listen, Duration headTime, Acceptor acceptor) {
    this.listen = listen;
    this.headTime = headTime;
    this.acceptor = acceptor;
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    challenges.forEach(c -> answers.put(c.token(), c.keyAuthorization()));
    InetSocketAddress address =
        listen.address().map(a -> new InetSocketAddress(a, listen.port())).orElseGet(() -> new InetSocketAddress(listen.port()));
    try {
      selector = Selector.open();
      channel = ServerSocketChannel.open();
      channel.bind(address, MAX_CONNECTIONS);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_ACCEPT);
      // The JDK readies what closes a socket on its first close, with a descriptor of its own:
      // out of them (EMFILE) it would fail then and never close a connection again.
      SocketChannel.open().close();
    } catch (IOException e) {
      closeAll();
      throw Listeners.cannotListen("http-01", listen, e);
    } catch (UnsupportedAddressTypeException e) {
      // an IPv6 address on a host without IPv6 (ipv6.disable=1, disable_ipv6): no IOException here
      closeAll();
      throw Listeners.cannotListen("http-01", listen, new IOException(
          "this host has no IPv6; listen on an IPv4 address, or on every address (:" + listen.port() + ")"));
    }
    open = true;
    thread = Listeners.daemonThreads("hostpki-http-01").newThread(this::serve);
    thread.start();
  }

  /** One connection: its request head so far, then the answer being written. */
  private static final class Connection {
    final long deadline;
    final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
    /** How much of the head was searched for its end already. */
    int scanned;
    ByteBuffer answer;

    Connection(long deadline) {
      this.deadline = deadline;
    }
  }

  private void serve() {
    Deque<SelectionKey> byAge = new ArrayDeque<>();
    SelectionKey accepting = channel.keyFor(selector);
    long acceptAgain = 0; // while accepting rests: when it starts again
    try {
      while (open) {
        long rest = accepting.interestOps() == 0 ? acceptAgain - System.nanoTime() : 0;
        selector.select(rest > 0 ? Math.max(1, Math.min(250, rest / 1_000_000)) : 250);
        long now = System.nanoTime();
        if (accepting.interestOps() == 0 && now - acceptAgain >= 0) {
          accepting.interestOps(SelectionKey.OP_ACCEPT);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            if (!accept(byAge, now)) {
              // Out of descriptors (EMFILE) or the like: the waiting connection stays in the
              // backlog. Rest rather than spin on it, and free a descriptor from the oldest
              // connection still sending its head, which a slow or idle client holds.
              accepting.interestOps(0);
              acceptAgain = now + ACCEPT_PAUSE.toNanos();
              closeOldestUnanswered(byAge);
            }
          } else {
            step(key);
          }
        }
        selector.selectedKeys().clear();
        byAge.removeIf(key -> {
          if (key.isValid() && now - ((Connection) key.attachment()).deadline < 0) {
            return false;
          }
          close(key);
          return true;
        });
      }
    } catch (IOException | RuntimeException e) {
      // the selector failed or was closed by cleanUp: the order's validation fails or is over
    } finally {
      byAge.forEach(Http01Listener::close);
      closeAll();
    }
  }

  /** Accepts every waiting connection; false when accepting failed. */
  private boolean accept(Deque<SelectionKey> byAge, long now) {
    while (true) {
      SocketChannel accepted;
      try {
        accepted = acceptor.accept(channel);
      } catch (IOException e) {
        return false;
      }
      if (accepted == null) {
        return true;
      }
      if (byAge.size() >= MAX_CONNECTIONS) {
        close(byAge.removeFirst());
      }
      try {
        accepted.configureBlocking(false);
        byAge.addLast(accepted.register(selector, SelectionKey.OP_READ, new Connection(now + headTime.toNanos())));
      } catch (IOException e) {
        try {
          accepted.close();
        } catch (IOException ignored) {
          // a connection that never was served
        }
      }
    }
  }

  private static void closeOldestUnanswered(Deque<SelectionKey> byAge) {
    for (SelectionKey key : byAge) {
      if (((Connection) key.attachment()).answer == null) {
        byAge.remove(key);
        close(key);
        return;
      }
    }
  }

  /** Reads more of the head, or writes more of the answer; closes the connection when done. */
  private void step(SelectionKey key) {
    Connection c = (Connection) key.attachment();
    SocketChannel socket = (SocketChannel) key.channel();
    try {
      if (c.answer == null) {
        if (socket.read(c.head) < 0) {
          close(key);
          return;
        }
        c.answer = answer(c);
        if (c.answer == null) {
          return; // the head is not complete yet
        }
        key.interestOps(SelectionKey.OP_WRITE);
      }
      socket.write(c.answer);
      if (!c.answer.hasRemaining()) {
        close(key);
      }
    } catch (IOException e) {
      close(key);
    }
  }

  /**
   * The answer to a complete head, or null while it is incomplete. Only the bytes read since are
   * searched for the head's end (an empty line, CRLF or a bare LF): a head sent a byte at a time
   * costs its length, not its square.
   */
  private ByteBuffer answer(Connection c) {
    ByteBuffer head = c.head;
    byte[] bytes = head.array();
    boolean ended = false;
    for (int i = Math.max(1, c.scanned); i < head.position() && !ended; i++) {
      ended = bytes[i] == '\n' && (bytes[i - 1] == '\n' || (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n'));
    }
    c.scanned = head.position();
    if (!ended) {
      return head.hasRemaining() ? null : response("431 Request Header Fields Too Large", "", false);
    }
    String text = new String(bytes, 0, head.position(), StandardCharsets.ISO_8859_1);
    String[] line = text.substring(0, text.indexOf('\n')).strip().split(" ");
    String method = line[0];
    String target = line.length == 3 ? line[1] : "";
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String answer = path.startsWith(PATH) ? answers.get(path.substring(PATH.length())) : null;
    if (answer == null || !(method.equals("GET") || method.equals("HEAD"))) {
      return response("404 Not Found", "", false);
    }
    return response("200 OK", answer, method.equals("GET"));
  }

  private static ByteBuffer response(String status, String body, boolean sendBody) {
    String headers = "HTTP/1.1 " + status + "\r\n"
        + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n";
    return ByteBuffer.wrap((headers + (sendBody ? body : "")).getBytes(StandardCharsets.US_ASCII));
  }

  private static void close(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // closing a connection that is gone
    }
  }

  private void closeAll() {
    try {
      if (channel != null) {
        channel.close();
      }
      if (selector != null) {
        selector.close(); // deregisters the channels: the port is free from here on
      }
    } catch (IOException e) {
      // closing what failed to open
    }
  }

  @Override
  public List<String> cleanUp() {
    if (thread != null) {
      open = false;
      selector.wakeup();
      try {
        thread.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
    answers.clear();
    return List.of();
  }
}
