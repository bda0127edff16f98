package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExternalChainInputTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa CA = TestCa.create(NOW);
  private static final KeyMaterial KEY = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());

  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path chain = fs.getPath("/etc/hostpki/incoming/chain.pem");
  private final HostIdentity host =
      new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
  private final ExternalChainInput input = new ExternalChainInput();

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private DesiredState desired(ServerSpec.Issuer issuer) {
    ServerSpec d = ServerSpec.defaults();
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(fs.getPath("/var/lib/hostpki"), Optional.empty(), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        new ServerSpec(
            issuer, d.subject(), d.dnsNames(), d.ipAddresses(), true, d.key(), d.keyRotation(),
            d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            issuer == ServerSpec.Issuer.EXTERNAL
                ? Optional.of(new ExternalSpec(chain, ExternalSpec.Fallback.NONE))
                : Optional.empty(), Optional.empty()),
        TrustSpec.defaults(),
        HooksSpec.none());
  }

  private ExternalChainInput.Read read(Optional<KeyMaterial> key) {
    return input.read(desired(ServerSpec.Issuer.EXTERNAL), host, ObservedStore.empty(), key, Optional.empty(), NOW);
  }

  private void write(byte[] content) throws IOException {
    Files.createDirectories(chain.getParent());
    Files.write(chain, content);
  }

  private Certificate leaf() {
    return CA.leaf(KEY.publicKey(), List.of("portal.example.com", "portal"), host.addresses())
        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
        .build();
  }

  private ExternalChainInput.Read readWithRoots(Path... rootFiles) {
    return readWithRoots(Optional.empty(), rootFiles);
  }

  private ExternalChainInput.Read readWithRoots(Optional<List<Certificate>> imported, Path... rootFiles) {
    DesiredState d = desired(ServerSpec.Issuer.EXTERNAL);
    ServerSpec s = d.server();
    List<ExternalSpec.Root> roots =
        java.util.Arrays.stream(rootFiles)
            .map(f -> new ExternalSpec.Root(f, new org.hostpki.model.SourcePosition(d.source(), 7, 9)))
            .toList();
    ServerSpec withRoots =
        new ServerSpec(
            s.issuer(), s.subject(), s.dnsNames(), s.ipAddresses(), s.includeHostIdentity(), s.key(),
            s.keyRotation(), s.validity(), s.renewBefore(), s.clientAuth(), s.allowLongValidity(),
            Optional.of(new ExternalSpec(chain, ExternalSpec.Fallback.NONE, roots)), Optional.empty());
    return input.read(
        DesiredStates.of(d.source(), d.store(), d.host(), d.ca(), withRoots, d.trust(), d.hooks()),
        host, ObservedStore.empty(), Optional.of(KEY), imported, NOW);
  }

  /** server.external.roots' file, naming the test CA's root. */
  private Path corpRootFile() throws IOException {
    Path rootFile = fs.getPath("/etc/hostpki/corp-root.pem");
    Files.createDirectories(rootFile.getParent());
    Files.writeString(rootFile, Pem.certificates(List.of(CA.root())));
    return rootFile;
  }

  /** A staging CA's leaf for the server key and names: another root than the one named. */
  private Certificate stagingLeaf(TestCa staging) {
    return staging.leaf(KEY.publicKey(), List.of("portal.example.com", "portal"), host.addresses())
        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
        .build();
  }

  /**
   * Found in a trial: a chain imported before server.external.roots named another root was not
   * checked again. The chain the store recorded is, with the roots named now, whether or not the
   * file is still there.
   */
  @Test
  void testRead_theChainImportedEarlierIsCheckedAgainstTheRootsNamedNow() throws IOException {
    Path rootFile = corpRootFile();
    TestCa staging = TestCa.create(NOW);
    Certificate stagingLeaf = stagingLeaf(staging);

    ExternalChainInput.Read outside =
        readWithRoots(Optional.of(List.of(stagingLeaf, staging.intermediate(), staging.root())), rootFile);
    ExternalChainInput.Read below = readWithRoots(Optional.of(List.of(stagingLeaf, staging.intermediate())), rootFile);

    assertThat(outside.importedOutsideRoots())
        .hasValue("ends in the root CN=Example Root CA (SHA-256 " + staging.root().fingerprint().colonHex()
            + "), which server.external.roots does not name (it names CN=Example Root CA (SHA-256 "
            + CA.root().fingerprint().colonHex() + "))");
    assertThat(below.importedOutsideRoots()).get().asString()
        .startsWith("ends with CN=Example Issuing CA 2 (SHA-256 " + staging.intermediate().fingerprint().colonHex()
            + "), issued by CN=Example Root CA, which server.external.roots does not name");
    assertThat(readWithRoots(Optional.of(List.of(leaf(), CA.intermediate())), rootFile).importedOutsideRoots()).isEmpty();
    assertThat(input.read(desired(ServerSpec.Issuer.EXTERNAL), host, ObservedStore.empty(), Optional.of(KEY),
        Optional.of(List.of(stagingLeaf, staging.intermediate())), NOW).importedOutsideRoots()).isEmpty();
  }

  /**
   * server.external.roots: a staging CA's chain (same names, other keys) is refused naming both
   * roots; the named CA's chain is imported; the root files' certificates go into the plan's basis.
   */
  @Test
  void testRead_chainEndingInARootOtherThanTheNamedOneIsRefused() throws IOException {
    Path rootFile = corpRootFile();
    TestCa staging = TestCa.create(NOW);
    Certificate stagingLeaf = stagingLeaf(staging);
    write(Pem.certificates(List.of(stagingLeaf, staging.intermediate(), staging.root()))
        .getBytes(StandardCharsets.US_ASCII));

    ExternalChainInput.Read refusedRead = readWithRoots(rootFile);

    ExternalChainFile.Refused refused = (ExternalChainFile.Refused) refusedRead.facts().orElseThrow();
    assertThat(refused.problems())
        .singleElement()
        .asString()
        .contains(staging.root().fingerprint().colonHex(), CA.root().fingerprint().colonHex());
    assertThat(refusedRead.basisWords()).endsWith(" " + CA.root().fingerprint().hex());

    write(Pem.certificates(List.of(leaf(), CA.intermediate(), CA.root())).getBytes(StandardCharsets.US_ASCII));
    assertThat(readWithRoots(rootFile).facts().orElseThrow()).isInstanceOf(ExternalChainFile.Valid.class);
  }

  /** A root file that cannot be read, or holds no certificate, is an error naming the line. */
  @Test
  void testRead_unreadableRootFileIsAnErrorAtItsLine() throws IOException {
    write(Pem.certificates(List.of(leaf(), CA.intermediate())).getBytes(StandardCharsets.US_ASCII));
    Path missing = fs.getPath("/etc/hostpki/missing-root.pem");
    Path text = fs.getPath("/etc/hostpki/notes.pem");
    Files.createDirectories(text.getParent());
    Files.writeString(text, "hello\n");

    assertThatThrownBy(() -> readWithRoots(missing))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("/etc/hostpki/host.yaml:7:9: server.external.roots: " + missing + " ");
    assertThatThrownBy(() -> readWithRoots(text))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(
            "/etc/hostpki/host.yaml:7:9: server.external.roots: " + text
                + ": not a PEM file of root certificates: ");
  }

  @Test
  void testRead_internalIssuerReadsNothing() {
    assertThat(input.read(desired(ServerSpec.Issuer.INTERNAL), host, ObservedStore.empty(), Optional.of(KEY), Optional.empty(), NOW).facts()).isEmpty();
  }

  @Test
  void testRead_missingFileIsAbsent() {
    assertThat(read(Optional.of(KEY)).facts()).contains(new ExternalChainFile.Absent(chain));
  }

  @Test
  void testRead_validChainIsOrderedWithTheFilesDigest() throws IOException {
    Certificate leaf = leaf();
    byte[] content = Pem.certificates(List.of(CA.intermediate(), leaf)).getBytes(StandardCharsets.US_ASCII);
    write(content);

    ExternalChainInput.Read read = read(Optional.of(KEY));

    ExternalChainFile.Valid valid = (ExternalChainFile.Valid) read.facts().orElseThrow();
    assertThat(valid.content()).isEqualTo(Fingerprint.sha256(content));
    assertThat(valid.chain()).containsExactly(leaf.facts(), CA.intermediate().facts());
    assertThat(read.chain()).containsExactly(leaf, CA.intermediate());
  }

  @Test
  void testRead_chainSavedWithAByteOrderMarkIsValid() throws IOException {
    Certificate leaf = leaf();
    byte[] pem = Pem.certificates(List.of(leaf, CA.intermediate())).getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[pem.length + 3];
    content[0] = (byte) 0xEF;
    content[1] = (byte) 0xBB;
    content[2] = (byte) 0xBF;
    System.arraycopy(pem, 0, content, 3, pem.length);
    write(content);

    assertThat(read(Optional.of(KEY)).chain()).containsExactly(leaf, CA.intermediate());
  }

  @Test
  void testRead_textThatIsNoCertificateIsRefused() throws IOException {
    write("hello\n".getBytes(StandardCharsets.US_ASCII));

    ExternalChainFile.Refused refused = (ExternalChainFile.Refused) read(Optional.of(KEY)).facts().orElseThrow();

    assertThat(refused.certificates()).isEmpty();
    assertThat(refused.problems())
        .containsExactly(
            "it is not a certificate chain: it holds no certificate: there is no -----BEGIN"
                + " CERTIFICATE----- line");
  }

  /** Found: "it is not a certificate chain: it block 1 (CERTIFICATE, line 1) is truncated". */
  @Test
  void testRead_aBrokenBlockIsNamedAsTheFilesBlock() throws IOException {
    String pem = leaf().pem();
    write(pem.substring(0, pem.length() / 2).concat("-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII));

    ExternalChainFile.Refused refused = (ExternalChainFile.Refused) read(Optional.of(KEY)).facts().orElseThrow();

    assertThat(refused.problems())
        .singleElement()
        .asString()
        .startsWith("it is not a certificate chain: its block 1 (CERTIFICATE, line 1) is ");
  }

  @Test
  void testRead_chainBeforeAnyServerKeyIsRefused() throws IOException {
    write(Pem.certificates(List.of(leaf(), CA.intermediate())).getBytes(StandardCharsets.US_ASCII));

    ExternalChainFile.Refused refused = (ExternalChainFile.Refused) read(Optional.empty()).facts().orElseThrow();

    assertThat(refused.certificates()).hasSize(2);
    assertThat(refused.problems()).singleElement().asString().contains("there is no server.key in the store yet");
  }

  @Test
  void testRead_directoryInsteadOfAFileIsAnError() throws IOException {
    Files.createDirectories(chain);

    assertThatThrownBy(() -> read(Optional.of(KEY)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("server.external.chain: " + chain + " is a directory, not a regular file");
  }
}
