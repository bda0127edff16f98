package org.hostpki.trust;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_server -www} on 127.0.0.1 presenting only a leaf and its key (no chain: the
 * client must find the issuer itself). Closing stops the process by its PID.
 */
final class LoopbackOpensslServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final StringBuffer output = new StringBuffer();

  private LoopbackOpensslServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LoopbackOpensslServer start(Path certificate, Path key) throws IOException {
    int port = freePort();
    Process process =
        new ProcessBuilder(
                "openssl", "s_server", "-accept", "127.0.0.1:" + port, "-naccept", "10",
                "-cert", certificate.toString(), "-key", key.toString(), "-www")
            .redirectErrorStream(true)
            .start();
    LoopbackOpensslServer server = new LoopbackOpensslServer(process, port);
    server.awaitListening();
    return server;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  private void awaitListening() {
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  output.append(line).append('\n');
                  if (line.startsWith("ACCEPT")) {
                    listening.countDown();
                  }
                }
              } catch (IOException ended) {
                // the process was stopped
              }
            },
            "s_server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!listening.await(30, TimeUnit.SECONDS)) {
        close();
        throw new AssertionError("openssl s_server did not start listening:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new AssertionError("interrupted while starting openssl s_server", e);
    }
  }

  /** A loopback port free a moment ago (s_server then binds it: a small race tests live with). */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }

  @Override
  public void close() {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
