package org.hostpki.fleet;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.testkit.LoopbackPorts;

/**
 * {@code openssl s_server -www} on a free loopback port with a member's store: {@code server.crt},
 * {@code server.key}, and {@code server-fullchain.crt} as the chain. Closing it stops the process
 * by its PID.
 */
final class TlsServer implements AutoCloseable {
  private static final long STARTUP_MILLIS = 20_000;

  private final Process process;
  private final Path log;
  private final int port;

  private TlsServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  static TlsServer start(Path store) throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    AssertionError last = null;
    // A port found free can be taken by someone else before s_server binds it: try again.
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = LoopbackPorts.free(loopback);
      Path log = Files.createTempFile("hostpki-s_server", ".log");
      Process process =
          new ProcessBuilder(
                  List.of(
                      "openssl", "s_server", "-accept", "127.0.0.1:" + port, "-www",
                      "-cert", store.resolve("server.crt").toString(),
                      "-key", store.resolve("server.key").toString(),
                      "-cert_chain", store.resolve("server-fullchain.crt").toString()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      TlsServer server = new TlsServer(process, log, port);
      try {
        server.awaitListening(new InetSocketAddress(loopback, port));
        return server;
      } catch (AssertionError e) {
        server.close();
        last = e;
      }
    }
    throw last;
  }

  int port() {
    return port;
  }

  private void awaitListening(InetSocketAddress address) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("s_server exited before listening:\n" + Files.readString(log));
      }
      try (Socket probe = new Socket()) {
        probe.connect(address, 100);
        return;
      } catch (IOException notYet) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("s_server is not listening on " + address + ":\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
    }
  }


  /** Stops s_server by its PID: politely, then forcibly. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temporary file left behind
      }
    }
  }
}
