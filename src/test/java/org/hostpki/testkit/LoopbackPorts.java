package org.hostpki.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for test servers (pebble, {@code s_server}, hostpki's http-01 listener) and for "nothing
 * listens here" cases.
 *
 * <p>A port found by binding to port 0 comes from the kernel's ephemeral range, the range it also
 * gives every outgoing connection as its source port. Between the probe and the server's bind,
 * any connection on the machine (another test's client, pebble's own validation) can take it, and
 * the server fails with "Address already in use": CI saw exactly that. So the ports come from
 * below the ephemeral range ({@code net.ipv4.ip_local_port_range}), where the kernel never hands
 * out a port by itself, checked free by a bind, and never handed out twice by one JVM. Forks pick
 * at random, so two of them meet on a port seldom, and the bind check catches one already held.
 */
public final class LoopbackPorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Below the well-known services that tests may meet on a developer's machine (8080, 9090...). */
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 500;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /** A port on 127.0.0.1 that nobody holds and the kernel will not give an outgoing connection. */
  public static int free() {
    return free(InetAddress.getLoopbackAddress());
  }

  /** A port on {@code address} that nobody holds and the kernel will not give an outgoing connection. */
  public static int free(InetAddress address) {
    int highest = ephemeralLow() - 1;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
      if (HANDED_OUT.add(port)) {
        if (bindable(address, port)) {
          return port;
        }
      }
    }
    throw new IllegalStateException(
        "no free port on " + address + " between " + LOWEST + " and " + highest + " after " + ATTEMPTS + " tries");
  }

  private static boolean bindable(InetAddress address, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(false);
      probe.bind(new InetSocketAddress(address, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
  static int ephemeralLow() {
    int low = 32_768;
    // Files.readString reads "3" here: the kernel says the file is empty, and the JDK trusts it.
    try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE, StandardCharsets.US_ASCII)) {
      low = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: the default
    }
    if (low <= LOWEST + 1_000) {
      throw new UncheckedIOException(
          new IOException("the ephemeral port range starts at " + low + ": no room for test ports below it"));
    }
    return low;
  }
}
