package org.hostpki.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  /** Whether {@code unshare -m} works here (root, a kernel that allows it); the reason if not. */
  static String unavailableReason() {
    ProcessResult probe = Command.of("unshare", "-m", "--propagation", "private", "true").run();
    return probe.exitCode() == 0 ? null : "'unshare -m' failed (not root?): " + probe.output().strip();
  }

  /** Runs the command inside a fresh namespace over these copies. */
  ProcessResult run(List<String> command) {
    Path scratch = directory.resolve("scratch");
    List<String> setup = new ArrayList<>();
    setup.add("set -e");
    setup.add("mount --bind " + local + " /usr/local/share/ca-certificates");
    setup.add("mount --bind " + certs + " /etc/ssl/certs");
    if (hooks != null) {
      setup.add("if [ -d /etc/ca-certificates/update.d ]; then mount --bind " + hooks + " /etc/ca-certificates/update.d; fi");
    }
    setup.add("mount -t tmpfs tmpfs " + scratch);
    setup.add("mkdir " + scratch + "/upper " + scratch + "/work");
    setup.add(
        "mount -t overlay overlay -o lowerdir=/var/lib/dpkg,upperdir=" + scratch + "/upper,workdir=" + scratch
            + "/work /var/lib/dpkg");
    setup.add("if [ -d /var/lib/ca-certificates-java ]; then mount -t tmpfs tmpfs /var/lib/ca-certificates-java; fi");
    setup.add("mount -t tmpfs tmpfs /var/log");
    setup.add("exec \"$@\"");
    List<String> all = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "--", "sh", "-c", String.join("\n", setup), "sh"));
    all.addAll(command);
    return Command.of(all).timeout(TIMEOUT).run();
  }

  ProcessResult run(String... command) {
    return run(List.of(command));
  }

  /** A JVM of the tests' Java with the test class path, running {@code mainClass}. */
  static List<String> java(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path")));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }
}
