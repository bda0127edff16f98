package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import org.hostpki.model.HostpkiException;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system's roots as a trust source. */
class SystemRootsTest {
  @TempDir Path root;

  @Test
  void testRead_namesEachRootStablyAndLeavesOutWhatHostpkiInstalled() throws IOException {
    HostTree tree = HostTree.fedora(root);
    Certificate installed = TestCa.selfSignedRoot("hostpki Test CA");
    Certificate accented = TestCa.selfSignedRoot("NetLock Arany (Class Gold) Főtanúsítvány");
    tree.write("etc/pki/ca-trust/source/anchors/hostpki-web-1a2b3c4d-ca.pem", installed.pem());
    tree.write("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        tree.distributionRoot.pem() + accented.pem() + installed.pem() + tree.distributionRoot.pem());

    SortedMap<String, Certificate> roots = SystemRoots.read(root);

    assertThat(roots)
        .containsOnlyKeys(
            "system-Distribution_Root-" + tree.distributionRoot.fingerprint().hex().substring(0, 8),
            "system-NetLock_Arany_Class_Gold_Fotanusitvany-" + accented.fingerprint().hex().substring(0, 8));
  }

  @Test
  void testNamed_twoRootsAlikeInNameAndEightDigitsGetTheWholeDigest() {
    Certificate a = TestCa.selfSignedRoot("Twin");
    Certificate b = TestCa.selfSignedRoot("Twin");

    SortedMap<String, Certificate> named = SystemRoots.named(List.of(a, b), Set.of());

    assertThat(named).hasSize(2);
    assertThat(named.keySet()).allMatch(n -> n.startsWith("system-Twin-"));
  }

  @Test
  void testRead_theDebianBundleOfThisMachine() {
    // Read only: this machine's own /etc/ssl/certs/ca-certificates.crt, if it is a Debian host.
    Path real = Path.of("/");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(real.resolve("etc/ssl/certs/ca-certificates.crt")));

    SortedMap<String, Certificate> roots = SystemRoots.read(real);

    assertThat(roots).hasSizeGreaterThan(50);
    assertThat(roots.keySet()).allMatch(n -> n.matches("system-[A-Za-z0-9._-]+-[0-9a-f]{8}([0-9a-f]{56})?"));
  }

  @Test
  void testRead_unknownSystemSaysWhatToDoInstead() {
    assertThatThrownBy(() -> SystemRoots.read(root))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("declare the roots you need under trust.directories instead");
  }
}
