package org.hostpki.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An outside program the tests run, and the Debian package that brings it ({@code .ci/run}
 * installs them all). {@link #require()} finds it or reports it missing by the one rule of {@link
 * Prerequisites}: skipped here, failed under CI.
 */
public record Tool(String executable, String debianPackage) {
  public static final Tool OPENSSL = new Tool("openssl", "openssl");
  public static final Tool CERTTOOL = new Tool("certtool", "gnutls-bin");
  public static final Tool GNUTLS_CLI = new Tool("gnutls-cli", "gnutls-bin");
  public static final Tool CERTUTIL = new Tool("certutil", "libnss3-tools");
  public static final Tool TSTCLNT = new Tool("tstclnt", "libnss3-tools");
  public static final Tool PK12UTIL = new Tool("pk12util", "libnss3-tools");
  public static final Tool CURL = new Tool("curl", "curl");
  /** The keytool of the JDK running the tests (its {@code java.home}), else the one on PATH. */
  public static final Tool KEYTOOL = new Tool("keytool", "a JDK");
  public static final Tool CHROMIUM = new Tool("chromium", "chromium");
  public static final Tool FAKETIME = new Tool("faketime", "faketime");
  public static final Tool MKCERT = new Tool("mkcert", "mkcert");
  public static final Tool HAPROXY = new Tool("haproxy", "haproxy");
  public static final Tool UNSHARE = new Tool("unshare", "util-linux");
  public static final Tool IP = new Tool("ip", "iproute2");
  public static final Tool BASH = new Tool("bash", "bash");
  public static final Tool ZSH = new Tool("zsh", "zsh");
  public static final Tool FISH = new Tool("fish", "fish");
  public static final Tool TMUX = new Tool("tmux", "tmux");
  public static final Tool MAN = new Tool("man", "man-db");
  public static final Tool GROFF = new Tool("groff", "groff-base");
  public static final Tool DPKG = new Tool("dpkg", "dpkg");
  public static final Tool ANSIBLE_PLAYBOOK = new Tool("ansible-playbook", "ansible");
  public static final Tool SYSTEMD_ANALYZE = new Tool("systemd-analyze", "systemd");
  public static final Tool UPDATE_CA_CERTIFICATES = new Tool("update-ca-certificates", "ca-certificates");
  public static final Tool PEBBLE = new Tool("pebble", "pebble");
  public static final Tool PEBBLE_CHALLTESTSRV = new Tool("pebble-challtestsrv", "pebble");
  public static final Tool LEGO = new Tool("lego", "lego");
  public static final Tool CHATTR = new Tool("chattr", "e2fsprogs");

  /** The program's path; skips (or under CI fails) the calling test when it is not installed. */
  public Path require() {
    Optional<Path> found = find();
    if (found.isEmpty()) {
      Prerequisites.missing(executable + " is not installed (Debian package " + debianPackage + ")");
    }
    return found.orElseThrow();
  }

  /** Whether it is installed, for the rare test that does something else without it. */
  public boolean installed() {
    return find().isPresent();
  }

  /** Where it is: on PATH (for keytool: beside this JVM's java first). */
  public Optional<Path> find() {
    if (executable.equals("keytool")) {
      Path beside = Path.of(System.getProperty("java.home"), "bin", "keytool");
      if (Files.isExecutable(beside)) {
        return Optional.of(beside);
      }
    }
    return onPath(executable);
  }

  /** {@code PROGRAM ARGS}, with the program {@linkplain #require() required}. */
  public Command command(String... arguments) {
    List<String> all = new ArrayList<>();
    all.add(require().toString());
    all.addAll(List.of(arguments));
    return Command.of(all);
  }

  /** Runs {@code PROGRAM ARGS} to the end (a minute at most); it must succeed. */
  public ProcessResult run(String... arguments) {
    return command(arguments).run().assertSucceeded();
  }

  private static Optional<Path> onPath(String executable) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
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
