package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;

/**
 * A host's trust directories under a test's root: Debian's or Fedora's layout with one foreign
 * root of the distribution and one foreign local CA, which no test may change.
 */
final class HostTree {
  /** For tests of one store's installers: every marked name is that store's. */
  static final Predicate<String> EVERY_NAME = name -> true;

  final Path root;
  final Certificate distributionRoot = TestCa.selfSignedRoot("Distribution Root");
  final Certificate foreignLocalCa = TestCa.selfSignedRoot("Someone Else's CA");

  private HostTree(Path root) {
    this.root = root;
  }

  /**
   * Debian: /usr/share/ca-certificates/mozilla/Distribution_Root.crt listed in
   * /etc/ca-certificates.conf, a foreign /usr/local/share/ca-certificates/someone.crt, an empty
   * /etc/ssl/certs and an empty hooks directory; update-ca-certificates has not run yet.
   */
  static HostTree debian(Path root) throws IOException {
    HostTree tree = new HostTree(root);
    tree.write("usr/share/ca-certificates/mozilla/Distribution_Root.crt", tree.distributionRoot.pem());
    tree.write("etc/ca-certificates.conf", "# test\nmozilla/Distribution_Root.crt\n");
    tree.write("usr/local/share/ca-certificates/someone.crt", tree.foreignLocalCa.pem());
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.createDirectories(root.resolve("etc/ca-certificates/update.d"));
    return tree;
  }

  /** Fedora: the anchors directory with a foreign anchor, and an extracted bundle of the distribution's root. */
  static HostTree fedora(Path root) throws IOException {
    HostTree tree = new HostTree(root);
    tree.write("usr/share/pki/ca-trust-source/tls-ca-bundle.pem", tree.distributionRoot.pem());
    tree.write("etc/pki/ca-trust/source/anchors/someone.pem", tree.foreignLocalCa.pem());
    tree.write("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", tree.distributionRoot.pem());
    return tree;
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  void write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  /** An executable script under the root, e.g. a stand-in tool or hook. */
  Path script(String relative, String body) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /**
   * Every file under the root with its content (links as their target), for before/after checks;
   * not the installers' lock files ({@link TargetLock}).
   */
  Map<String, String> snapshot(String relative) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    Path base = root.resolve(relative);
    if (!Files.exists(base)) {
      return out;
    }
    try (var paths = Files.walk(base)) {
      for (Path p : paths.toList()) {
        if (p.getFileName().toString().endsWith(SystemTrustLayout.LOCK_FILE)) {
          continue; // the lock that keeps two stores' installs apart: made once, then left there
        }
        String key = base.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          out.put(key, Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return out;
  }

  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
