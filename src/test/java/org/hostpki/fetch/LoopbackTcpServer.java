package org.hostpki.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain TCP server on 127.0.0.1 that does not speak TLS: it answers garbage, hangs up, or is silent. */
public final class LoopbackTcpServer implements AutoCloseable {

  /** What the server does with each connection. */
  public enum Behaviour {
    /** Reads the client's first bytes and answers as a plain HTTP server would. */
    ANSWER_HTTP,
    /** Closes each connection at once. */
    HANG_UP,
    /** Keeps each connection open and never sends a byte. */
    SILENT
  }

  private final ServerSocket socket;
  private final Behaviour behaviour;
  private final Thread acceptor;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  private LoopbackTcpServer(ServerSocket socket, Behaviour behaviour) {
    this.socket = socket;
    this.behaviour = behaviour;
    this.acceptor = new Thread(this::serve, "loopback-tcp-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static LoopbackTcpServer start(Behaviour behaviour) {
    try {
      return new LoopbackTcpServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), behaviour);
    } catch (IOException e) {
      throw new AssertionError("cannot listen on 127.0.0.1", e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        switch (behaviour) {
          case ANSWER_HTTP -> {
            client.setSoTimeout(5000);
            InputStream in = client.getInputStream();
            in.read(new byte[512]);
            client.getOutputStream()
                .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            held.add(client);
          }
          case HANG_UP -> client.close();
          case SILENT -> held.add(client);
        }
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // One bad client must not stop the server.
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
      acceptor.join(5000);
    } catch (IOException ignored) {
      // Closing sockets does not fail in a way a test could act on.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
