package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.pki.TestPki.NOW;
import static org.hostpki.pki.TestPki.ip;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.model.KeySpec;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class ChainValidatorTest {
  private static final TestCa CA = TestCa.create(NOW);
  private static final KeyMaterial SERVER_KEY = TestKeys.key(TestKeys.P256, "server");
  private static final List<String> DNS = List.of("portal.example.com", "portal");
  private static final List<InetAddress> IPS = List.of(ip("192.0.2.10"));
  private static final Instant START = NOW.minus(Duration.ofDays(1));
  private static final Instant END = NOW.plus(Duration.ofDays(90));

  private static Certificate leaf() {
    return CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).build();
  }

  private static ChainValidator.Result check(Certificate... certificates) {
    return ChainValidator.check(List.of(certificates), SERVER_KEY.publicKey(), DNS, IPS, NOW);
  }

  /** An intermediate like the CA's, built another way (same name and key unless changed). */
  private static CertificateBuilder intermediate() {
    return CertificateBuilder.certificate(TestCa.INTERMEDIATE_NAME)
        .key(CA.intermediateKey())
        .issuedBy(CA.root(), CA.rootKey())
        .ca(0)
        .validity(START, END);
  }

  @Test
  void testCheck_leafThenIntermediateIsAccepted() {
    Certificate leaf = leaf();

    ChainValidator.Result result = check(leaf, CA.intermediate());

    assertThat(result.problems()).isEmpty();
    assertThat(result.chain()).containsExactly(leaf, CA.intermediate());
    assertThat(result.rootIncluded()).isFalse();
    assertThat(result.servedChain()).containsExactly(leaf, CA.intermediate());
  }

  @Test
  void testCheck_shuffledChainWithRootIsOrderedLeafToRoot() {
    Certificate leaf = leaf();

    ChainValidator.Result result = check(CA.root(), leaf, CA.intermediate());

    assertThat(result.accepted()).as(result.problems().toString()).isTrue();
    assertThat(result.chain()).containsExactly(leaf, CA.intermediate(), CA.root());
    assertThat(result.rootIncluded()).isTrue();
    assertThat(result.servedChain()).containsExactly(leaf, CA.intermediate());
  }

  /** server.external.roots: a chain from the named CA passes, with or without its root. */
  @Test
  void testCheck_chainEndingInANamedRootIsAccepted() {
    Certificate leaf = leaf();
    List<Certificate> named = List.of(TestCa.selfSignedRoot("Other Root"), CA.root());

    assertThat(withRoots(named, leaf, CA.intermediate(), CA.root()).problems()).isEmpty();
    assertThat(withRoots(named, leaf, CA.intermediate()).problems()).isEmpty();
    // The lead's read: the chain Let's Encrypt served for years (its root cross-signed by an older
    // one, which is not in the file) with its own root named was refused.
    KeyMaterial oldKey = TestKeys.key(TestKeys.P256, "old-root");
    Certificate oldRoot = CertificateBuilder.certificate("Old Root").selfSigned(oldKey).ca(null).validity(START, END).build();
    Certificate crossSigned = crossSigned(oldRoot, oldKey, END);
    assertThat(withRoots(List.of(CA.root()), leaf, CA.intermediate(), crossSigned).problems()).isEmpty();
    assertThat(withRoots(List.of(CA.root()), leaf, CA.intermediate(), CA.root(), crossSigned).problems()).isEmpty();
    assertThat(withRoots(List.of(oldRoot), leaf, CA.intermediate(), crossSigned).problems()).isEmpty();
  }

  /**
   * Found in a trial (openssl, bin/hostpki): an intermediate cross-signed by two roots, both paths
   * in one file. The path was chosen before the roots were looked at, so naming the root of the
   * path not chosen refused the file; the path that ends in a named root is the one served now,
   * whatever the file's order.
   */
  @Test
  void testCheck_pathEndingInTheNamedRootIsChosenOverAnotherRootsPath() {
    Certificate leaf = leaf();
    KeyMaterial otherKey = TestKeys.key(TestKeys.P256, "other-root");
    Certificate otherRoot =
        CertificateBuilder.certificate("Other Root").selfSigned(otherKey).ca(null).validity(START, END).build();
    Certificate viaOther = intermediate().issuedBy(otherRoot, otherKey).build();
    List<Certificate> file = List.of(leaf, viaOther, otherRoot, CA.intermediate(), CA.root());

    List<Certificate> reversed = new java.util.ArrayList<>(file);
    java.util.Collections.reverse(reversed);
    for (List<Certificate> order : List.of(file, reversed)) {
      ChainValidator.Result named = withRoots(List.of(CA.root()), order.toArray(Certificate[]::new));
      assertThat(named.problems()).isEmpty();
      assertThat(named.chain()).containsExactly(leaf, CA.intermediate(), CA.root());
      ChainValidator.Result other = withRoots(List.of(otherRoot), order.toArray(Certificate[]::new));
      assertThat(other.problems()).isEmpty();
      assertThat(other.chain()).containsExactly(leaf, viaOther, otherRoot);
    }
  }

  /**
   * Found in a trial: a staging CA's chain (same names, other keys) was imported without a word.
   * With server.external.roots naming the production root it is refused, naming both roots.
   */
  @Test
  void testCheck_chainEndingInAnotherRootIsRefusedNamingBoth() {
    TestCa staging = TestCa.create(NOW);
    Certificate leaf = staging.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).build();

    ChainValidator.Result result = withRoots(List.of(CA.root()), leaf, staging.intermediate(), staging.root());

    assertThat(result.problems())
        .containsExactly(
            "the chain ends in the root CN=Example Root CA (SHA-256 "
                + staging.root().fingerprint().colonHex()
                + "), which is not a root server.external.roots names (CN=Example Root CA (SHA-256 "
                + CA.root().fingerprint().colonHex()
                + ")): the file comes from another CA (a staging or test CA's chain?); have server.csr"
                + " signed by the CA of the named root, or, if this root is the right one, name its"
                + " certificate in server.external.roots");
  }

  /** A file that stops below the root: the issuer of its last certificate must be named. */
  @Test
  void testCheck_chainStoppingBelowAnotherRootIsRefused() {
    TestCa staging = TestCa.create(NOW);
    Certificate leaf = staging.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).build();

    ChainValidator.Result result = withRoots(List.of(CA.root()), leaf, staging.intermediate());

    assertThat(result.problems())
        .singleElement()
        .asString()
        .startsWith(
            "the chain ends with CN=" + TestCa.INTERMEDIATE_NAME + " (SHA-256 "
                + staging.intermediate().fingerprint().colonHex() + "), issued by CN=Example Root CA"
                + " (not in the file), which is not a root server.external.roots names");
  }

  private static ChainValidator.Result withRoots(List<Certificate> roots, Certificate... certificates) {
    return ChainValidator.check(List.of(certificates), SERVER_KEY.publicKey(), DNS, IPS, NOW, roots);
  }

  /**
   * server.external.roots naming the CA's intermediate (an operator pinning the issuing CA, as a
   * corporate CA's "issuing CA" file is often all they are given): a chain through it is accepted,
   * with or without the root in the file, and checked again at every plan; a chain through another
   * intermediate of the same root is refused, and no longer fits once imported. Documented in the
   * guide (section 2, step 3).
   */
  @Test
  void testCheck_rootsNamingAnIntermediate_acceptOnlyChainsThroughIt() {
    Certificate leaf = leaf();
    List<Certificate> named = List.of(CA.intermediate());
    assertThat(withRoots(named, leaf, CA.intermediate()).problems()).isEmpty();
    assertThat(withRoots(named, leaf, CA.intermediate(), CA.root()).problems()).isEmpty();
    assertThat(ChainValidator.outsideRoots(List.of(leaf, CA.intermediate()), named)).isEmpty();

    KeyMaterial otherKey = TestKeys.key(TestKeys.P256, "other-intermediate");
    Certificate other =
        CertificateBuilder.certificate("Other Issuing CA").key(otherKey).issuedBy(CA.root(), CA.rootKey()).ca(0)
            .validity(START, END).build();
    Certificate otherLeaf = CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).issuedBy(other, otherKey).validity(START, END).build();
    assertThat(withRoots(named, otherLeaf, other, CA.root()).problems())
        .singleElement()
        .asString()
        .contains("server.external.roots");
    assertThat(ChainValidator.outsideRoots(List.of(otherLeaf, other), named))
        .get()
        .asString()
        .contains("which server.external.roots does not name");
  }

  @Test
  void testCheck_repeatedCertificateIsHarmless() {
    assertThat(check(leaf(), CA.intermediate(), CA.intermediate()).problems()).isEmpty();
  }

  @Test
  void testCheck_leafForAnotherKeyNamesBothKeys() {
    KeyMaterial other = TestKeys.key(TestKeys.P256, "other");
    Certificate foreign = CA.leaf(other.publicKey(), DNS, IPS).validity(START, END).build();

    ChainValidator.Result result = check(foreign, CA.intermediate());

    assertThat(result.problems())
        .singleElement()
        .asString()
        .startsWith(
            "leaf does not match server.key (leaf key "
                + other.publicKey().fingerprint().shortForm()
                + ", server.key "
                + SERVER_KEY.publicKey().fingerprint().shortForm()
                + ")");
    assertThat(result.chain()).isEmpty();
  }

  @Test
  void testCheck_onlyCaCertificatesHasNoLeaf() {
    assertThat(check(CA.intermediate(), CA.root()).problems())
        .singleElement()
        .asString()
        .contains("holds no leaf certificate, only CA certificates");
  }

  @Test
  void testCheck_leafAndRootWithoutIntermediateIsMissingIntermediate() {
    assertThat(check(leaf(), CA.root()).problems())
        .singleElement()
        .asString()
        .startsWith("missing intermediate: no certificate for issuer 'CN=Example Issuing CA 2'");
  }

  @Test
  void testCheck_leafAloneIsMissingItsIssuer() {
    assertThat(check(leaf()).problems())
        .singleElement()
        .asString()
        .contains("missing intermediate", "CN=Example Issuing CA 2", "the certificate (CN=portal.example.com)");
  }

  @Test
  void testCheck_unrelatedCertificateIsRefusedByPlace() {
    KeyMaterial otherKey = TestKeys.key(TestKeys.P256, "other-root");
    Certificate other =
        CertificateBuilder.certificate("Other Root").selfSigned(otherKey).ca(null).validity(START, END).build();

    assertThat(check(leaf(), CA.intermediate(), other).problems())
        .containsExactly(
            "certificate 3 of 3 (CN=Other Root) is not part of the chain from the leaf (the chain"
                + " ends at certificate 2 of 3 (CN=Example Issuing CA 2), issued by 'CN=Example"
                + " Root CA'); remove it from the file, or add the missing certificates between them");
  }

  @Test
  void testCheck_certificateBesideACompleteChainIsRefused() {
    KeyMaterial otherKey = TestKeys.key(TestKeys.P256, "other-root");
    Certificate other =
        CertificateBuilder.certificate("Other Root").selfSigned(otherKey).ca(null).validity(START, END).build();

    assertThat(check(other, leaf(), CA.intermediate(), CA.root()).problems())
        .containsExactly(
            "certificate 1 of 4 (CN=Other Root) is not part of the chain from the leaf; remove it from the file");
  }

  /**
   * Found: a CA's bundle with the self-signed root and its cross-signed twin (and the old root that
   * signed it) was refused, "not part of the chain ... or add the missing certificates between
   * them". Then found in the external CA trial: with the self-signed root before its twin in the
   * file, the twin was not served, and a client that holds only the old root refused the server
   * (openssl s_client: "unable to get local issuer certificate"). The cross-signed path is served
   * whatever the order; the self-signed twin is left out.
   */
  @Test
  void testCheck_crossSignedTwinIsServedWhateverTheOrderAndTheSelfSignedTwinIsLeftOut() {
    KeyMaterial oldKey = TestKeys.key(TestKeys.P256, "old-root");
    Certificate oldRoot = CertificateBuilder.certificate("Old Root").selfSigned(oldKey).ca(null).validity(START, END).build();
    Certificate crossSigned = crossSigned(oldRoot, oldKey, END);
    Certificate leaf = leaf();

    ChainValidator.Result rootFirst = check(leaf, CA.intermediate(), CA.root(), crossSigned, oldRoot);
    ChainValidator.Result twinFirst = check(leaf, CA.intermediate(), crossSigned, CA.root());

    assertThat(rootFirst.problems()).isEmpty();
    assertThat(rootFirst.chain()).containsExactly(leaf, CA.intermediate(), crossSigned, oldRoot);
    assertThat(rootFirst.servedChain()).containsExactly(leaf, CA.intermediate(), crossSigned);
    assertThat(twinFirst.problems()).isEmpty();
    assertThat(twinFirst.chain()).containsExactly(leaf, CA.intermediate(), crossSigned);
    // rvcore13: without the older root in the file both paths hold three, but the self-signed
    // one serves two; the root first used to decide for it
    ChainValidator.Result rootFirstOnly = check(leaf, CA.intermediate(), CA.root(), crossSigned);
    assertThat(rootFirstOnly.problems()).isEmpty();
    assertThat(rootFirstOnly.servedChain()).containsExactly(leaf, CA.intermediate(), crossSigned);
  }

  /** A cross-signed twin that expired (or whose old root did) gives way to the self-signed root. */
  @Test
  void testCheck_expiredCrossSignedPathGivesWayToTheSelfSignedRoot() {
    KeyMaterial oldKey = TestKeys.key(TestKeys.P256, "old-root");
    Certificate oldRoot =
        CertificateBuilder.certificate("Old Root").selfSigned(oldKey).ca(null)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2))).build();
    Certificate crossSigned = crossSigned(oldRoot, oldKey, END);
    Certificate leaf = leaf();

    ChainValidator.Result result = check(leaf, CA.intermediate(), crossSigned, oldRoot, CA.root());

    assertThat(result.problems()).isEmpty();
    assertThat(result.servedChain()).containsExactly(leaf, CA.intermediate());
  }

  /**
   * Found in the external CA trial: the CA renewed its intermediate with the same key and sent both;
   * with the expired one first the chain was refused ("certificate 2 of 3 ... expired"), with the
   * renewed one first it was imported.
   */
  @Test
  void testCheck_expiredIntermediateBesideItsRenewalIsLeftOutWhateverTheOrder() {
    Certificate expired =
        intermediate().validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1))).build();
    Certificate renewed = intermediate().validity(START, NOW.plus(Duration.ofDays(400))).build();
    Certificate leaf = leaf();

    for (ChainValidator.Result result :
        List.of(check(leaf, expired, renewed), check(leaf, renewed, expired))) {
      assertThat(result.problems()).isEmpty();
      assertThat(result.servedChain()).containsExactly(leaf, renewed);
    }
  }

  /**
   * Found in the external CA trial: two CAs that certify each other were imported, with a warning
   * that the issuer of the last was "neither in the file nor among the certificates this host
   * trusts", while it was certificate 2 of the file.
   */
  @Test
  void testCheck_caCertificatesThatCertifyEachOtherAreALoop() {
    KeyMaterial aKey = TestKeys.key(TestKeys.P256, "loop-a");
    KeyMaterial bKey = TestKeys.key(TestKeys.P256, "loop-b");
    Certificate a = caSignedBy("Loop A", aKey, selfSignedCa("Loop B", bKey), bKey, END);
    Certificate b = caSignedBy("Loop B", bKey, selfSignedCa("Loop A", aKey), aKey, END);
    Certificate leaf = leafSignedBy(a, aKey);

    assertThat(check(leaf, a, b).problems())
        .containsExactly(
            "certificate 3 of 3 (CN=Loop B) is issued by certificate 2 of 3 (CN=Loop A), which is"
                + " already in the chain below it: its CA certificates certify each other in a loop"
                + " and never reach a root; ask the CA for the chain from the certificate up to its"
                + " root");
  }

  /**
   * A hostile file: six certificates of one CA and five of another, each signed by the other CA's
   * key, has some 86,000 paths from the leaf (twenty certificates: billions); the walk is bounded,
   * and the file is refused as a loop.
   */
  @Test
  void testCheck_aMeshOfCaCertificatesIsBoundedAndRefusedAsALoop() {
    KeyMaterial aKey = TestKeys.key(TestKeys.P256, "mesh-a");
    KeyMaterial bKey = TestKeys.key(TestKeys.P256, "mesh-b");
    Certificate aSelf = selfSignedCa("Mesh A", aKey);
    Certificate bSelf = selfSignedCa("Mesh B", bKey);
    List<Certificate> file = new java.util.ArrayList<>();
    file.add(leafSignedBy(aSelf, aKey));
    for (int i = 0; i < 11; i++) {
      Certificate ca =
          i % 2 == 0
              ? caSignedBy("Mesh A", aKey, bSelf, bKey, END.plus(Duration.ofDays(i)))
              : caSignedBy("Mesh B", bKey, aSelf, aKey, END.plus(Duration.ofDays(i)));
      file.add(ca);
    }

    ChainValidator.Result result = ChainValidator.check(file, SERVER_KEY.publicKey(), DNS, IPS, NOW);

    assertThat(result.problems()).singleElement().asString().contains("certify each other in a loop");
  }

  /**
   * Found in review: the leaf, its intermediate and root, and a twin of the intermediate (expired)
   * behind which CAs of two names issue one another, one after the other: with 54 certificates the
   * check took a minute (104: four), and the file was imported as a clean chain.
   */
  @Test
  @Timeout(30)
  void testCheck_aFileOfMoreThan32CertificatesIsRefusedByItsCount() {
    assertThat(problems(twinBehindAlternatingCas(50, false)))
        .containsExactly(
            "the file holds 54 certificates, more than the 32 a chain file may hold; a CA's chain"
                + " is the leaf, one or two intermediates and perhaps a cross-signed root: keep only"
                + " the leaf and the CA certificates from it up to the root");
  }

  /** The same shape within 32 certificates, without key identifiers: too many checks, refused. */
  @Test
  @Timeout(30)
  void testCheck_alternatingCasWithoutKeyIdentifiersRunOutOfSignatureChecks() {
    assertThat(problems(twinBehindAlternatingCas(28, false)))
        .containsExactly(
            "the file's 32 certificates name one another as issuers in too many ways: finding the"
                + " chain from the leaf took more than 256 signature checks (a CA's chain takes a"
                + " few); keep only the leaf and the CA certificates from it up to the root");
  }

  /**
   * With key identifiers, as CAs issue them, only the pair they name is checked: the other path is
   * found and left out, and the chain is served.
   */
  @Test
  @Timeout(30)
  void testCheck_alternatingCasWithKeyIdentifiersAreCheckedPairByPair() {
    List<Certificate> file = twinBehindAlternatingCas(28, true);

    ChainValidator.Result result = ChainValidator.check(file, SERVER_KEY.publicKey(), DNS, IPS, NOW);

    assertThat(result.problems()).isEmpty();
    assertThat(result.servedChain()).containsExactly(file.get(0), CA.intermediate());
  }

  /**
   * Found in review: 201 CA certificates all named "X", each signed by the next one's key, took a
   * minute; within 32, without key identifiers, the checks run out and the file is refused.
   */
  @Test
  @Timeout(30)
  void testCheck_casAllOfOneNameWithoutKeyIdentifiersRunOutOfSignatureChecks() {
    List<Certificate> file = new java.util.ArrayList<>();
    KeyMaterial topKey = TestKeys.key(TestKeys.P256, "same-name-31");
    Certificate issuer =
        CertificateBuilder.certificate("X").selfSigned(topKey).ca(null).noKeyIdentifiers()
            .validity(START, END).build();
    file.add(issuer);
    for (int i = 30; i > 0; i--) {
      KeyMaterial key = TestKeys.key(TestKeys.P256, "same-name-" + i);
      issuer =
          CertificateBuilder.certificate("X").key(key)
              .issuedBy(issuer, TestKeys.key(TestKeys.P256, "same-name-" + (i + 1)))
              .ca(null).noKeyIdentifiers().validity(START, END).build();
      file.add(0, issuer);
    }
    file.add(0, leafSignedBy(issuer, TestKeys.key(TestKeys.P256, "same-name-1")));

    assertThat(problems(file))
        .singleElement()
        .asString()
        .startsWith("the file's 32 certificates name one another as issuers in too many ways");
  }

  private static List<String> problems(List<Certificate> file) {
    return ChainValidator.check(file, SERVER_KEY.publicKey(), DNS, IPS, NOW).problems();
  }

  /**
   * The leaf, {@link TestCa}'s intermediate and root, then an expired twin of the intermediate
   * issued by the first of {@code cas} CAs named "Hostile A" and "Hostile B" by turns, each issued
   * by the next (the last by a CA not in the file).
   */
  private static List<Certificate> twinBehindAlternatingCas(int cas, boolean keyIdentifiers) {
    Certificate issuer =
        CertificateBuilder.certificate(cas % 2 == 0 ? "Hostile A" : "Hostile B")
            .selfSigned(TestKeys.key(TestKeys.P256, "alternating-" + cas)).ca(null).build();
    List<Certificate> behind = new java.util.ArrayList<>();
    for (int j = cas - 1; j >= 0; j--) {
      CertificateBuilder ca =
          CertificateBuilder.certificate(j % 2 == 0 ? "Hostile A" : "Hostile B")
              .key(TestKeys.key(TestKeys.P256, "alternating-" + j))
              .issuedBy(issuer, TestKeys.key(TestKeys.P256, "alternating-" + (j + 1)))
              .ca(null)
              .validity(START, END);
      issuer = (keyIdentifiers ? ca : ca.noKeyIdentifiers()).build();
      behind.add(0, issuer);
    }
    CertificateBuilder twin =
        intermediate()
            .issuedBy(issuer, TestKeys.key(TestKeys.P256, "alternating-0"))
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1)));
    List<Certificate> file = new java.util.ArrayList<>();
    file.addAll(List.of(leaf(), CA.intermediate(), CA.root(), (keyIdentifiers ? twin : twin.noKeyIdentifiers()).build()));
    file.addAll(behind);
    return file;
  }

  /** Found in the external CA trial: a leaf for 3001 other names made a refusal line of 53 kB. */
  @Test
  void testCheck_aLeafForManyOtherNamesShowsTheFirstSixteen() {
    List<String> others = java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(i -> "h" + i + ".other.test").toList();
    Certificate leaf =
        CA.leaf(SERVER_KEY.publicKey(), others, List.of()).validity(START, END).build();

    assertThat(check(leaf, CA.intermediate()).problems())
        .singleElement()
        .asString()
        .contains("(the leaf has: h1.other.test, h2.other.test, ", "h16.other.test and 24 more); ")
        .doesNotContain("h17.other.test");
  }

  private static Certificate selfSignedCa(String name, KeyMaterial key) {
    return CertificateBuilder.certificate(name).selfSigned(key).ca(null).validity(START, END).build();
  }

  private static Certificate caSignedBy(
      String name, KeyMaterial key, Certificate issuer, KeyMaterial issuerKey, Instant end) {
    return CertificateBuilder.certificate(name).key(key).issuedBy(issuer, issuerKey).ca(null).validity(START, end).build();
  }

  private static Certificate leafSignedBy(Certificate issuer, KeyMaterial issuerKey) {
    return CertificateBuilder.certificate("portal.example.com").key(SERVER_KEY).issuedBy(issuer, issuerKey)
        .serverAuth().dnsNames(DNS).ipAddresses(IPS).validity(START, END).build();
  }

  private static Certificate crossSigned(Certificate oldRoot, KeyMaterial oldKey, Instant end) {
    return CertificateBuilder.certificate(TestCa.ROOT_NAME)
        .key(CA.rootKey())
        .issuedBy(oldRoot, oldKey)
        .ca(null)
        .validity(START, end)
        .build();
  }

  @Test
  void testCheck_issuerOfTheRightNameButAnotherKeyIsABadSignature() {
    KeyMaterial impostorKey = TestKeys.key(TestKeys.P256, "impostor");
    Certificate impostor = intermediate().key(impostorKey).build();

    assertThat(check(leaf(), impostor).problems())
        .singleElement()
        .asString()
        .isEqualTo(
            "certificate 1 of 2 (CN=portal.example.com) is not signed by certificate 2 of 2"
                + " (CN=Example Issuing CA 2): the signature does not verify with its key, although"
                + " the names match");
  }

  @Test
  void testCheck_expiredIntermediateSaysWhen() {
    Certificate expired =
        intermediate().validity(NOW.minus(Duration.ofDays(400)), Instant.parse("2025-12-31T00:00:00Z")).build();

    assertThat(check(leaf(), expired).problems())
        .containsExactly("certificate 2 of 2 (CN=Example Issuing CA 2) expired on 2025-12-31 00:00 UTC");
  }

  @Test
  void testCheck_leafNotYetValidSaysFromWhen() {
    Certificate future =
        CA.leaf(SERVER_KEY.publicKey(), DNS, IPS)
            .validity(Instant.parse("2026-02-01T00:00:00Z"), NOW.plus(Duration.ofDays(90)))
            .build();

    assertThat(check(future, CA.intermediate()).problems())
        .containsExactly(
            "certificate 1 of 2 (CN=portal.example.com) is not valid before 2026-02-01 00:00 UTC");
  }

  /**
   * rvsec17 L5: an imported chain's leaf or intermediate with an extension marked critical that
   * OpenSSL does not know was accepted and served, and every OpenSSL client refused it ("error 34:
   * unhandled critical extension"); trust-critical-extension warned only of trusted certificates.
   * Refused like a SHA-1 signature, and like it not for the root.
   */
  @Test
  void testCheck_aCriticalExtensionOpensslDoesNotKnowIsRefusedBelowTheRoot() {
    Certificate oddLeaf = CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).criticalExtension("1.2.3.4.5").build();
    Certificate oddIntermediate = intermediate().criticalExtension("1.2.3.4.6").build();
    KeyMaterial rootKey = TestKeys.key(TestKeys.P256, "odd-root");
    Certificate oddRoot =
        CertificateBuilder.certificate("Odd Root").selfSigned(rootKey).ca(null).criticalExtension("1.2.3.4.7")
            .validity(START, END).build();
    Certificate underOddRoot = CertificateBuilder.certificate("Under Odd Root").key(CA.intermediateKey())
        .issuedBy(oddRoot, rootKey).ca(0).validity(START, END).build();
    Certificate leafUnderOddRoot = leafSignedBy(underOddRoot, CA.intermediateKey());

    assertThat(check(oddLeaf, CA.intermediate()).problems())
        .singleElement()
        .asString()
        .isEqualTo(
            "certificate 1 of 2 (CN=portal.example.com) has an extension marked critical that OpenSSL does not know"
                + " (1.2.3.4.5): OpenSSL clients (curl, nginx, HAProxy, Python) refuse the served chain"
                + " ('unhandled critical extension'): ask the CA for a certificate without it");
    assertThat(check(leaf(), oddIntermediate, CA.root()).problems())
        .singleElement()
        .asString()
        .startsWith("certificate 2 of 3 (CN=" + TestCa.INTERMEDIATE_NAME)
        .contains("(1.2.3.4.6)");
    assertThat(check(leafUnderOddRoot, underOddRoot, oddRoot).problems()).isEmpty();
  }

  @Test
  void testCheck_sha1SignatureIsRefused() {
    Certificate sha1 =
        CA.leaf(SERVER_KEY.publicKey(), DNS, IPS)
            .validity(START, END)
            .signatureAlgorithm("SHA1withECDSA")
            .build();

    assertThat(check(sha1, CA.intermediate()).problems())
        .singleElement()
        .asString()
        .contains("certificate 1 of 2 (CN=portal.example.com) is signed with SHA1withECDSA", "SHA-1");
  }

  @Test
  void testCheck_rsaPssWithSha1IsRefusedAndWithSha256Accepted() {
    KeyMaterial rsaRoot = TestKeys.key(TestKeys.RSA2048, "old-root");
    Certificate root =
        CertificateBuilder.certificate("PSS Root").selfSigned(rsaRoot).ca(1).validity(START, END).build();

    Certificate sha1 = pssIssuing(root, rsaRoot, "SHA1withRSAandMGF1");
    Certificate sha256 = pssIssuing(root, rsaRoot, "SHA256withRSAandMGF1");

    assertThat(sha1.facts().signatureAlgorithm()).isEqualTo("SHA1withRSASSA-PSS");
    assertThat(sha256.facts().signatureAlgorithm()).isEqualTo("SHA256withRSASSA-PSS");
    assertThat(check(signedBy(sha1), sha1, root).problems())
        .singleElement()
        .asString()
        .contains("(CN=PSS Issuing) is signed with SHA1withRSASSA-PSS", "SHA-1");
    assertThat(check(signedBy(sha256), sha256, root).problems()).isEmpty();
  }

  private static Certificate pssIssuing(Certificate root, KeyMaterial rootKey, String algorithm) {
    return CertificateBuilder.certificate("PSS Issuing")
        .key(CA.intermediateKey())
        .issuedBy(root, rootKey)
        .ca(0)
        .validity(START, END)
        .signatureAlgorithm(algorithm)
        .build();
  }

  @Test
  void testCheck_sha1SelfSignatureOfTheRootIsAccepted() {
    KeyMaterial rsaRoot = TestKeys.key(TestKeys.RSA2048, "old-root");
    Certificate root =
        CertificateBuilder.certificate("Old Root")
            .selfSigned(rsaRoot)
            .ca(1)
            .validity(START, END)
            .signatureAlgorithm("SHA1withRSA")
            .build();
    Certificate issuing =
        CertificateBuilder.certificate("Old Issuing")
            .key(CA.intermediateKey())
            .issuedBy(root, rsaRoot)
            .ca(0)
            .validity(START, END)
            .build();
    Certificate leaf =
        CertificateBuilder.certificate("portal.example.com")
            .key(SERVER_KEY)
            .issuedBy(issuing, CA.intermediateKey())
            .serverAuth()
            .dnsNames(DNS)
            .ipAddresses(IPS)
            .validity(START, END)
            .build();

    assertThat(check(leaf, issuing, root).problems()).isEmpty();
  }

  @Test
  void testCheck_shortRsaKeyIsRefused() {
    KeyMaterial weak = TestKeys.shortRsa(1024);
    Certificate issuing = intermediate().key(weak).build();
    Certificate leaf =
        CertificateBuilder.certificate("portal.example.com")
            .key(SERVER_KEY)
            .issuedBy(issuing, weak)
            .serverAuth()
            .dnsNames(DNS)
            .ipAddresses(IPS)
            .validity(START, END)
            .build();

    assertThat(check(leaf, issuing).problems())
        .containsExactly(
            "certificate 2 of 2 (CN=Example Issuing CA 2) has an RSA key of 1024 bits; at least 2048 are required");
  }

  @Test
  void testCheck_issuerWithoutCaFlagIsRefused() {
    Certificate notCa = intermediate().noBasicConstraints().keyUsage(KeyUsage.keyCertSign).build();
    Certificate leaf = signedBy(notCa);

    assertThat(check(leaf, notCa).problems())
        .containsExactly(
            "certificate 2 of 2 (CN=Example Issuing CA 2) issued a certificate of the chain but is"
                + " not a CA certificate (basicConstraints cA is not set)");
  }

  @Test
  void testCheck_issuerWithoutKeyCertSignIsRefused() {
    Certificate noSign = intermediate().keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign).build();

    assertThat(check(signedBy(noSign), noSign).problems())
        .containsExactly(
            "certificate 2 of 2 (CN=Example Issuing CA 2) may not sign certificates: its keyUsage lacks keyCertSign");
  }

  @Test
  void testCheck_pathLengthExceededIsRefused() {
    KeyMaterial strictKey = TestKeys.key(TestKeys.P384, "strict-root");
    Certificate strictRoot =
        CertificateBuilder.certificate("Strict Root").selfSigned(strictKey).ca(0).validity(START, END).build();
    Certificate issuing = intermediate().issuedBy(strictRoot, strictKey).build();
    Certificate leaf = signedBy(issuing);

    assertThat(check(leaf, issuing, strictRoot).problems())
        .containsExactly(
            "certificate 3 of 3 (CN=Strict Root) allows 0 intermediate CA certificate(s) below it"
                + " (pathLenConstraint) but the chain has 1");
  }

  @Test
  void testCheck_leafWithoutServerAuthIsRefused() {
    Certificate clientOnly =
        CA.leaf(SERVER_KEY.publicKey(), DNS, IPS)
            .validity(START, END)
            .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
            .build();

    assertThat(check(clientOnly, CA.intermediate()).problems())
        .containsExactly(
            "certificate 1 of 2 (CN=portal.example.com) (the leaf) is not for TLS servers: its"
                + " extended key usage (1.3.6.1.5.5.7.3.2) lacks serverAuth");
  }

  /** Found: a CA that copies every requested extension imported a leaf Firefox refuses. */
  @Test
  void testCheck_leafThatIsACaCertificateIsRefused() {
    Certificate caLeaf = CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).ca(null).build();

    assertThat(check(caLeaf, CA.intermediate()).problems())
        .containsExactly(
            "certificate 1 of 2 (CN=portal.example.com) (the leaf) is a CA certificate"
                + " (basicConstraints cA is set); Firefox refuses a CA certificate as a server's: ask"
                + " the CA for a TLS server certificate (cA false)");
  }

  /** Found: an RSA-era template (keyEncipherment only) on an EC key: TLS 1.2 handshakes failed. */
  @Test
  void testCheck_leafKeyUsageWithoutDigitalSignatureIsRefused() {
    Certificate encipherOnly =
        CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).keyUsage(KeyUsage.keyEncipherment).build();

    assertThat(check(encipherOnly, CA.intermediate()).problems())
        .singleElement()
        .asString()
        .startsWith("certificate 1 of 2 (CN=portal.example.com) (the leaf) may not sign: its keyUsage lacks digitalSignature");
  }

  @Test
  void testCheck_leafWithoutExtendedKeyUsageIsAccepted() {
    Certificate anyPurpose =
        CA.leaf(SERVER_KEY.publicKey(), DNS, IPS).validity(START, END).extendedKeyUsage().build();

    assertThat(check(anyPurpose, CA.intermediate()).problems()).isEmpty();
  }

  @Test
  void testCheck_intermediateRestrictedToClientAuthIsRefused() {
    Certificate clientCa = intermediate().extendedKeyUsage(KeyPurposeId.id_kp_clientAuth).build();

    assertThat(check(signedBy(clientCa), clientCa).problems())
        .singleElement()
        .asString()
        .contains("certificate 2 of 2 (CN=Example Issuing CA 2) restricts what it issues", "without serverAuth");
  }

  @Test
  void testCheck_uncoveredNamesAreListed() {
    Certificate narrow =
        CA.leaf(SERVER_KEY.publicKey(), List.of("portal.example.com"), List.of()).validity(START, END).build();

    assertThat(check(narrow, CA.intermediate()).problems())
        .containsExactly(
            "SAN does not cover: portal, 192.0.2.10 (the leaf has: portal.example.com); have the"
                + " current server.csr signed with all its names");
  }

  @Test
  void testCheck_wildcardCoversOneLabel() {
    Certificate wildcard =
        CA.leaf(SERVER_KEY.publicKey(), List.of("*.example.com"), List.of()).validity(START, END).build();
    List<Certificate> chain = List.of(wildcard, CA.intermediate());

    assertThat(
            ChainValidator.check(chain, SERVER_KEY.publicKey(), List.of("portal.example.com"), List.of(), NOW)
                .problems())
        .isEmpty();
    assertThat(
            ChainValidator.check(chain, SERVER_KEY.publicKey(), List.of("a.portal.example.com"), List.of(), NOW)
                .problems())
        .singleElement()
        .asString()
        .startsWith("SAN does not cover: a.portal.example.com");
  }

  @Test
  void testCheck_selfSignedLeafIsRefused() {
    Certificate self =
        CertificateBuilder.certificate("portal.example.com")
            .selfSigned(SERVER_KEY)
            .serverAuth()
            .dnsNames(DNS)
            .ipAddresses(IPS)
            .validity(START, END)
            .build();

    assertThat(check(self).problems())
        .singleElement()
        .asString()
        .contains("the certificate (CN=portal.example.com) is self-signed");
  }

  @Test
  void testCheck_twoLeavesForTheKeyAreRefused() {
    assertThat(check(leaf(), leaf(), CA.intermediate()).problems())
        .singleElement()
        .asString()
        .startsWith("the file holds 2 certificates for server.key");
  }

  @Test
  void testCheck_everyProblemIsReportedAtOnce() {
    Certificate bad =
        CA.leaf(SERVER_KEY.publicKey(), List.of("portal.example.com"), List.of())
            .validity(NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1)))
            .build();

    assertThat(check(bad, CA.intermediate()).problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("expired on"))
        .anySatisfy(p -> assertThat(p).startsWith("SAN does not cover: portal, 192.0.2.10"));
  }

  @Test
  void testCheck_noCertificatesIsAProblem() {
    assertThat(ChainValidator.check(List.of(), SERVER_KEY.publicKey(), DNS, IPS, NOW).problems())
        .containsExactly("the file holds no certificate");
  }

  @Test
  void testCheck_rsaServerKeyChainIsAccepted() {
    KeyMaterial rsa = TestKeys.key(new KeySpec.Rsa(2048), "server");
    Certificate leaf = CA.leaf(rsa.publicKey(), DNS, IPS).validity(START, END).build();

    assertThat(ChainValidator.check(List.of(leaf, CA.intermediate()), rsa.publicKey(), DNS, IPS, NOW).problems())
        .isEmpty();
  }

  private static Certificate signedBy(Certificate issuing) {
    return CertificateBuilder.certificate("portal.example.com")
        .key(SERVER_KEY)
        .issuedBy(issuing, CA.intermediateKey())
        .serverAuth()
        .dnsNames(DNS)
        .ipAddresses(IPS)
        .validity(START, END)
        .build();
  }
}
