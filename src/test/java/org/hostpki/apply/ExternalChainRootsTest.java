package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.check.Status;
import org.hostpki.check.Verdict;
import org.hostpki.install.TrustHost;
import org.hostpki.install.ToolRunner;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Warning;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.UnixJimfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An imported external chain whose root leaves this host's trust (a distrust: ca-certificates
 * drops it from the system bundle) is noticed at the next plan ({@link ExternalChainRoots}).
 */
class ExternalChainRootsTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa CA = TestCa.create(T0);
  private static final Certificate OTHER_ROOT = TestCa.selfSignedRoot("Other Root CA");

  private final FileSystem fs = UnixJimfs.create();
  private final Path store = fs.getPath("/var/lib/hostpki");
  private final Path chainFile = fs.getPath("/etc/hostpki/incoming/portal-chain.pem");
  private final Path host = fs.getPath("/host");
  private final Path bundle = host.resolve("etc/ssl/certs/ca-certificates.crt");

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private Reconciler reconciler() {
    return reconciler("192.0.2.10");
  }

  private Reconciler reconciler(String address) {
    HostIdentity identity =
        new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse(address).orElseThrow()));
    return new Reconciler(
            spec -> identity, Clock.fixed(T0, ZoneOffset.UTC), new SecureRandom(), new Secrets(Map.of()),
            new Hooks(new PrintWriter(new StringWriter(), true)))
        .installingInto(new TrustHost(host, host.resolve("jdk"), ToolRunner.system(Map.of())));
  }

  private DesiredState desired() {
    return desired(ExternalSpec.Fallback.NONE);
  }

  private DesiredState desired(ExternalSpec.Fallback fallback) {
    ServerSpec d = ServerSpec.defaults();
    ServerSpec server =
        new ServerSpec(
            ServerSpec.Issuer.EXTERNAL, d.subject(), List.of("portal.example.com"), d.ipAddresses(), true, d.key(),
            d.keyRotation(), d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            Optional.of(new ExternalSpec(chainFile, fallback)), Optional.empty());
    // No store password: no PKCS#12 files to write; trust.includeSystemRoots reads the bundle.
    TrustSpec systemRoots =
        new TrustSpec(true, false, List.of(), List.of(), true, TrustFilters.NONE, Optional.empty(), List.of(), Map.of());
    StoreSpec noPassword = new StoreSpec(store, Optional.empty(), Pkcs12Profile.MODERN);
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"), noPassword, HostSpec.defaults(), CaSpec.defaults(), server, systemRoots,
        HooksSpec.none());
  }

  private void systemBundle(Certificate... roots) throws IOException {
    Files.createDirectories(bundle.getParent());
    Files.createDirectories(host.resolve("usr/local/share/ca-certificates"));
    Files.writeString(host.resolve("etc/ca-certificates.conf"), "");
    Files.writeString(bundle, Pem.certificates(List.of(roots)), StandardCharsets.US_ASCII);
  }

  /** The system trusts the CA's root; the CA signs server.csr; the chain (no root) is imported. */
  private void imported() throws Exception {
    systemBundle(CA.root(), OTHER_ROOT);
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Certificate leaf =
        CA.sign(Files.readAllBytes(store.resolve("server.csr")), T0.minus(Duration.ofMinutes(5)), Duration.ofDays(90));
    Files.createDirectories(chainFile.getParent());
    Files.writeString(chainFile, Pem.certificates(List.of(leaf, CA.intermediate())), StandardCharsets.US_ASCII);
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt")))).containsExactly(leaf);
  }

  private Plan plan() {
    return reconciler().plan(desired(), Set.of()).plan();
  }

  private static List<String> codes(Plan plan) {
    return plan.warnings().stream().map(Warning::code).toList();
  }

  @Test
  void testPlan_rootDroppedFromTheSystemBundle_isAWarningThatCheckCallsWarning() throws Exception {
    imported();
    assertThat(Files.readString(store.resolve(".external/chain-roots.json")))
        .contains(CA.root().fingerprint().hex());
    assertThat(codes(plan())).doesNotContain("chain-root-untrusted");

    systemBundle(OTHER_ROOT); // ca-certificates drops the distrusted root

    Plan plan = plan();
    Warning warning =
        plan.warnings().stream().filter(w -> w.code().equals("chain-root-untrusted")).findFirst().orElseThrow();
    assertThat(warning.message())
        .contains(CA.root().facts().subjectDn(), CA.root().fingerprint().colonHex(), "trusts no longer",
            "have server.csr signed by a CA whose root this host still trusts");
    assertThat(warning.keepsWhatDoesNotServe()).isTrue();
    Verdict verdict =
        Verdict.of(
            desired(), reconciler().plan(desired(), Set.of()).store().facts(), AcmeObservation.NONE, plan, T0,
            Verdict.Thresholds.DEFAULTS, false);
    assertThat(verdict.status()).isEqualTo(Status.WARNING);
    assertThat(verdict.summary()).contains("trusts no longer");

    // A chain file that cannot be imported leaves the old chain served: the warning stays.
    Files.writeString(chainFile, "not a chain\n");
    Plan refused = plan();
    assertThat(refused.isRefused()).isTrue();
    assertThat(codes(refused)).contains("chain-root-untrusted");

    systemBundle(OTHER_ROOT, CA.root()); // trusted again
    assertThat(codes(plan())).doesNotContain("chain-root-untrusted");
  }

  @Test
  void testPlan_chainImportedByAnOlderBuild_withoutRecord_saysNothingNewWhileTrusted() throws Exception {
    imported();
    Files.delete(store.resolve(".external/chain-roots.json"));

    assertThat(codes(plan())).doesNotContain("chain-root-untrusted");
  }

  @Test
  void testPlan_chainImportedByAnOlderBuild_rootDroppedLater_isAWarning() throws Exception {
    imported();
    Files.delete(store.resolve(".external/chain-roots.json"));
    systemBundle(OTHER_ROOT);

    Warning warning = untrusted(plan());
    assertThat(warning.message())
        .contains("no root this host trusts completes the served chain", CA.intermediate().facts().subjectDn(),
            "imported, or ordered through ACME, before hostpki recorded which root completes a chain",
            "have server.csr signed by a CA whose root this host still trusts");
  }

  @Test
  void testApply_noChanges_recordsTheRootOfAnOlderBuildsImport_andADistrustLaterIsNamed() throws Exception {
    imported();
    Path record = store.resolve(".external/chain-roots.json");
    Files.delete(record);
    String generation = reconciler().plan(desired(), Set.of()).store().snapshot().generation().orElseThrow();

    Reconciler.Result result = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(result.generation()).isEmpty();
    assertThat(reconciler().plan(desired(), Set.of()).store().snapshot().generation()).contains(generation);
    assertThat(Files.readString(record)).contains(CA.root().fingerprint().hex());
    systemBundle(OTHER_ROOT);
    assertThat(untrusted(plan()).message()).contains(CA.root().fingerprint().colonHex(), "trusts no longer");
    // A root no longer trusted is not recorded by an apply that imports nothing: the warning stays.
    Files.delete(record);
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(record).doesNotExist();
    assertThat(codes(plan())).contains("chain-root-untrusted");
  }

  /**
   * rvcore16 L2: the record was keyed by the leaf, so the same leaf imported again through another
   * root (the CA's intermediate cross-signed by a second root, in a new chain file from the CA)
   * kept the first root, and a distrust of the root that serves went unnoticed while the first
   * stayed trusted. Each chain has its entry now; the first chain's stays, for a rollback.
   */
  @Test
  void testImport_sameLeafThroughAnotherRoot_recordsThatRoot_andItsDistrustIsNamed() throws Exception {
    imported();
    Certificate leaf = Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt"))).get(0);
    Certificate crossRoot =
        TestCa.selfSignedRoot("Cross Root CA", T0.minus(Duration.ofDays(365)), T0.plus(Duration.ofDays(3650)));
    Certificate crossSigned =
        org.hostpki.testkit.CertificateBuilder.certificate(TestCa.INTERMEDIATE_NAME)
            .key(CA.intermediateKey())
            .issuedBy(crossRoot, org.hostpki.testkit.TestKeys.ec())
            .ca(0)
            .validity(T0.minus(Duration.ofDays(30)), T0.plus(Duration.ofDays(3000)))
            .build();
    systemBundle(CA.root(), OTHER_ROOT, crossRoot);
    Files.writeString(chainFile, Pem.certificates(List.of(leaf, crossSigned)), StandardCharsets.US_ASCII);
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(Pem.readCertificates(Files.readAllBytes(store.resolve("external-chain.crt"))))
        .containsExactly(leaf, crossSigned);
    assertThat(ExternalChainRoots.read(store))
        .extracting(e -> e.root().orElseThrow())
        .containsExactly(CA.root().fingerprint(), crossRoot.fingerprint());

    systemBundle(CA.root(), OTHER_ROOT); // the root that serves now is distrusted; the first is not

    assertThat(untrusted(plan()).message()).contains(crossRoot.fingerprint().colonHex(), "trusts no longer");
  }

  @Test
  void testImport_chainNoTrustedRootCompletes_isRecordedAsSuch_andThePlanStaysQuiet() throws Exception {
    systemBundle(OTHER_ROOT);
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Certificate leaf =
        CA.sign(Files.readAllBytes(store.resolve("server.csr")), T0.minus(Duration.ofMinutes(5)), Duration.ofDays(90));
    Files.createDirectories(chainFile.getParent());
    Files.writeString(
        chainFile, Pem.certificates(List.of(leaf, CA.intermediate(), CA.root())), StandardCharsets.US_ASCII);
    Plan importing = plan();
    assertThat(codes(importing)).contains("chain-root-unnamed").doesNotContain("chain-root-untrusted");
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(Files.readString(store.resolve(".external/chain-roots.json")))
        .contains(leaf.fingerprint().hex(), "\"root\":null");
    assertThat(codes(plan())).doesNotContain("chain-root-untrusted");
  }

  @Test
  void testImport_chainNoTrustedRootCompleted_getsItsRootOnceTrusted_andADistrustLaterIsNamed() throws Exception {
    testImport_chainNoTrustedRootCompletes_isRecordedAsSuch_andThePlanStaysQuiet();
    Path record = store.resolve(".external/chain-roots.json");
    systemBundle(OTHER_ROOT, CA.root()); // the operator trusts the root, as the import's warning asked
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(Files.readString(record)).contains(CA.root().fingerprint().hex()).doesNotContain("\"root\":null");
    assertThat(ExternalChainRoots.read(store)).hasSize(1);

    systemBundle(OTHER_ROOT); // and a later distrust

    assertThat(untrusted(plan()).message()).contains(CA.root().fingerprint().colonHex(), "trusts no longer");
  }

  @Test
  void testRecord_rewrite_keepsWhatANewerBuildWrote() throws Exception {
    imported();
    Path record = store.resolve(".external/chain-roots.json");
    String other = "a".repeat(64);
    Files.writeString(
        record,
        "{\"format_version\":\"1\",\"signed\":{\"by\":\"x\"},\"chains\":[{\"leaf\":\"" + other
            + "\",\"roots\":[\"" + "b".repeat(64) + "\"]},{\"leaf\":\"" + "c".repeat(64) + "\",\"root\":\""
            + "d".repeat(64) + "\",\"subject\":\"CN=D\",\"since\":\"2026-01-01\"}]}\n");

    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    String written = Files.readString(record);
    assertThat(written)
        .contains("\"signed\":{\"by\":\"x\"}", "{\"leaf\":\"" + other + "\",\"roots\":[\"" + "b".repeat(64) + "\"]}",
            "\"since\":\"2026-01-01\"", CA.root().fingerprint().hex());
    assertThat(ExternalChainRoots.read(store)).hasSize(2);
  }

  @Test
  void testPlan_spoiltRecord_fallsBackToTheTrustItReads_andSaysTheRecordCannotBeRead() throws Exception {
    imported();
    Path record = store.resolve(".external/chain-roots.json");
    for (String spoilt :
        List.of(
            "{\"format_version\":\"1\",\"chains\":[{\"leaf\":",
            "[".repeat(100_000) + "]".repeat(100_000),
            "{\"format_version\":\"1\",\"chains\":" + " ".repeat(1 << 20) + "[]}")) {
      Files.writeString(record, spoilt);
      systemBundle(OTHER_ROOT, CA.root());
      assertThat(codes(plan())).doesNotContain("chain-root-untrusted");
      systemBundle(OTHER_ROOT);
      assertThat(untrusted(plan()).message()).as(spoilt.substring(0, 20)).contains("is not known", "chain-roots.json");
    }
  }

  @Test
  void testPlan_importHeldByARollbackOrRefused_stillNamesTheRootOfTheChainThatServes() throws Exception {
    imported();
    systemBundle(OTHER_ROOT);
    Plan plan = plan();
    List<Certificate> served = Pem.readCertificates(Files.readAllBytes(store.resolve("external-chain.crt")));
    // a plan that would import the chain file (a new chain there)
    org.hostpki.plan.Change importing =
        new org.hostpki.plan.Change(
            "server", org.hostpki.plan.Action.REPLACE,
            List.of(new org.hostpki.plan.Reason(org.hostpki.plan.ReasonCode.values()[0], "a new chain")), new org.hostpki.plan.Intent.InstallExternalChain(
                org.hostpki.plan.Intent.ChainSource.FILE, List.of()), org.hostpki.plan.Attributes.none(),
            org.hostpki.plan.Attributes.none());
    Plan imports = new Plan(List.of(importing), List.of(), List.of(), 0, plan.basis());
    List<Certificate> trusted = List.of(OTHER_ROOT);
    assertThat(codes(ExternalChainRoots.checked(imports, desired(), store, served, trusted)))
        .doesNotContain("chain-root-untrusted");

    Plan held =
        imports.withRecords(
            List.of(), Optional.of(new org.hostpki.model.RollbackHold(T0, Optional.empty(), "..2026_11_27")));
    Plan refused =
        new Plan(
            List.of(importing), List.of(),
            List.of(new org.hostpki.plan.Refusal(
                org.hostpki.plan.RefusalCode.values()[0], "server", "refused", List.of())),
            0, plan.basis());
    assertThat(codes(ExternalChainRoots.checked(held, desired(), store, served, trusted)))
        .contains("chain-root-untrusted");
    assertThat(codes(ExternalChainRoots.checked(refused, desired(), store, served, trusted)))
        .contains("chain-root-untrusted");
  }

  @Test
  void testPlan_whileTheInternalFallbackServes_theKeptChainsRootIsNotWarnedOf() throws Exception {
    systemBundle(CA.root(), OTHER_ROOT);
    DesiredState fallback = desired(ExternalSpec.Fallback.INTERNAL);
    reconciler().apply(fallback, Set.of(), Optional.empty(), Duration.ZERO);
    Certificate leaf =
        CA.sign(Files.readAllBytes(store.resolve("server.csr")), T0.minus(Duration.ofMinutes(5)), Duration.ofDays(90));
    Files.createDirectories(chainFile.getParent());
    Files.writeString(chainFile, Pem.certificates(List.of(leaf, CA.intermediate())), StandardCharsets.US_ASCII);
    reconciler().apply(fallback, Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt")))).containsExactly(leaf);

    // The host gets a new address the chain does not cover: the internal CA serves meanwhile.
    reconciler("192.0.2.77").apply(fallback, Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt")))).doesNotContain(leaf);
    assertThat(reconciler("192.0.2.77").plan(fallback, Set.of()).store().facts().servesImportedChain()).isFalse();
    systemBundle(OTHER_ROOT);

    assertThat(codes(reconciler("192.0.2.77").plan(fallback, Set.of()).plan()))
        .doesNotContain("chain-root-untrusted");
  }

  private static Warning untrusted(Plan plan) {
    return plan.warnings().stream().filter(w -> w.code().equals("chain-root-untrusted")).findFirst().orElseThrow();
  }
}
