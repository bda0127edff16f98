package org.hostpki.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The outside programs the suite checks hostpki's output with. Outside CI a missing one skips the
 * tests that need it, with the reason on stderr; under {@code CI=true} it fails them, so a CI
 * image without the tools cannot pass by skipping everything.
 */
final class Tools {
  static final Tool OPENSSL = new Tool("openssl", "openssl");
  static final Tool CERTTOOL = new Tool("certtool", "gnutls-bin");
  static final Tool CERTUTIL = new Tool("certutil", "libnss3-tools");
  static final Tool PK12UTIL = new Tool("pk12util", "libnss3-tools");
  static final Tool CURL = new Tool("curl", "curl");
  static final Tool KEYTOOL = new Tool("keytool", "a JDK");
  static final Tool CHROMIUM = new Tool("chromium", "chromium");
  static final Tool FAKETIME = new Tool("faketime", "faketime");
  static final Tool MKCERT = new Tool("mkcert", "mkcert");
  static final Tool HAPROXY = new Tool("haproxy", "haproxy");

  private Tools() {}

  /** A program found on PATH, and where to get it when it is missing. */
  record Tool(String executable, String debianPackage) {
    /** The program's path; skips (or under CI fails) the calling test when it is not installed. */
    String require() {
      Optional<Path> found =
          executable.equals("keytool") ? jdkKeytool() : onPath(executable);
      if (found.isEmpty()) {
        unavailable(executable + " is not installed (Debian package " + debianPackage + ")");
      }
      return found.orElseThrow().toString();
    }
  }

  /**
   * Skips the calling test, or fails it under CI; the reason goes to stderr too, since a skipped
   * test's reason is easy to miss in Maven's summary.
   */
  static void unavailable(String reason) {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    System.err.println("[hostpki-it] " + (ci ? "FAIL (CI=true): " : "SKIP: ") + reason);
    if (ci) {
      fail(reason + "; CI=true requires every interop tool (see .ci/run)");
    }
    Assumptions.abort(reason);
  }

  /**
   * Skips the calling test (also under CI) when this machine has no IPv6 loopback: many
   * containers run without IPv6, and that is the host's choice, not a missing tool.
   */
  static void assumeIpv6Loopback() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
    } catch (IOException e) {
      String reason =
          "no IPv6 loopback on this machine (cannot bind [::1]: " + e.getMessage() + ")";
      System.err.println("[hostpki-it] SKIP: " + reason);
      Assumptions.abort(reason);
    }
  }

  private static Optional<Path> jdkKeytool() {
    Path beside = Path.of(System.getProperty("java.home"), "bin", "keytool");
    return Files.isExecutable(beside) ? Optional.of(beside) : onPath("keytool");
  }

  private static Optional<Path> onPath(String executable) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, executable);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
