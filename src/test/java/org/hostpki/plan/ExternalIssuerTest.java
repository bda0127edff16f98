package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.CHAIN_FILE;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.externalChain;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.imported;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.plan.Fixtures.ip;
import static org.hostpki.plan.Fixtures.validFile;
import static org.hostpki.plan.Fixtures.waiting;
import static org.hostpki.testkit.PlanAssert.addresses;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.codes;
import static org.hostpki.testkit.PlanAssert.warningCodes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The planner with {@code server.issuer: external}: CSR, import, drift, fallback, refusals. */
@Execution(ExecutionMode.CONCURRENT)
class ExternalIssuerTest {
  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");
  private final HostIdentity moved = host("portal", "example.com", "192.0.2.11");
  private final ExternalChainFile absent = new ExternalChainFile.Absent(CHAIN_FILE);

  private Plan plan(DesiredState d, HostIdentity host, ObservedStore observed, ExternalChainFile file) {
    return planner.plan(input(d, host, observed, NOW, file));
  }

  @Test
  void testPlan_emptyStoreIssuesInternallyAndWritesTheCsr() {
    Plan plan = plan(external(Fallback.NONE), portal, ObservedStore.empty(), absent);

    assertThat(addresses(plan))
        .containsExactly(
            "ca", "server", "server.csr", "output/server-fullchain.crt", "output/server.p12",
            "output/trust-bundle.crt", "output/truststore.p12");
    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.MISSING, ReasonCode.CHAIN_AWAITED);
    assertThat(server.intent()).isInstanceOf(Intent.IssueServer.class);
    Intent.WriteCsr csr = (Intent.WriteCsr) change(plan, "server.csr").intent();
    assertThat(csr.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(csr.ipAddresses()).containsExactly(ip("192.0.2.10"));
    assertThat(warningCodes(plan)).containsExactly("chain-awaited");
  }

