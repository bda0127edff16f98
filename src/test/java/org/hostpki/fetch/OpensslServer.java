package org.hostpki.fetch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.IpAddresses;
import org.hostpki.testkit.LoopbackPorts;

/**
 * A real {@code openssl s_server -www} on a loopback address, presenting a leaf with or without
 * the certificates of its chain; closing stops the process by its PID.
 */
public final class OpensslServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final StringBuffer output = new StringBuffer();

  private OpensslServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Presents {@code certificate} and the certificates of {@code chain} after it. */
  public static OpensslServer start(InetAddress address, Path certificate, Path key, Path chain) {
    return start(address, certificate, key, Optional.of(chain));
  }

  /** Presents only {@code certificate}: a client must find its issuer by itself. */
  public static OpensslServer start(InetAddress address, Path certificate, Path key) {
    return start(address, certificate, key, Optional.empty());
  }

  private static OpensslServer start(
      InetAddress address, Path certificate, Path key, Optional<Path> chain) {
    int port = LoopbackPorts.free(address);
    String host = address instanceof java.net.Inet6Address ? "[" + IpAddresses.format(address) + "]" : IpAddresses.format(address);
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl", "s_server", "-accept", host + ":" + port, "-cert", certificate.toString(),
                "-key", key.toString(), "-www"));
    chain.ifPresent(c -> command.addAll(List.of("-cert_chain", c.toString())));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start openssl s_server", e);
    }
    OpensslServer server = new OpensslServer(process, port);
    server.awaitListening();
    return server;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** s_server prints ACCEPT once it listens; its output is drained until it exits. */
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
                // The process was stopped.
              }
            },
            "openssl-s_server-output");
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
