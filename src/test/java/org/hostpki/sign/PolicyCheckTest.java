package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hostpki.testkit.TestRequests.ip;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.Subject;
import org.junit.jupiter.api.Test;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.TestRequests;

class PolicyCheckTest {
  private static final SigningPolicy POLICY =
      new SigningPolicy(
          List.of("*.corp.example", "m1"),
          List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow(), IpNetwork.parse("2001:db8::/32").orElseThrow()),
          Optional.of(Duration.ofDays(90)));

  private static List<String> messages(Subject subject, List<String> dns, List<InetAddress> ips) {
    return PolicyCheck.violations(POLICY, subject, dns, ips).stream().map(PolicyViolation::message).toList();
  }

  @Test
  void testViolations_namesAndAddressesInsideThePolicyPass() {
    assertThat(
            messages(
                Subject.commonName("db.corp.example"),
                List.of("db.corp.example", "m1", "*.lab.corp.example"),
                List.of(ip("192.0.2.7"), ip("2001:db8::7"))))
        .isEmpty();
  }

  @Test
  void testViolations_aNameOutsideAllowedDomainsIsNamed() {
    assertThat(messages(Subject.empty(), List.of("db.corp.example", "db.other.example"), List.of()))
        .containsExactly(
            "refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.corp.example, m1]");
  }

  @Test
  void testViolations_theBaseDomainIsOutsideItsWildcard() {
    assertThat(messages(Subject.empty(), List.of("corp.example"), List.of()))
        .containsExactly("refused: dNSName corp.example is outside ca.policy.allowedDomains [*.corp.example, m1]");
  }

  @Test
  void testViolations_anAddressOutsideAllowedNetworksIsNamed() {
    assertThat(messages(Subject.empty(), List.of("db.corp.example"), List.of(ip("192.0.2.7"), ip("10.0.0.5"))))
        .containsExactly(
            "refused: iPAddress 10.0.0.5 is outside ca.policy.allowedNetworks [192.0.2.0/24, 2001:db8::/32]");
  }

  @Test
  void testViolations_anIpv6AddressOutsideIsNamedInItsCanonicalForm() {
    assertThat(messages(Subject.empty(), List.of(), List.of(ip("2001:0db9:0:0:0:0:0:1"))))
        .containsExactly(
            "refused: iPAddress 2001:db9::1 is outside ca.policy.allowedNetworks [192.0.2.0/24, 2001:db8::/32]");
  }

  @Test
  void testViolations_everyOffendingSanIsReported() {
    assertThat(
            messages(
                Subject.empty(),
                List.of("a.other.example", "db.corp.example", "b.other.example"),
                List.of(ip("10.0.0.5"))))
        .containsExactly(
            "refused: dNSName a.other.example is outside ca.policy.allowedDomains [*.corp.example, m1]",
            "refused: dNSName b.other.example is outside ca.policy.allowedDomains [*.corp.example, m1]",
            "refused: iPAddress 10.0.0.5 is outside ca.policy.allowedNetworks [192.0.2.0/24, 2001:db8::/32]");
  }

  @Test
  void testViolations_withoutAllowedNetworksNoAddressIsAllowed() {
    SigningPolicy namesOnly = new SigningPolicy(List.of("*.corp.example"), List.of(), Optional.empty());

    assertThat(PolicyCheck.violations(namesOnly, Subject.empty(), List.of("db.corp.example"), List.of(ip("192.0.2.7"))))
        .extracting(PolicyViolation::message)
        .containsExactly("refused: iPAddress 192.0.2.7 is outside ca.policy.allowedNetworks []");
  }

  @Test
  void testViolations_aCommonNameThatIsNoSanIsRefusedEvenWhenThePolicyWouldAllowIt() {
    assertThat(messages(Subject.commonName("www.corp.example"), List.of("db.corp.example"), List.of()))
        .containsExactly(
            "refused: subject commonName www.corp.example is not one of the request's subjectAltNames"
                + " [db.corp.example]: a commonName must repeat one of them, or be left out (the first DNS"
                + " name then fills it)");
  }

  @Test
  void testViolations_aCommonNameThatIsNoNameAtAllIsRefused() {
    assertThat(messages(Subject.commonName("Portal Server"), List.of("db.corp.example"), List.of()))
        .singleElement()
        .asString()
        .startsWith("refused: subject commonName Portal Server is not one of the request's subjectAltNames");
  }

  @Test
  void testViolations_aCommonNameAddressMustBeAnAddressSan() {
    assertThat(messages(Subject.commonName("192.0.2.9"), List.of("db.corp.example"), List.of(ip("192.0.2.9"))))
        .isEmpty();
    assertThat(messages(Subject.commonName("192.0.2.9"), List.of("db.corp.example"), List.of()))
        .singleElement()
        .asString()
        .startsWith("refused: subject commonName 192.0.2.9 is not one of the request's subjectAltNames [db.corp.example]");
  }

  @Test
  void testViolations_theCommonNameComparesWithTheSansIgnoringCase() {
    assertThat(messages(Subject.commonName("DB.Corp.Example"), List.of("db.corp.example"), List.of())).isEmpty();
  }

  @Test
  void testViolations_aCommonNameOutsideThePolicyIsNoPolicyMatter() {
    List<PolicyViolation> violations =
        PolicyCheck.violations(POLICY, Subject.commonName("www.other.example"), List.of("db.corp.example"), List.of());

    assertThat(violations).extracting(PolicyViolation::policy).containsExactly(false);
  }

  @Test
  void testViolations_aCommonNameThatIsARefusedSanIsReportedOnce() {
    assertThat(messages(Subject.commonName("db.other.example"), List.of("db.other.example"), List.of()))
        .containsExactly(
            "refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.corp.example, m1]");
  }

  @Test
  void testViolations_subjectAttributesBesidesTheCommonNameNeedThePolicy() throws Exception {
    Subject subject =
        new Subject(
            Optional.of("db.corp.example"), Optional.of("Example Corp"), Optional.of("Ops"), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());
    byte[] pem = TestRequests.pem(TestKeys.freshEc(), subject, List.of("db.corp.example"), List.of(), false);
    SignRequest request = SignRequest.read(java.nio.file.Path.of("/tmp/db.csr"), pem);
    SigningPolicy organizationOnly =
        new SigningPolicy(POLICY.allowedDomains(), POLICY.allowedNetworks(), POLICY.maxValidity(),
            java.util.Set.of(org.hostpki.model.SubjectAttribute.ORGANIZATION));

    assertThat(PolicyCheck.violations(organizationOnly, request))
        .extracting(PolicyViolation::message)
        .containsExactly(
            "refused: subject organizationalUnit 'Ops' is outside ca.policy.allowedSubjectAttributes"
                + " [organization]: besides a commonName, a request may carry only the attributes listed there");
    assertThat(PolicyCheck.violations(POLICY, request)).extracting(PolicyViolation::policy).containsExactly(true, true);
  }

  @Test
  void testViolations_aRequestedUsageOutsideTheAllowListIsRefused() throws Exception {
    SigningPolicy serverOnly = withUsages(Set.of(KeyPurpose.SERVER_AUTH));
    SignRequest request = request(true);

    assertThat(PolicyCheck.violations(serverOnly, request))
        .extracting(PolicyViolation::message, PolicyViolation::policy)
        .containsExactly(
            tuple(
                "refused: extendedKeyUsage clientAuth is outside ca.policy.allowedExtendedKeyUsages [serverAuth]",
                true));
    assertThat(PolicyCheck.violations(POLICY, request)).as("both allowed by default").isEmpty();
  }

  @Test
  void testViolations_aRequestWithoutUsagesGetsServerAuthWhichTheAllowListMustHold() throws Exception {
    SignRequest request = SignRequest.read(Path.of("/tmp/db.csr"), TestRequests.jca("EC", 256, "SHA256withECDSA", "db.corp.example", "db.corp.example"));

    assertThat(request.usages()).containsExactly(KeyPurpose.SERVER_AUTH);
    assertThat(PolicyCheck.violations(withUsages(Set.of(KeyPurpose.CLIENT_AUTH)), request))
        .extracting(PolicyViolation::message)
        .containsExactly(
            "refused: extendedKeyUsage serverAuth (the request names none, and gets it) is outside"
                + " ca.policy.allowedExtendedKeyUsages [clientAuth]");
  }

  @Test
  void testViolations_namesOutsideNameConstraintsAreRefusedNamingTheSubtrees() throws Exception {
    NameConstraints constraints =
        new NameConstraints(
            List.of("corp.example"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()),
            List.of("lab.corp.example"), List.of());
    byte[] pem =
        TestRequests.pem(
            TestKeys.freshEc(), List.of("db.corp.example", "x.lab.corp.example", "db.other.example"),
            List.of(ip("192.0.2.7"), ip("10.0.0.7")));
    SignRequest request = SignRequest.read(Path.of("/tmp/db.csr"), pem);

    assertThat(PolicyCheck.violations(constraints, "the CA certificate's name constraints", request))
        .extracting(PolicyViolation::message, PolicyViolation::policy)
        .containsExactly(
            tuple(
                "refused: dNSName x.lab.corp.example is excluded by the CA certificate's name constraints"
                    + " (excluded dnsDomains [lab.corp.example])",
                false),
            tuple(
                "refused: dNSName db.other.example is outside the CA certificate's name constraints"
                    + " (permitted dnsDomains [corp.example])",
                false),
            tuple(
                "refused: iPAddress 10.0.0.7 is outside the CA certificate's name constraints"
                    + " (permitted ipRanges [192.0.2.0/24])",
                false));
  }

  @Test
  void testViolations_aCommonNameRepeatingASanTheRequestHadRefusedIsNotRefusedAgain() {
    byte[] pem =
        TestRequests.pem(
            TestKeys.freshEc(), Subject.commonName("a..corp.example"), List.of("db.corp.example", "a..corp.example"),
            List.of(), false);
    byte[] other =
        TestRequests.pem(
            TestKeys.freshEc(), Subject.commonName("www.corp.example"), List.of("db.corp.example", "a..corp.example"),
            List.of(), false);

    SignRequest request = SignRequest.read(Path.of("/tmp/a.csr"), pem);

    assertThat(request.problems()).extracting(PolicyViolation::message)
        .containsExactly("refused: dNSName 'a..corp.example' has an empty label");
    assertThat(PolicyCheck.violations(POLICY, request)).as("the SAN's refusal says it all").isEmpty();
    assertThat(PolicyCheck.violations(POLICY, SignRequest.read(Path.of("/tmp/b.csr"), other)))
        .extracting(PolicyViolation::message)
        .containsExactly(
            "refused: subject commonName www.corp.example is not one of the request's subjectAltNames"
                + " [db.corp.example, a..corp.example]: a commonName must repeat one of them, or be left out (the"
                + " first DNS name then fills it)");
  }

  @Test
  void testViolations_moreSansThanMaxSubjectAltNamesAreRefusedAtOnce() {
    SigningPolicy three =
        new SigningPolicy(
            POLICY.allowedDomains(), POLICY.allowedNetworks(), POLICY.maxValidity(), Set.of(),
            POLICY.allowedExtendedKeyUsages(), 3);
    byte[] pem =
        TestRequests.pem(
            TestKeys.ec(), List.of("a.corp.example", "b.corp.example", "c.corp.example"),
            List.of(ip("192.0.2.7")));
    SignRequest request = SignRequest.read(Path.of("/tmp/db.csr"), pem);

    assertThat(PolicyCheck.violations(three, request))
        .extracting(PolicyViolation::message, PolicyViolation::policy)
        .containsExactly(
            tuple(
                "refused: 4 subjectAltNames are more than ca.policy.maxSubjectAltNames (3) allows in one"
                    + " certificate: split the names over several requests, or raise"
                    + " ca.policy.maxSubjectAltNames",
                true));
    assertThat(PolicyCheck.violations(POLICY, request)).as("100 by default").isEmpty();
    assertThat(POLICY.maxSubjectAltNames()).isEqualTo(100);
  }

  private static SigningPolicy withUsages(Set<KeyPurpose> usages) {
    return new SigningPolicy(POLICY.allowedDomains(), POLICY.allowedNetworks(), POLICY.maxValidity(), Set.of(), usages);
  }

  private static SignRequest request(boolean clientAuth) {
    byte[] pem = TestRequests.pem(TestKeys.freshEc(), Subject.empty(), List.of("db.corp.example"), List.of(), clientAuth);
    return SignRequest.read(Path.of("/tmp/db.csr"), pem);
  }
}