  @Test
  void testPlan_waitingStoreHasNoChangesButSaysWhereTheChainGoes() {
    DesiredState d = external(Fallback.NONE);

    Plan plan = plan(d, portal, waiting(d, portal).observed(), absent);

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.unchanged()).isEqualTo(7);
    assertThat(plan.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.code()).isEqualTo("chain-awaited");
              assertThat(w.message())
                  .contains(
                      "Waiting for a signed chain at " + CHAIN_FILE,
                      "/var/lib/hostpki/server.csr",
                      "hostpki export -f /etc/hostpki/host.yaml csr");
            });
  }

  @Test
  void testPlan_validChainFileIsImported() {
    DesiredState d = Fixtures.withRootsNamed(external(Fallback.NONE));
    Fixtures.Store s = waiting(d, portal);
    List<CertificateFacts> chain = externalChain("a", d, portal, s, true);

    Plan plan = plan(d, portal, s.observed(), validFile(chain));

    assertThat(addresses(plan))
        .containsExactly("server", "output/server-fullchain.crt", "output/server.p12");
    Change server = change(plan, "server");
    assertThat(server.action()).isEqualTo(Action.REPLACE);
    assertThat(codes(server)).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(server.reasonText())
        .contains("import the chain from " + CHAIN_FILE, "issued by CN=Example Issuing CA 2");
    assertThat(server.intent())
        .isEqualTo(
            new Intent.InstallExternalChain(
                Intent.ChainSource.FILE, chain.stream().map(CertificateFacts::fingerprint).toList()));
    assertThat(server.after().values())
        .containsEntry(
            "chain",
            new Attribute.Texts(List.of("CN=portal.example.com", "CN=Example Issuing CA 2", "CN=Example Root CA")));
    assertThat(plan.warnings()).isEmpty();
  }

  /**
   * A file ending with an intermediate: OpenSSL, curl and Java clients without its issuer fail,
   * which the host's trust (trust.certificates, system roots) holding that issuer rules out.
   */
  @Test
  void testPlan_aChainEndingWithAnIntermediateWhoseIssuerNoOneHoldsIsImportedWithAWarning() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    List<CertificateFacts> chain = externalChain("a", d, portal, s, false);
    List<CertificateFacts> rooted = externalChain("a", d, portal, s, true);

    Plan plan = plan(d, portal, s.observed(), validFile(chain));

    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(onlyWarning(plan, "chain-incomplete"))
        .contains(
            "the chain in " + CHAIN_FILE + " ends with CN=Example Issuing CA 2, issued by"
                + " CN=Example Root CA, which is neither in the file nor among the certificates"
                + " this host trusts",
            "If it is an intermediate CA, append its certificate to the file");
    TreeMap<String, CertificateFacts> trust = new TreeMap<>();
    trust.put("system-Example_Root_CA-00000000", rooted.get(2));
    assertThat(
            planner.plan(
                    Fixtures.input(d, portal, trust, s.observed(), NOW, Set.of(), Fixtures.fp("basis"),
                        Optional.of(validFile(chain)), Optional.empty()))
                .warnings())
        .as("the host trusts the issuer")
        .isEmpty();
  }

  /**
   * Found after the time trial: a chain whose intermediate ends before the leaf was imported without
   * a word, then judged by the intermediate's end. The import says so, with the intermediate and
   * the date.
   */
  @Test
  void testPlan_aChainWhoseIntermediateEndsBeforeTheLeafIsImportedWithAWarning() {
    DesiredState d = Fixtures.withRootsNamed(external(Fallback.NONE));
    Fixtures.Store s = waiting(d, portal);
    Instant intermediateEnds = NOW.plus(Duration.ofDays(30));
    List<CertificateFacts> chain =
        Fixtures.withIntermediateEnding(externalChain("a", d, portal, s, true), intermediateEnds);

    Plan plan = plan(d, portal, s.observed(), validFile(chain));

    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(onlyWarning(plan, "chain-ends-early"))
        .startsWith("the chain in " + CHAIN_FILE + " stops being valid on " + DateText.of(intermediateEnds)
            + ", when " + Fixtures.ISSUING_CA + " in it expires, before the certificate itself ("
            + DateText.of(chain.get(0).notAfter()) + "): clients refuse the chain from then on");
  }

  /** Chrome and Firefox refuse a certificate signed with Ed25519 or Ed448. */
  @Test
  void testPlan_aChainSignedWithEdDsaIsImportedWithAWarning() {
    DesiredState d = Fixtures.withRootsNamed(external(Fallback.NONE));
    Fixtures.Store s = waiting(d, portal);
    List<CertificateFacts> chain = new ArrayList<>(externalChain("a", d, portal, s, true));
    chain.set(0, withSignature(chain.get(0), "Ed25519"));
    chain.set(1, withSignature(chain.get(1), "Ed448"));
    chain.set(2, withSignature(chain.get(2), "Ed448")); // the root's own: no client checks it

    Plan plan = plan(d, portal, s.observed(), validFile(chain));

    assertThat(onlyWarning(plan, "chain-eddsa"))
        .isEqualTo(
            "the chain in " + CHAIN_FILE + " is signed with EdDSA by CN=Example Issuing CA 2"
                + " (Ed25519), CN=Example Root CA (Ed448): Chrome and Firefox verify only RSA"
                + " and ECDSA signatures in certificates and refuse the server (OpenSSL, GnuTLS"
                + " and Java accept it); if browsers connect, have server.csr signed by an RSA or"
                + " EC CA");
  }

  /**
   * Found in a trial: a chain ending in any self-signed root (a staging CA's, a test CA's) was
   * imported without a word. Without server.external.roots it is imported with a warning saying how
   * to name the root; a root the host trusts is named (a fleet member trusts its fleet CA).
   */
  @Test
  void testPlan_aChainEndingInARootNothingNamesIsImportedWithAWarning() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    List<CertificateFacts> chain = externalChain("a", d, portal, s, true);

    Plan plan = plan(d, portal, s.observed(), validFile(chain));
    Plan trusting =
        planner.plan(
            input(d, portal, new TreeMap<>(java.util.Map.of("corp-root", chain.get(2))), s.observed(), NOW,
                Set.of(), Fixtures.fp("basis"), Optional.of(validFile(chain)), Optional.empty()));

    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(onlyWarning(plan, "chain-root-unnamed"))
        .isEqualTo(
            "the chain in " + CHAIN_FILE + " ends in the root CN=Example Root CA (SHA-256 "
                + chain.get(2).fingerprint().colonHex() + "), which neither trust.certificates nor"
                + " server.external.roots names: any root is accepted, a staging or test CA's too."
                + " If it is your CA's root, name its certificate in server.external.roots (then only"
                + " chains ending in it are imported); if not, have server.csr signed by your CA");
    assertThat(codes(change(trusting, "server"))).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(trusting.warnings()).isEmpty();
  }

  private static String onlyWarning(Plan plan, String code) {
    assertThat(warningCodes(plan)).containsExactly(code);
    return plan.warnings().get(0).message();
  }

  private static CertificateFacts withSignature(CertificateFacts c, String algorithm) {
    return new CertificateFacts(
        c.fingerprint(), c.subject(), c.subjectDn(), c.issuerDn(), c.serialNumber(), c.notBefore(),
        c.notAfter(), c.dnsNames(), c.ipAddresses(), c.publicKey(), c.ca(), c.pathLength(),
        c.extendedKeyUsages(), c.subjectKeyId(), c.authorityKeyId(), algorithm, c.nameConstraints());
  }

  @Test
  void testPlan_importedStoreWithTheFileStillThereHasNoChanges() {
    DesiredState d = external(Fallback.NONE);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), true);
    Fixtures.Store s = imported(d, portal, chain);

    Plan plan = plan(d, portal, s.observed(), validFile(List.of(chain.get(2), chain.get(0), chain.get(1))));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void testPlan_importedStoreKeepsTheServedChainWithoutTheRoot() {
    DesiredState d = external(Fallback.NONE);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), true);
    Fixtures.Store s = imported(d, portal, chain);
    s.fullchain = chain; // the root too: not what servers send

    Plan plan = plan(d, portal, s.observed(), absent);

    assertThat(addresses(plan)).containsExactly("output/server-fullchain.crt");
  }

  @Test
  void testPlan_refusedFileIsAnErrorAndPlansNoImport() {
    DesiredState d = external(Fallback.NONE);
    ExternalChainFile refused =
        new ExternalChainFile.Refused(
            CHAIN_FILE, Fixtures.fp("bad"), Set.of(Fixtures.fp("x")), List.of("SAN does not cover: portal"));

    Plan plan = plan(d, portal, waiting(d, portal).observed(), refused);

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.isRefused()).isTrue();
    Refusal refusal = plan.refusals().get(0);
    assertThat(refusal.code()).isEqualTo("chain-refused");
    assertThat(refusal.message()).contains("cannot import the chain in " + CHAIN_FILE, "nothing was changed");
    assertThat(refusal.problems()).containsExactly("SAN does not cover: portal");
    // one clear message: the refusal says to fix, replace or remove the file; no line besides it
    // that a chain is awaited at the same path (found in a trial)
    assertThat(warningCodes(plan)).doesNotContain("chain-awaited");
  }

  /**
   * Found in a trial (openssl, bin/hostpki): after {@code apply --replace server} the chain file
   * still held the chain imported for the old key, and the plan only said "Waiting for a signed
   * chain at FILE", the file being there.
   */
  @Test
  void testPlan_theOldKeysChainStillInTheFileAfterAKeyReplacementIsNamedAsSuch() {
    DesiredState d = external(Fallback.INTERNAL);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), false);
    Fixtures.Store s = imported(d, portal, chain);
    // as --replace server left it: a new key, an internal certificate for it, the old record kept
    s.serverKey = Fixtures.key(d.server().key(), "server-new");
    s.serverCert = Fixtures.serverCert("server-new", d, portal, s.caCert, s.serverKey, NOW);
    s.serverSignedByCa = true;
    s.csr = Fixtures.csr(d, portal, s.serverKey);
    s = s.deriveOutputs(d);

    Plan plan = plan(d, portal, s.observed(), validFile(chain));

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w.message())
                .startsWith(CHAIN_FILE + " still holds the chain imported for the previous server.key, replaced since (")
                .contains("it is not imported again", "Waiting for a signed chain at " + CHAIN_FILE));
    // with the file gone, the plain line
    assertThat(plan(d, portal, s.observed(), absent).warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).startsWith("Waiting for a signed chain at "));
  }

  @Test
  void testPlan_staleFileThatWasImportedBeforeIsNotRefused() {
    DesiredState d = external(Fallback.INTERNAL);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), false);
    Fixtures.Store s = imported(d, portal, chain);
    ExternalChainFile stale =
        new ExternalChainFile.Refused(
            CHAIN_FILE,
            Fixtures.fp("old"),
            Set.of(chain.get(0).fingerprint(), chain.get(1).fingerprint()),
            List.of("SAN does not cover: 192.0.2.11"));

    Plan plan = plan(d, moved, s.observed(), stale);

    assertThat(plan.isRefused()).isFalse();
  }

  @Test
  void testPlan_driftWithFallbackNoneKeepsServingAndUpdatesTheCsr() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));

    Plan plan = plan(d, moved, s.observed(), absent);

    assertThat(addresses(plan)).containsExactly("server.csr");
    Change csr = change(plan, "server.csr");
    assertThat(csr.action()).isEqualTo(Action.UPDATE);
    assertThat(codes(csr)).containsExactly(ReasonCode.HOST_IDENTITY_CHANGED);
    assertThat(csr.reasonText())
        .isEqualTo("host identity changed: address 192.0.2.10 removed, address 192.0.2.11 added");
    assertThat(plan.warnings())
        .singleElement()
        .extracting(Warning::message)
        .asString()
        .contains("no longer covers 192.0.2.11", "still served (server.external.fallback: none)");
  }

  @Test
  void testPlan_driftWithFallbackInternalIssuesInternallyForTheSameKey() {
    DesiredState d = external(Fallback.INTERNAL);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));

    Plan plan = plan(d, moved, s.observed(), absent);

    assertThat(addresses(plan))
        .containsExactly("server", "server.csr", "output/server-fullchain.crt", "output/server.p12");
    Change server = change(plan, "server");
    assertThat(codes(server))
        .containsExactly(ReasonCode.HOST_IDENTITY_CHANGED, ReasonCode.ISSUER_CHANGED);
    assertThat(server.reasonText())
        .contains("does not cover 192.0.2.11", "server.external.fallback: internal");
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isFalse();
    assertThat(warningCodes(plan)).containsExactly("chain-awaited");
  }

  @Test
  void testPlan_afterFallingBackNothingMoreChanges() {
    DesiredState d = external(Fallback.INTERNAL);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), false);
    Fixtures.Store s = waiting(d, moved); // internal certificate and CSR for the new identity
    s.externalChain = chain;

    Plan plan = plan(d, moved, s.observed(), validFile(chain));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.isRefused()).isFalse();
    assertThat(warningCodes(plan)).containsExactly("chain-awaited");
  }

  @Test
  void testPlan_identityBackToTheImportedNamesServesTheRecordAgain() {
    DesiredState d = external(Fallback.INTERNAL);
    List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), false);
    Fixtures.Store s = waiting(d, moved);
    s.externalChain = chain;
    s.serverKey = chain.get(0).publicKey();
    s.csr = Fixtures.csr(d, moved, s.serverKey);

    Plan plan = plan(d, portal, s.observed(), absent);

    Change server = change(plan, "server");
    assertThat(server.intent())
        .isEqualTo(
            new Intent.InstallExternalChain(
                Intent.ChainSource.RECORD, chain.stream().map(CertificateFacts::fingerprint).toList()));
    assertThat(codes(server)).containsExactly(ReasonCode.CHAIN_IMPORTED);
    assertThat(codes(change(plan, "server.csr"))).containsExactly(ReasonCode.HOST_IDENTITY_CHANGED);
  }

  /** A store serving an imported chain valid from a day before NOW to 2026-06-21 12:00 UTC. */
  private ObservedStore importedTwentyOneDays(DesiredState d) {
    Fixtures.Store base = waiting(d, portal);
    ServerNames names = ServerNames.of(d.server(), portal);
    List<CertificateFacts> chain =
        externalChain(
            "soon", base.serverKey, names.dnsNames(), names.ipAddresses(),
            Instant.parse("2026-06-21T12:00:00Z"), false);
    return imported(d, portal, chain).observed();
  }

  @Test
  void testPlan_expiringImportedCertificateIsAWarningWithTheDate() {
    DesiredState d = external(Fallback.NONE);
    ObservedStore store = importedTwentyOneDays(d);

    // 21 days from notBefore to notAfter: a third of that is 7 days, too little to have a chain
    // signed (a chain ending 20 days after its import warned 6.6 days ahead): due 14 days before
    // expiry, or a little earlier, as status, check and the metrics say too
    assertThat(planner.plan(input(d, portal, store, NOW.plus(Duration.ofDays(4)), absent)).warnings()).isEmpty();
    assertThat(Renewals.of(d, store, AcmeObservation.NONE, NOW.plus(Duration.ofDays(4)), true).get("server").due())
        .isFalse();
    assertThat(Renewals.of(d, store, AcmeObservation.NONE, NOW.plus(Duration.ofDays(7)), true).get("server").due())
        .isTrue();
    Plan plan = planner.plan(input(d, portal, store, NOW.plus(Duration.ofDays(7)), absent));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.code()).isEqualTo("external-expiring");
              assertThat(w.message())
                  .contains("expires on 2026-06-21 12:00 UTC (in 13 days); renewal due since ",
                      ": renewBefore 33% of 21 days = 6 days", ", raised to 14 days for a chain another CA signs",
                      "signed again");
            });
  }

  @Test
  void testPlan_aFixedRenewBeforeLongerThanAnImportedLifetimeCountsAsAThird() {
    DesiredState d = external(Fallback.NONE);
    d = Fixtures.withServer(d, Fixtures.withRenewBefore(d.server(), RenewBefore.of(Duration.ofDays(30))));
    ObservedStore store = importedTwentyOneDays(d);

    // a fixed 30 days would make this 21-day certificate due from the day it was issued
    assertThat(planner.plan(input(d, portal, store, NOW, absent)).warnings()).isEmpty();
    assertThat(planner.plan(input(d, portal, store, NOW.plus(Duration.ofDays(15)), absent)).warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w.message())
                .contains("renewBefore 30d, not shorter than its lifetime of 21 days, so a third of it = 7 days"));
  }

  @Test
  void testPlan_expiredImportedCertificateFallsBackWithFallbackInternal() {
    DesiredState d = external(Fallback.INTERNAL);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));

    Plan plan = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(91)), absent));

    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.EXPIRED, ReasonCode.ISSUER_CHANGED);
  }

  /**
   * Found in the time trial: an imported chain whose intermediate expired before its leaf was kept
   * and served as valid (plan: no changes; every client: certificate has expired).
   */
  @Test
  void testPlan_importedChainWhoseIntermediateExpiredFallsBackWithFallbackInternal() {
    DesiredState d = external(Fallback.INTERNAL);
    Instant intermediateEnds = NOW.plus(Duration.ofDays(30));
    Fixtures.Store s = imported(d, portal,
        Fixtures.withIntermediateEnding(externalChain("a", d, portal, waiting(d, portal), false), intermediateEnds));

    Plan before = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(29)), absent));
    Plan after = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(31)), absent));

    assertThat(before.changes()).isEmpty();
    assertThat(before.warnings()).extracting(Warning::message).anySatisfy(m -> assertThat(m)
        .startsWith("the chain of the imported server certificate (" + Fixtures.ISSUING_CA + " in it expires first)"
            + " expires on " + DateText.of(intermediateEnds)));
    assertThat(codes(change(after, "server"))).containsExactly(ReasonCode.EXPIRED, ReasonCode.ISSUER_CHANGED);
    assertThat(change(after, "server").reasons().get(0).message())
        .isEqualTo("the imported certificate expired with its chain on " + DateText.of(intermediateEnds)
            + " (" + Fixtures.ISSUING_CA + " in it expired first)");
  }

  @Test
  void testPlan_expiredImportedCertificateIsKeptWithFallbackNone() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));

    Plan plan = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(91)), absent));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings()).extracting(Warning::message).anySatisfy(m -> assertThat(m).contains("expired on"));
  }

  /**
   * Found in a trial (openssl, bin/hostpki): a chain imported before server.external.roots named
   * another root went on being served, "No changes", and check said OK. It no longer fits the
   * desired state, like a certificate that lacks a desired name: kept with a warning under
   * fallback none, an internal certificate for the same key under fallback internal.
   */
  @Test
  void testPlan_anImportedChainOutsideTheRootsNamedSinceNoLongerFits() {
    String outside = "ends in the root CN=Root A (SHA-256 AA), which server.external.roots does not name"
        + " (it names CN=Root B (SHA-256 BB))";
    for (Fallback fallback : Fallback.values()) {
      DesiredState d = external(fallback);
      List<CertificateFacts> chain = externalChain("a", d, portal, waiting(d, portal), true);
      Fixtures.Store s = imported(d, portal, chain);

      Plan plan = planner.plan(outsideRoots(input(d, portal, s.observed(), NOW, validFile(chain)), outside));

      assertThat(plan.isRefused()).isFalse();
      Warning awaited = plan.warnings().stream().filter(w -> w.code().equals("chain-awaited")).findFirst().orElseThrow();
      if (fallback == Fallback.NONE) {
        assertThat(plan.changes()).isEmpty();
        assertThat(awaited.message())
            .startsWith("the imported chain " + outside + "; it is still served (server.external.fallback: none)");
        assertThat(awaited.keepsWhatDoesNotServe()).isTrue();
      } else {
        assertThat(addresses(plan)).containsExactly("server", "output/server-fullchain.crt", "output/server.p12");
        Change server = change(plan, "server");
        assertThat(codes(server)).containsExactly(ReasonCode.ISSUER_CHANGED, ReasonCode.ISSUER_CHANGED);
        assertThat(server.reasons().get(0).message()).isEqualTo("the imported chain " + outside);
        assertThat(((Intent.IssueServer) server.intent()).newKey()).isFalse();
        // once the internal certificate serves, nothing more changes
        Fixtures.Store after = waiting(d, portal);
        after.externalChain = chain;
        Plan again = planner.plan(outsideRoots(input(d, portal, after.observed(), NOW, validFile(chain)), outside));
        assertThat(again.changes()).isEmpty();
        assertThat(warningCodes(again)).containsExactly("chain-awaited");
      }
      // the same chain with the roots it ends in: served as before
      assertThat(planner.plan(input(d, portal, s.observed(), NOW, validFile(chain))).changes()).isEmpty();
    }
  }

  private static PlanInput outsideRoots(PlanInput in, String words) {
    return new PlanInput(
        in.desired(), in.host(), in.desiredTrust(), in.observed(), in.now(), in.replace(), in.basis(),
        in.externalChain(), in.lastWritten(), in.unattended(), in.crls(), in.installs(), in.acme(),
        in.keptCas(), in.installedCrls(), in.lastWriter(), in.keptKeys(), Optional.of(words));
  }

  @Test
  void testPlan_keySpecChangeReplacesTheImportedCertificateAndTheCsr() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));
    ServerSpec old = d.server();
    DesiredState rsa =
        Fixtures.withServer(
            d,
            new ServerSpec(
                old.issuer(), old.subject(), old.dnsNames(), old.ipAddresses(), old.includeHostIdentity(),
                new KeySpec.Rsa(3072), old.keyRotation(), old.validity(), old.renewBefore(),
                old.clientAuth(), old.allowLongValidity(), old.external(), Optional.empty()));

    Plan plan = plan(rsa, portal, s.observed(), absent);

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.KEY_SPEC_CHANGED, ReasonCode.ISSUER_CHANGED);
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isTrue();
    Change csr = change(plan, "server.csr");
    assertThat(codes(csr)).containsExactly(ReasonCode.KEY_SPEC_CHANGED);
    assertThat(csr.reasonText()).isEqualTo("server.key is being replaced");
  }

  @Test
  void testPlan_newChainWhileTheKeyIsReplacedIsRefused() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    List<CertificateFacts> chain = externalChain("a", d, portal, s, false);

    Plan plan =
        planner.plan(
            Fixtures.input(
                d, portal, new TreeMap<>(), s.observed(), NOW, Set.of(PlanInput.Replace.SERVER),
                Fixtures.fp("b"), Optional.of(validFile(chain)), Optional.empty()));

    assertThat(plan.refusals())
        .singleElement()
        .extracting(Refusal::problems)
        .asList()
        .singleElement()
        .asString()
        .contains("which this plan replaces", "--replace server");
  }

  @Test
  void testPlan_internalFallbackRenewalKeepsTheKeyTheCsrIsFor() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);

    Plan plan = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(370)), absent));

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.EXPIRING, ReasonCode.CHAIN_AWAITED);
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isFalse();
    assertThat(addresses(plan)).doesNotContain("server.csr");
  }

  @Test
  void testPlan_caReplacementLeavesAnImportedChainAlone() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));

    Plan plan = planner.plan(input(d, portal, s.observed(), NOW.plus(Duration.ofDays(3651)), absent));

    assertThat(addresses(plan))
        .containsExactly("ca", "output/trust-bundle.crt", "output/truststore.p12");
  }

  @Test
  void testPlan_switchingBackToInternalReissuesAndRemovesTheCsr() {
    DesiredState ext = external(Fallback.NONE);
    Fixtures.Store s = imported(ext, portal, externalChain("a", ext, portal, waiting(ext, portal), false));

    Plan plan = plan(Fixtures.desired(), portal, s.observed(), absent);

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.ISSUER_CHANGED);
    assertThat(server.reasonText()).startsWith("server.issuer is internal: re-issuing from the store's CA");
    Change csr = change(plan, "server.csr");
    assertThat(csr.action()).isEqualTo(Action.DELETE);
    assertThat(csr.intent()).isEqualTo(new Intent.RemoveCsr());
    assertThat(csr.reasonText())
        .isEqualTo("server.issuer is internal: server.csr and external-chain.crt are no longer needed");
  }

  @Test
  void testPlan_switchingBackToInternalAlsoSaysWhatTheNewCertificateCoversBesides() {
    DesiredState ext = external(Fallback.NONE);
    Fixtures.Store s = imported(ext, portal, externalChain("a", ext, portal, waiting(ext, portal), false));

    Plan plan = plan(Fixtures.desired(), moved, s.observed(), absent);

    Change server = change(plan, "server");
    assertThat(codes(server))
        .containsExactly(ReasonCode.ISSUER_CHANGED, ReasonCode.HOST_IDENTITY_CHANGED);
    assertThat(server.reasons().get(1).message())
        .isEqualTo("host identity changed: the imported certificate does not cover 192.0.2.11");
  }

  @Test
  void testPlan_aReplacedCaDoesNotHideTheIssuerSwitchNorTheNewAddress() {
    DesiredState ext = external(Fallback.NONE);
    Fixtures.Store s = imported(ext, portal, externalChain("a", ext, portal, waiting(ext, portal), false));
    DesiredState internal = Fixtures.desired();
    org.hostpki.model.CaSpec ca = internal.ca();
    DesiredState renamedCa =
        Fixtures.withCa(
            internal,
            new org.hostpki.model.CaSpec(
                Optional.of(org.hostpki.model.Subject.commonName("Example Portal CA")), ca.key(),
                ca.validity(), ca.renewBefore(), ca.rotationOverlap(), ca.policy()));

    Plan plan = plan(renamedCa, moved, s.observed(), absent);

    Change server = change(plan, "server");
    assertThat(server.reasons())
        .extracting(Reason::message)
        .containsExactly(
            "the CA is being replaced",
            "server.issuer is internal: re-issuing from the store's CA instead of the imported"
                + " certificate (issuer " + Fixtures.ISSUING_CA + ")",
            "host identity changed: the imported certificate does not cover 192.0.2.11");
    assertThat(PlanJson.render(plan))
        .contains("\"code\":\"issuer-changed\",\"message\":\"the CA is being replaced\"")
        .contains("\"code\":\"host-identity-changed\"");
  }

  @Test
  void testPlan_aKeyChangeFallbackAlsoNamesWhatTheImportedCertificateDoesNotCover() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), false));
    ServerSpec old = d.server();
    DesiredState rsa =
        Fixtures.withServer(
            d,
            new ServerSpec(
                old.issuer(), old.subject(), old.dnsNames(), old.ipAddresses(), old.includeHostIdentity(),
                new KeySpec.Rsa(3072), old.keyRotation(), old.validity(), old.renewBefore(),
                old.clientAuth(), old.allowLongValidity(), old.external(), Optional.empty()));

    Plan plan = plan(rsa, moved, s.observed(), absent);

    assertThat(codes(change(plan, "server")))
        .containsExactly(
            ReasonCode.KEY_SPEC_CHANGED, ReasonCode.HOST_IDENTITY_CHANGED, ReasonCode.ISSUER_CHANGED);
  }

  @Test
  void testPlan_configuredNameAddedIsSanChangedOnTheCsr() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    ServerSpec old = d.server();
    DesiredState more =
        Fixtures.withServer(
            d,
            new ServerSpec(
                old.issuer(), old.subject(), List.of("www.example.com"), old.ipAddresses(),
                old.includeHostIdentity(), old.key(), old.keyRotation(), old.validity(),
                old.renewBefore(), old.clientAuth(), old.allowLongValidity(), old.external(), Optional.empty()));

    Change csr = change(plan(more, portal, s.observed(), absent), "server.csr");

    assertThat(codes(csr)).contains(ReasonCode.SAN_CHANGED);
    assertThat(csr.reasonText()).contains("name www.example.com added");
  }

  @Test
  void testPlan_csrForAnotherKeyIsKeyMismatch() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    s.csr = Fixtures.csr(d, portal, Fixtures.key(KeySpec.defaultSpec(), "other"));

    Change csr = change(plan(d, portal, s.observed(), absent), "server.csr");

    assertThat(codes(csr)).containsExactly(ReasonCode.KEY_MISMATCH);
    assertThat(csr.reasonText()).startsWith("server.csr is for another key");
  }

  @Test
  void testPlan_csrSubjectChangeIsSubjectChanged() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store s = waiting(d, portal);
    ServerSpec old = d.server();
    DesiredState named =
        Fixtures.withServer(
            d,
            new ServerSpec(
                old.issuer(), Subject.commonName("portal.example.com").withCommonName("Portal"),
                old.dnsNames(), old.ipAddresses(), old.includeHostIdentity(), old.key(),
                old.keyRotation(), old.validity(), old.renewBefore(), old.clientAuth(),
                old.allowLongValidity(), old.external(), Optional.empty()));

    Plan plan = plan(named, portal, s.observed(), absent);

    assertThat(codes(change(plan, "server.csr"))).containsExactly(ReasonCode.SUBJECT_CHANGED);
  }

  @Test
  void testPlan_isDeterministic() {
    DesiredState d = external(Fallback.INTERNAL);
    ObservedStore store = imported(d, portal, externalChain("a", d, portal, waiting(d, portal), true)).observed();

    assertThat(plan(d, moved, store, absent)).isEqualTo(plan(d, moved, store, absent));
  }
}
