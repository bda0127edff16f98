package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.Pkcs7;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Warning;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reconcile sequence with {@code server.issuer: external}, on Jimfs, against a test CA. */
class ReconcilerExternalIssuerTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa CA = TestCa.create(T0);

  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  private final Path store = fs.getPath("/var/lib/hostpki");
  private final Path chainFile = fs.getPath("/etc/hostpki/incoming/portal-chain.pem");
  private HostIdentity host = identity("192.0.2.10");
  private Instant now = T0;
  private final StringWriter log = new StringWriter();

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static HostIdentity identity(String address) {
    return new HostIdentity(
        "portal", Optional.of("example.com"), List.of(IpAddresses.parse(address).orElseThrow()));
  }

  private Reconciler reconciler() {
    HostIdentityProbe probe = spec -> host;
    return new Reconciler(
        probe,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "pw")),
        new Hooks(new PrintWriter(log, true)));
  }

  private HooksSpec hooks = HooksSpec.none();

  private DesiredState desired(ServerSpec.Issuer issuer, ExternalSpec.Fallback fallback) {
    ServerSpec d = ServerSpec.defaults();
    ServerSpec server =
        new ServerSpec(
            issuer, d.subject(), List.of("portal.example.com"), d.ipAddresses(), true, d.key(),
            d.keyRotation(), d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            issuer == ServerSpec.Issuer.EXTERNAL
                ? Optional.of(new ExternalSpec(chainFile, fallback))
                : Optional.empty(), Optional.empty());
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, Optional.of(new PasswordSource.Env("PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        server,
        TrustSpec.defaults(),
        hooks);
  }

  private DesiredState external(ExternalSpec.Fallback fallback) {
    return desired(ServerSpec.Issuer.EXTERNAL, fallback);
  }

  private DesiredState external() {
    return external(ExternalSpec.Fallback.NONE);
  }

  private Reconciler.Result apply(DesiredState d) {
    return reconciler().apply(d, Set.of(), Optional.empty(), Duration.ZERO);
  }

  private Plan plan(DesiredState d) {
    return reconciler().plan(d, Set.of()).plan();
  }

  private byte[] read(String name) throws IOException {
    return Files.readAllBytes(store.resolve(name));
  }

  private Certificate certificate(String name) throws Exception {
    return Pem.readCertificates(read(name)).get(0);
  }

  private List<Certificate> certificates(String name) throws Exception {
    return Pem.readCertificates(read(name));
  }

  private KeyMaterial serverKey() throws Exception {
    return KeyMaterial.fromPem(read("server.key"));
  }

  /** The CA signs the store's current server.csr, valid from now for {@code days}. */
  private Certificate signCsr(int days) throws IOException {
    return CA.sign(read("server.csr"), now.minus(Duration.ofMinutes(5)), Duration.ofDays(days));
  }

  private void deliver(Certificate... chain) throws IOException {
    deliver(Pem.certificates(List.of(chain)).getBytes(StandardCharsets.US_ASCII));
  }

  private void deliver(byte[] content) throws IOException {
    Files.createDirectories(chainFile.getParent());
    Files.write(chainFile, content);
  }

  private SortedMap<String, byte[]> storeBytes() throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.toList()) {
        String rel = store.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          files.put(rel + " -> ", Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(rel, Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private static void assertSameBytes(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
  }

  private static List<String> warnings(Plan plan) {
    return plan.warnings().stream().map(Warning::code).toList();
  }

  // ---- waiting --------------------------------------------------------------------------------

  @Test
  void testApply_freshExternalStoreWritesTheCsrAndServesAnInternalCertificate() throws Exception {
    Reconciler.Result first = apply(external());

    CsrFacts csr = CertificationRequest.read(read("server.csr"));
    assertThat(csr.signatureValid()).isTrue();
    assertThat(csr.publicKey()).isEqualTo(serverKey().facts());
    assertThat(csr.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(csr.ipAddresses()).containsExactly(IpAddresses.parse("192.0.2.10").orElseThrow());
    assertThat(certificate("server.crt").isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(warnings(first.plan())).containsExactly("chain-awaited");
    Plan second = plan(external());
    assertThat(second.isEmpty()).isTrue();
    assertThat(warnings(second)).containsExactly("chain-awaited");
  }

  // ---- import ---------------------------------------------------------------------------------

  @Test
  void testApply_shuffledChainWithRootIsImportedAndServedWithoutTheRoot() throws Exception {
    apply(external());
    hooks = new HooksSpec(List.of(List.of("sh", "-c", "echo server-changed")));
    byte[] key = read("server.key");
    Certificate leaf = signCsr(90);
    deliver(CA.root(), leaf, CA.intermediate());
    log.getBuffer().setLength(0);

    Plan plan = apply(external()).plan();

    assertThat(plan.changes().get(0).reasonText()).contains("import the chain from " + chainFile);
    assertThat(read("server.key")).isEqualTo(key);
    assertThat(certificate("server.crt")).isEqualTo(leaf);
    assertThat(certificates("server-fullchain.crt")).containsExactly(leaf, CA.intermediate());
    assertThat(certificates("external-chain.crt")).containsExactly(leaf, CA.intermediate(), CA.root());
    assertThat(Pkcs12.read(read("server.p12"), "pw".toCharArray()).keyEntry().orElseThrow().chain())
        .containsExactly(leaf.fingerprint(), CA.intermediate().fingerprint());
    assertThat(log.toString()).contains("server-changed");
    Plan again = plan(external());
    assertThat(again.isEmpty()).isTrue();
    assertThat(again.warnings()).isEmpty();
  }

  @Test
  void testApply_chainWithoutRootIsImported() throws Exception {
    apply(external());
    Certificate leaf = signCsr(90);
    deliver(leaf, CA.intermediate());

    apply(external());

    assertThat(certificates("server-fullchain.crt")).containsExactly(leaf, CA.intermediate());
    assertThat(certificates("external-chain.crt")).containsExactly(leaf, CA.intermediate());
  }

  @Test
  void testApply_pkcs7ChainIsImported() throws Exception {
    apply(external());
    Certificate leaf = signCsr(90);
    deliver(Pkcs7.certificatesOnly(List.of(CA.intermediate(), CA.root(), leaf)));

    apply(external());

    assertThat(certificates("server-fullchain.crt")).containsExactly(leaf, CA.intermediate());
  }

  @Test
  void testApply_derLeafAloneIsRefusedForItsMissingIssuer() throws Exception {
    apply(external());
    deliver(signCsr(90).der());
    SortedMap<String, byte[]> before = storeBytes();

    assertThatThrownBy(() -> apply(external()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("missing intermediate: no certificate for issuer 'CN=Example Issuing CA 2'");
    assertSameBytes(before, storeBytes());
  }

  // ---- refusals -------------------------------------------------------------------------------

  /** A broken chain for the server key and names, and the words that must say what is wrong. */
  record Broken(String name, Function<Fixture, List<Certificate>> chain, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** What a broken chain is built from: the store's key and the desired names. */
  record Fixture(KeyMaterial key, List<String> dns, List<java.net.InetAddress> ips, Instant now) {
    CertificateBuilder leaf() {
      return CA.leaf(key.publicKey(), dns, ips).validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
    }

    CertificateBuilder intermediate() {
      return CertificateBuilder.certificate(TestCa.INTERMEDIATE_NAME)
          .key(CA.intermediateKey())
          .issuedBy(CA.root(), CA.rootKey())
          .ca(0)
          .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(900)));
    }

    Certificate leafUnder(Certificate issuing, KeyMaterial issuingKey) {
      return CertificateBuilder.certificate("portal.example.com")
          .key(key)
          .issuedBy(issuing, issuingKey)
          .serverAuth()
          .dnsNames(dns)
          .ipAddresses(ips)
          .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
          .build();
    }
  }

  static Stream<Arguments> brokenChains() {
    List<Broken> all = new ArrayList<>();
    all.add(
        new Broken(
            "leaf for another key",
            f -> List.of(
                CA.leaf(KeyMaterial.generate(org.hostpki.model.KeySpec.defaultSpec(), new SecureRandom()).publicKey(), f.dns(), f.ips())
                    .validity(f.now().minus(Duration.ofDays(1)), f.now().plus(Duration.ofDays(90)))
                    .build(),
                CA.intermediate()),
            "leaf does not match server.key (leaf key sha256:"));
    all.add(
        new Broken(
            "missing intermediate",
            f -> List.of(f.leaf().build(), CA.root()),
            "missing intermediate: no certificate for issuer 'CN=Example Issuing CA 2'"));
    all.add(
        new Broken(
            "SAN not covering",
            f -> List.of(CA.leaf(f.key().publicKey(), List.of("portal.example.com"), List.of())
                .validity(f.now().minus(Duration.ofDays(1)), f.now().plus(Duration.ofDays(90)))
                .build(), CA.intermediate()),
            "SAN does not cover: portal, 192.0.2.10"));
    all.add(
        new Broken(
            "expired intermediate",
            f -> {
              Certificate old =
                  f.intermediate().validity(f.now().minus(Duration.ofDays(400)), Instant.parse("2026-10-01T00:00:00Z")).build();
              return List.of(f.leafUnder(old, CA.intermediateKey()), old);
            },
            "certificate 2 of 2 (CN=Example Issuing CA 2) expired on 2026-10-01 00:00 UTC"));
    all.add(
        new Broken(
            "leaf not yet valid",
            f -> List.of(
                f.leaf().validity(f.now().plus(Duration.ofDays(2)), f.now().plus(Duration.ofDays(90))).build(),
                CA.intermediate()),
            "is not valid before"));
    all.add(
        new Broken(
            "bad signature",
            f -> {
              Certificate impostor = f.intermediate().key(KeyMaterial.generate(org.hostpki.model.KeySpec.defaultSpec(), new SecureRandom())).build();
              return List.of(f.leaf().build(), impostor);
            },
            "the signature does not verify"));
    all.add(
        new Broken(
            "SHA-1 signature",
            f -> List.of(f.leaf().signatureAlgorithm("SHA1withECDSA").build(), CA.intermediate()),
            "is signed with SHA1withECDSA"));
    all.add(
        new Broken(
            "RSA 1024 intermediate",
            f -> {
              KeyMaterial weak = TestKeys.shortRsa(1024);
              Certificate issuing = f.intermediate().key(weak).build();
              return List.of(f.leafUnder(issuing, weak), issuing);
            },
            "has an RSA key of 1024 bits"));
    all.add(
        new Broken(
            "issuer not a CA",
            f -> {
              Certificate notCa = f.intermediate().noBasicConstraints().keyUsage(KeyUsage.keyCertSign).build();
              return List.of(f.leafUnder(notCa, CA.intermediateKey()), notCa);
            },
            "is not a CA certificate (basicConstraints cA is not set)"));
    all.add(
        new Broken(
            "issuer without keyCertSign",
            f -> {
              Certificate noSign = f.intermediate().keyUsage(KeyUsage.cRLSign).build();
              return List.of(f.leafUnder(noSign, CA.intermediateKey()), noSign);
            },
            "its keyUsage lacks keyCertSign"));
    all.add(
        new Broken(
            "path length exceeded",
            f -> {
              Certificate second =
                  CertificateBuilder.certificate("Example Sub CA")
                      .key(CA.rootKey())
                      .issuedBy(CA.intermediate(), CA.intermediateKey())
                      .ca(0)
                      .validity(f.now().minus(Duration.ofDays(10)), f.now().plus(Duration.ofDays(900)))
                      .build();
              return List.of(f.leafUnder(second, CA.rootKey()), second, CA.intermediate());
            },
            "(CN=Example Issuing CA 2) allows 0 intermediate CA certificate(s) below it"));
    all.add(
        new Broken(
            "leaf without serverAuth",
            f -> List.of(f.leaf().extendedKeyUsage(KeyPurposeId.id_kp_clientAuth).build(), CA.intermediate()),
            "lacks serverAuth"));
    all.add(
        new Broken(
            "unrelated certificate",
            f -> List.of(f.leaf().build(), CA.intermediate(), CA.root(), certificateOfAnotherCa(f.now())),
            "is not part of the chain from the leaf"));
    return all.stream().map(Arguments::of);
  }

  private static Certificate certificateOfAnotherCa(Instant now) {
    KeyMaterial key = KeyMaterial.generate(org.hostpki.model.KeySpec.defaultSpec(), new SecureRandom());
    return CertificateBuilder.certificate("Another Root")
        .selfSigned(key)
        .ca(null)
        .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(900)))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenChains")
  void testApply_brokenChainIsRefusedAndChangesNothing(Broken broken) throws Exception {
    apply(external());
    Fixture fixture =
        new Fixture(
            serverKey(),
            List.of("portal.example.com", "portal"),
            List.of(IpAddresses.parse("192.0.2.10").orElseThrow()),
            now);
    deliver(broken.chain().apply(fixture).toArray(Certificate[]::new));
    SortedMap<String, byte[]> before = storeBytes();

    assertThatThrownBy(() -> apply(external()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("cannot import the chain in " + chainFile)
        .hasMessageContaining(broken.expected());
    assertSameBytes(before, storeBytes());
    assertThat(plan(external()).isRefused()).isTrue();
  }

  @Test
  void testApply_fileThatIsNoCertificateIsRefusedAndChangesNothing() throws Exception {
    apply(external());
    deliver("this is not a chain\n".getBytes(StandardCharsets.US_ASCII));
    SortedMap<String, byte[]> before = storeBytes();

    assertThatThrownBy(() -> apply(external()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("it is not a certificate chain: it holds no certificate");
    assertSameBytes(before, storeBytes());
  }

  @Test
  void testApply_whileNoAddressIsDetected_theChainMustCoverTheAddressesTheRequestKeeps() throws Exception {
    apply(external());
    host =
        new HostIdentity(
            "portal", Optional.of("example.com"), List.of(),
            List.of(new HostIdentity.Note(HostIdentity.Note.Kind.NO_ADDRESS, "no address detected on the host")));
    // The planner keeps 192.0.2.10 (server.csr has it): a chain without it would be imported and
    // then, at once, not cover the names the plan asks for.
    deliver(
        CA.leaf(serverKey().publicKey(), List.of("portal.example.com", "portal"), List.of())
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
            .build(),
        CA.intermediate());
    SortedMap<String, byte[]> before = storeBytes();

    assertThatThrownBy(() -> apply(external()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("SAN does not cover: 192.0.2.10");
    assertSameBytes(before, storeBytes());

    deliver(signCsr(90), CA.intermediate());
    apply(external());

    assertThat(certificate("server.crt").facts().ipAddresses())
        .containsExactly(IpAddresses.parse("192.0.2.10").orElseThrow());
    assertThat(plan(external()).isEmpty()).isTrue();
  }

  // ---- drift after import ---------------------------------------------------------------------

  @Test
  void testApply_driftWithFallbackNoneKeepsTheImportedChainAndWritesANewCsr() throws Exception {
    apply(external());
    deliver(signCsr(90), CA.intermediate());
    apply(external());
    byte[] served = read("server.crt");
    byte[] oldCsr = read("server.csr");
    host = identity("192.0.2.11");

    Reconciler.Result result = apply(external());

    assertThat(read("server.crt")).isEqualTo(served);
    assertThat(read("server.csr")).isNotEqualTo(oldCsr);
    assertThat(CertificationRequest.read(read("server.csr")).ipAddresses())
        .containsExactly(IpAddresses.parse("192.0.2.11").orElseThrow());
    assertThat(result.plan().changes().get(0).reasonText()).contains("address 192.0.2.11 added");
    Plan again = plan(external());
    assertThat(again.isEmpty()).isTrue();
    assertThat(again.warnings().get(0).message()).contains("no longer covers 192.0.2.11");
  }

  @Test
  void testApply_driftWithFallbackInternalServesAnInternalCertificateForTheSameKey() throws Exception {
    DesiredState d = external(ExternalSpec.Fallback.INTERNAL);
    apply(d);
    deliver(signCsr(90), CA.intermediate());
    apply(d);
    byte[] key = read("server.key");
    host = identity("192.0.2.11");

    apply(d);

    assertThat(read("server.key")).isEqualTo(key);
    Certificate served = certificate("server.crt");
    assertThat(served.isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(served.facts().ipAddresses()).containsExactly(IpAddresses.parse("192.0.2.11").orElseThrow());
    assertThat(certificates("server-fullchain.crt")).containsExactly(served, certificate("ca.crt"));
    // The stale chain is still in the incoming file: not an error, and not imported again.
    Plan again = plan(d);
    assertThat(again.isEmpty()).isTrue();
    assertThat(again.isRefused()).isFalse();

    deliver(signCsr(90), CA.intermediate());
    apply(d);

    assertThat(certificate("server.crt").facts().issuerDn()).isEqualTo("CN=Example Issuing CA 2");
    assertThat(plan(d).isEmpty()).isTrue();
  }

  @Test
  void testApply_expiringImportedCertificateIsAWarningNotAChange() throws Exception {
    apply(external());
    deliver(signCsr(40), CA.intermediate());
    apply(external());
    now = T0.plus(Duration.ofDays(20));
    assertThat(plan(external()).warnings()).as("a third of 40 days is not reached").isEmpty();
    now = T0.plus(Duration.ofDays(30));

    Plan plan = plan(external());

    assertThat(plan.isEmpty()).isTrue();
    assertThat(warnings(plan)).containsExactly("external-expiring");
    assertThat(plan.warnings().get(0).message())
        .contains("(in 9 days); renewal due since ", "renewBefore 33% of 40 days = 13 days", "server.csr signed again");
  }

  @Test
  void testApply_replaceServerServesAnInternalCertificateForTheNewKey() throws Exception {
    apply(external());
    deliver(signCsr(90), CA.intermediate());
    apply(external());
    byte[] key = read("server.key");

    reconciler().apply(external(), Set.of(PlanInput.Replace.SERVER), Optional.empty(), Duration.ZERO);

    assertThat(read("server.key")).isNotEqualTo(key);
    KeyMaterial newKey = serverKey();
    assertThat(newKey.matches(certificate("server.crt"))).isTrue();
    assertThat(certificate("server.crt").isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(CertificationRequest.read(read("server.csr")).publicKey()).isEqualTo(newKey.facts());
    assertThat(plan(external()).isRefused()).isFalse();
  }

  @Test
  void testApply_switchingBackToInternalReissuesAndRemovesTheCsr() throws Exception {
    apply(external());
    deliver(signCsr(90), CA.intermediate());
    apply(external());
    DesiredState internal = desired(ServerSpec.Issuer.INTERNAL, ExternalSpec.Fallback.NONE);

    Plan plan = apply(internal).plan();

    assertThat(plan.changes().get(0).reasons().get(0).code().code()).isEqualTo("issuer-changed");
    assertThat(certificate("server.crt").isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(store.resolve("server.csr")).doesNotExist();
    assertThat(store.resolve("external-chain.crt")).doesNotExist();
    assertThat(plan(internal).isEmpty()).isTrue();
  }

  @Test
  void testPlan_aChainFileAppearingChangesTheBasis() throws Exception {
    apply(external());
    Plan waiting = plan(external());
    deliver(signCsr(90), CA.intermediate());

    assertThat(plan(external()).basis()).isNotEqualTo(waiting.basis());
  }

  // ---- found by the external-CA trial (textern16) ---------------------------------------------

  @Test
  void testApply_aChainFileOverTheLimitSaysWhatBelongsThere() throws Exception {
    apply(external());
    byte[] huge = new byte[1_100_000];
    java.util.Arrays.fill(huge, (byte) 'A');
    deliver(huge);
    SortedMap<String, byte[]> before = storeBytes();

    assertThatThrownBy(() -> apply(external()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("over the 1 MiB limit for a certificate chain")
        .hasMessageContaining("put there the chain your CA returned for server.csr")
        .message()
        .doesNotContain("make it a readable regular file");
    assertSameBytes(before, storeBytes());
  }

  @Test
  void testApply_anOlderChainPutBackIsImportedWithAWordThatItIsOlder() throws Exception {
    apply(external());
    Certificate older = signCsr(300);
    now = T0.plus(Duration.ofDays(10));
    Certificate newer = signCsr(300);
    deliver(newer, CA.intermediate());
    Plan first = apply(external()).plan();
    assertThat(first.changes().get(0).reasonText()).doesNotContain("issued before");
    deliver(older, CA.intermediate());

    Plan plan = apply(external()).plan();

    assertThat(plan.changes().get(0).reasonText())
        .contains("import the chain from " + chainFile)
        .contains("it was issued before the certificate served now (on 2026-11-27 07:55 UTC;"
            + " the one served now on 2026-12-07 07:55 UTC, valid until 2027-10-03 07:55 UTC)")
        .contains("an older chain file put back?");
    assertThat(certificate("server.crt")).isEqualTo(older);
  }

  @Test
  void testApply_aCertificateWithNamesTheRequestDidNotAskForIsImportedWithThoseNamesSaid() throws Exception {
    apply(external());
    List<String> names = new ArrayList<>(CertificationRequest.read(read("server.csr")).dnsNames());
    names.add("evil.example");
    Certificate leaf =
        CA.request(read("server.csr"))
            .dnsNames(names)
            .validity(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(90)))
            .build();
    deliver(leaf, CA.intermediate());

    Plan plan = apply(external()).plan();

    assertThat(plan.changes().get(0).reasonText())
        .contains("the certificate also covers names server.csr does not ask for (evil.example)");
    assertThat(certificate("server.crt")).isEqualTo(leaf);
    deliver(signCsr(90), CA.intermediate());
    assertThat(plan(external()).changes().get(0).reasonText()).doesNotContain("also covers");
  }
}
