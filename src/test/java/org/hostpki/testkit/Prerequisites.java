package org.hostpki.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from this machine beyond the JDK: outside programs, namespaces, root. The one
 * rule: when it is missing, the test is skipped on a developer's machine and fails under {@code
 * CI=true} (as {@code .ci/run} sets it), so a CI image without the tools cannot pass by skipping
 * everything. The reason goes to stderr too: a skip is easy to miss in Maven's summary.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Whether this run is CI's: {@code CI=true} in the environment. */
  public static boolean underCi() {
    return underCi(System.getenv());
  }

  static boolean underCi(Map<String, String> environment) {
    return "true".equalsIgnoreCase(environment.getOrDefault("CI", ""));
  }

  /** Skips the calling test, or fails it under CI: {@code reason} says what is missing. */
  public static void missing(String reason) {
    missing(reason, System.getenv());
  }

  static void missing(String reason, Map<String, String> environment) {
    boolean ci = underCi(environment);
    System.err.println("[hostpki-test] " + (ci ? "FAIL (CI=true): " : "SKIP: ") + reason);
    if (ci) {
      fail(reason + "; CI=true requires it (see .ci/run)");
    }
    Assumptions.abort(reason);
  }

  /** {@link #missing} unless {@code available}. */
  public static void require(boolean available, Supplier<String> reason) {
    if (!available) {
      missing(reason.get());
    }
  }

  /**
   * Skips the calling test (also under CI) when this machine has no IPv6 loopback: many containers
   * run without IPv6, and that is the host's choice, not a missing tool.
   */
  public static void assumeIpv6Loopback() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
    } catch (IOException e) {
      String reason = "no IPv6 loopback on this machine (cannot bind [::1]: " + e.getMessage() + ")";
      System.err.println("[hostpki-test] SKIP: " + reason);
      Assumptions.abort(reason);
    }
  }
}
