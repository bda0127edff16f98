package org.hostpki.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Jvm;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;

/**
 * A private view of this machine's trust stores, in which tests install for real: every command
 * runs in a new mount namespace ({@code unshare -m}) where {@code /usr/local/share/ca-certificates}
 * and {@code /etc/ssl/certs} (with Java's {@code cacerts} in it) are this object's copies, and
 * what dpkg's trigger for ca-certificates-java writes — {@code /var/lib/dpkg},
 * {@code /var/lib/ca-certificates-java}, {@code /var/log} — lands on a tmpfs that is gone when the
 * command ends. The copies live on between commands, so a test can install in one and check with
 * curl in the next; the machine's own files are never written.
 */
final class TrustNamespace {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final Path directory;
  private final Path local;
  private final Path certs;
  private final Path hooks;

  private TrustNamespace(Path directory, boolean javaHook) {
    this.directory = directory;
    this.local = directory.resolve("local-ca-certificates");
    this.certs = directory.resolve("etc-ssl-certs");
    this.hooks = javaHook ? null : directory.resolve("no-hooks");
  }

  /**
   * Copies of the machine's trust directories in {@code directory}.
   *
   * @param javaHook keep Debian's jks-keystore hook (ca-certificates-java); without it Java's
   *     cacerts is a store of its own, as on a host without that package
   */
  static TrustNamespace copyOfThisMachine(Path directory, boolean javaHook) {
    TrustNamespace ns = new TrustNamespace(directory, javaHook);
    try {
      Files.createDirectories(ns.local);
      Files.createDirectories(ns.certs);
      Files.createDirectories(directory.resolve("scratch"));
      if (ns.hooks != null) {
        Files.createDirectories(ns.hooks);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Command.of("cp", "-a", "/usr/local/share/ca-certificates/.", ns.local.toString()).run().assertSucceeded();
    Command.of("cp", "-a", "/etc/ssl/certs/.", ns.certs.toString()).run().assertSucceeded();
    return ns;
  }

  /** Java's cacerts as this namespace sees it (at /etc/ssl/certs/java/cacerts). */
  Path javaKeystore() {
    return certs.resolve("java/cacerts");
  }

  /**
   * Runs the command inside a fresh mount namespace over these copies; skipped (or under CI
   * failed) where such namespaces cannot be made.
   */
  ProcessResult run(List<String> command) {
    Path scratch = directory.resolve("scratch");
    Namespace ns =
        Namespace.mount()
            .bind(local, Path.of("/usr/local/share/ca-certificates"))
            .bind(certs, Path.of("/etc/ssl/certs"));
    if (hooks != null) {
      ns = ns.setup("if [ -d /etc/ca-certificates/update.d ]; then mount --bind " + hooks + " /etc/ca-certificates/update.d; fi");
    }
    ns =
        ns.setup(
            "mount -t tmpfs tmpfs " + scratch,
            "mkdir " + scratch + "/upper " + scratch + "/work",
            "mount -t overlay overlay -o lowerdir=/var/lib/dpkg,upperdir=" + scratch + "/upper,workdir="
                + scratch + "/work /var/lib/dpkg",
            "if [ -d /var/lib/ca-certificates-java ]; then mount -t tmpfs tmpfs /var/lib/ca-certificates-java; fi",
            "mount -t tmpfs tmpfs /var/log");
    return ns.run(Command.of(command).timeout(TIMEOUT));
  }

  ProcessResult run(String... command) {
    return run(List.of(command));
  }

  /** A JVM of the tests' Java with the test class path, running {@code mainClass}. */
  static List<String> java(Class<?> mainClass, String... args) {
    return Jvm.commandLine(mainClass, args);
  }
}
