package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.root;
import static org.hostpki.trust.TrustCertificates.writeDer;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where trusted certificates come from, through the real CLI: files and directories, PEM or DER
 * by content, several certificates per file, and every way a source can be wrong.
 */
class TrustSourcesTest {
  @TempDir Path dir;
  private TrustWorkspace ws;

  @BeforeEach
  void setUp() {
    ws = new TrustWorkspace(dir);
  }

  private List<String> trustNames() throws IOException {
    try (Stream<Path> files = Files.list(ws.store.resolve("trust"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String storeGeneration() throws IOException {
    return Files.readSymbolicLink(ws.store.resolve("..data")).toString();
  }

  @Test
  void testApply_directoryReadsPemAndDerByContentAndNamesEachCertificateOfAFile() throws IOException {
    Certificate a = root("A Root");
    Certificate b = root("B Root");
    Certificate c1 = root("C Root 1");
    Certificate c2 = root("C Root 2");
    Certificate c3 = root("C Root 3");
    writePem(dir.resolve("trusted.d/a.pem"), a);
    writeDer(dir.resolve("trusted.d/b.crt"), b); // DER under a PEM-ish extension
    writePem(dir.resolve("trusted.d/c.cer"), c1, c2, c3); // PEM under a DER-ish extension
    Files.writeString(dir.resolve("trusted.d/README.txt"), "not a certificate, not read");
    writePem(dir.resolve("trusted.d/.hidden.pem"), root("Hidden"));
    ws.desired("directories: [trusted.d]");

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(trustNames())
        .containsExactlyInAnyOrder("a.crt", "b.crt", "c-" + hex12(c1) + ".crt", "c-" + hex12(c2) + ".crt", "c-" + hex12(c3) + ".crt");
    assertThat(ws.readText("trust/b.crt")).isEqualTo(b.pem());
    assertThat(ws.readText("trust/c-" + hex12(c1) + ".crt")).isEqualTo(c1.pem());
    assertThat(ws.readText("trust/c-" + hex12(c2) + ".crt")).isEqualTo(c2.pem());
    assertThat(ws.readText("trust/c-" + hex12(c3) + ".crt")).isEqualTo(c3.pem());
  }

  @Test
  void testApply_inlinePemWithTwoCertificatesYieldsFingerprintNames() throws IOException {
    Certificate first = root("Inline One");
    Certificate second = root("Inline Two");
    String pem = Pem.certificates(List.of(first, second));
    ws.desired(
        Stream.concat(
                Stream.of("certificates:", "  - name: switch", "    pem: |"),
                pem.lines().map(l -> "      " + l))
            .toArray(String[]::new));

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(ws.readText("trust/switch-" + hex12(first) + ".crt")).isEqualTo(first.pem());
    assertThat(ws.readText("trust/switch-" + hex12(second) + ".crt")).isEqualTo(second.pem());
  }

  private static String hex12(Certificate c) {
    return c.fingerprint().hex().substring(0, 12);
  }

  @Test
  void testPlan_removingTheFirstCertificateOfABundlePlansOneDeleteOnly() throws IOException {
    List<Certificate> bundle = java.util.stream.IntStream.range(0, 50).mapToObj(i -> root("Bundle " + i)).toList();
    writePem(dir.resolve("trusted.d/bundle.pem"), bundle.toArray(Certificate[]::new));
    ws.desired("directories: [trusted.d]");
    TrustWorkspace.Run applied = ws.apply();
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    writePem(dir.resolve("trusted.d/bundle.pem"), bundle.subList(1, 50).toArray(Certificate[]::new));

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().lines().filter(l -> l.contains("trust/")).map(l -> l.replaceAll(" +", " ")))
        .as(run.out())
        .containsExactly("- trust/bundle-" + hex12(bundle.get(0)) + " delete no longer declared");
    assertThat(run.out()).contains("Plan: 0 to create, 0 to replace, 2 to update, 1 to delete, ");
  }

  /** File name, content, and words the error must contain besides the file's path. */
  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("key.pem", TrustCertificates.privateKeyPem(), "PRIVATE KEY"),
        Arguments.of("key.cer", TrustCertificates.privateKeyDer(), "PRIVATE KEY"),
        Arguments.of("garbage.crt", new byte[] {0x17, (byte) 0xff, 0x00, 0x42, 0x13}, "neither PEM"),
        Arguments.of("words.pem", "hello, certificate\n".getBytes(StandardCharsets.US_ASCII), "no certificate"),
        Arguments.of("empty.pem", new byte[0], "empty"),
        Arguments.of("request.pem", TrustCertificates.requestPem(), "CERTIFICATE REQUEST"),
        Arguments.of("request.cer", der(TrustCertificates.requestPem()), "is a certificate request (CSR)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void testApply_badFileInADirectoryIsAnErrorNamingItAndChangesNothing(
      String name, byte[] content, String words) throws IOException {
    writePem(dir.resolve("trusted.d/good.pem"), root("Good Root"));
    ws.desired("directories: [trusted.d]");
    assertThat(ws.apply().exitCode()).isZero();
    String generation = storeGeneration();
    Files.write(dir.resolve("trusted.d/" + name), content);

    TrustWorkspace.Run run = ws.apply();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains(dir.resolve("trusted.d/" + name).toString(), words);
    assertThat(run.err()).doesNotContain("internal error", "Exception");
    assertThat(storeGeneration()).isEqualTo(generation);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void testPlan_badDeclaredFileIsAnErrorNamingItAndWhereItIsDeclared(
      String name, byte[] content, String words) throws IOException {
    Files.createDirectories(dir.resolve("trusted"));
    Files.write(dir.resolve("trusted/" + name), content);
    ws.desired("certificates:", "  - {name: ldap, file: trusted/" + name + "}");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains(dir.resolve("trusted/" + name).toString(), words);
    assertThat(ws.store).doesNotExist();
  }

  @Test
  void testPlan_missingDeclaredFileNamesItAndItsDeclaration() throws IOException {
    ws.desired("certificates:", "  - {name: ldap, file: trusted/missing.pem}");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(dir.resolve("host.yaml") + ":", dir.resolve("trusted/missing.pem").toString(), "does not exist");
  }

  @Test
  void testPlan_missingDirectoryIsAnError() throws IOException {
    ws.desired("directories: [nowhere.d]");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(dir.resolve("nowhere.d").toString(), "does not exist");
  }

  @Test
  void testPlan_nameClashBetweenDeclaredFileAndDirectoryNamesBothPlaces() throws IOException {
    writePem(dir.resolve("trusted/partner.pem"), root("Partner One"));
    writePem(dir.resolve("trusted.d/partner.pem"), root("Partner Two"));
    ws.desired(
        "certificates:",
        "  - {name: partner, file: trusted/partner.pem}",
        "directories: [trusted.d]");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "'partner'",
            dir.resolve("host.yaml") + ":",
            dir.resolve("trusted/partner.pem").toString(),
            dir.resolve("trusted.d/partner.pem").toString());
  }

  @Test
  void testPlan_secondCertificateOfAFileClashingWithAnotherFileNamesBoth() throws IOException {
    Certificate one = root("Bundle One");
    writePem(dir.resolve("trusted.d/bundle.pem"), one, root("Bundle Two"));
    writePem(dir.resolve("trusted.d/bundle-" + hex12(one) + ".pem"), root("Other"));
    ws.desired("directories: [trusted.d]");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "'bundle-" + hex12(one) + "'",
            dir.resolve("trusted.d/bundle.pem").toString(),
            dir.resolve("trusted.d/bundle-" + hex12(one) + ".pem").toString());
  }

  @Test
  void testPlan_sameNameInTwoDirectoriesNamesBothFiles() throws IOException {
    writePem(dir.resolve("one.d/ca.pem"), root("One"));
    writePem(dir.resolve("two.d/ca.crt"), root("Two"));
    ws.desired("directories: [one.d, two.d]");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains(dir.resolve("one.d/ca.pem").toString(), dir.resolve("two.d/ca.crt").toString());
  }

  @Test
  void testPlan_namesDifferingOnlyInCaseAreAClashNamingBothFiles() throws IOException {
    writePem(dir.resolve("trusted.d/LDAP.pem"), root("Upper"));
    writePem(dir.resolve("trusted.d/ldap.pem"), root("Lower"));
    ws.desired("directories: [trusted.d]");

    TrustWorkspace.Run plan = ws.plan();
    TrustWorkspace.Run apply = ws.apply();

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.err())
        .contains(dir.resolve("trusted.d/LDAP.pem").toString(), dir.resolve("trusted.d/ldap.pem").toString());
    assertThat(apply.err()).doesNotContain("internal error");
    assertThat(ws.store.resolve("..data")).doesNotExist();
  }

  @Test
  void testPlan_reservedNameOfTheInternalCaIsRefused() throws IOException {
    writePem(dir.resolve("trusted.d/hostpki-ca.pem"), root("Foreign CA"));
    ws.desired("directories: [trusted.d]");

    TrustWorkspace.Run plan = ws.plan();
    TrustWorkspace.Run apply = ws.apply();

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.err()).contains(dir.resolve("trusted.d/hostpki-ca.pem").toString(), "hostpki-ca", "reserved");
    assertThat(apply.exitCode()).isEqualTo(1);
    assertThat(ws.store.resolve("..data")).doesNotExist();
  }

  @Test
  void testPlan_derCertificateRequestIsNamedAsSuch() throws IOException {
    Files.createDirectories(dir.resolve("trusted.d"));
    Files.write(dir.resolve("trusted.d/request.cer"), der(TrustCertificates.requestPem()));
    ws.desired("directories: [trusted.d]");

    TrustWorkspace.Run run = ws.plan();

    assertThat(run.err()).contains("request").doesNotContain("org.bouncycastle");
  }

  /** The DER inside a one-block PEM text. */
  private static byte[] der(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }
}
