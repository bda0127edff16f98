package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.hostpki.cli.ExitCodes;
import org.hostpki.model.HostIdentity;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.issuer: acme} end to end, as a user runs it: {@code hostpki apply} orders from
 * Debian's pebble on 127.0.0.1 with real validation (one pebble for the class), serves the chain,
 * converges, re-orders when the identity changes, and leaves the served files byte for byte as
 * they were when an order cannot complete.
 */
@Tag(Tags.INTEROP)
class AcmeApplyPebbleTest {
  @TempDir static Path pebbleDir;
  private static Pebble pebble;

  @TempDir Path dir;

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = Pebble.start(pebbleDir);
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  // ---- first issuance, convergence ------------------------------------------------------------

  @Test
  void apply_http01OrdersServesTheChainAndASecondApplyChangesNothing() throws Exception {
    write(http01(), "[portal.example.test]", "");

    CliResult first = apply();

    first.assertSucceeded().assertNoStackTrace();
    assertThat(first.out()).contains("+ server", "no server certificate in the store yet");
    List<X509Certificate> fullchain = certificates("server-fullchain.crt");
    assertThat(fullchain).hasSize(3); // leaf and PEBBLE_CHAIN_LENGTH=2 intermediates, no root
    assertThat(sans(fullchain.get(0)))
        .containsExactlyInAnyOrder("portal.example.test");
    assertThat(fullchain.get(2).getIssuerX500Principal().getName()).contains("Pebble Root CA");
    assertThat(Files.readAllBytes(dir.resolve("pki/server.crt")))
        .isEqualTo(pem(fullchain.get(0)).getBytes(StandardCharsets.US_ASCII));
    assertThat(certificates("external-chain.crt")).hasSizeGreaterThanOrEqualTo(3);
    Path record = onlyRecord();
    assertThat(Files.readString(record.resolve("account.json")))
        .contains("\"account_url\":\"https://127.0.0.1:", "\"last_order\"", "dns:portal.example.test");

    CliResult second = apply();

    second.assertSucceeded();
    assertThat(second.out()).contains("No changes");
    assertThat(onlyRecord()).isEqualTo(record);
  }

  @Test
  void apply_aDeclaredOutputHoldsTheOrdersChainAndTheServiceIsReloaded() throws Exception {
    // tacme17: a combined-pem output (HAProxy) of a store whose order brought its chain in the
    // same apply stopped with an internal error after the order, so every run ordered again; and
    // afterServerChange never ran after an order, so the service kept the old certificate
    Path hook = dir.resolve("reload.sh");
    Files.writeString(hook, "#!/bin/sh\necho \"$HOSTPKI_CHANGED\" >> reloads.log\n");
    Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        write(http01(), "[out.example.test]", ""),
        "outputs:\n  - {format: combined-pem, file: haproxy.pem}\n  - {format: key, file: nginx.key}\n"
            + "hooks:\n  afterServerChange:\n    - [" + hook + "]\n",
        java.nio.file.StandardOpenOption.APPEND);

    CliResult first = apply();

    first.assertSucceeded().assertNoStackTrace();
    assertThat(certificates("server-fullchain.crt")).hasSize(3);
    assertThat(Files.readString(dir.resolve("pki/haproxy.pem")))
        .contains("PRIVATE KEY", Files.readString(dir.resolve("pki/server-fullchain.crt")));
    assertThat(Files.readAllLines(dir.resolve("reloads.log")))
        .singleElement().asString().contains("server", "output/haproxy.pem");

    CliResult second = apply();

    second.assertSucceeded();
    assertThat(second.out()).contains("No changes");
    assertThat(Files.readAllLines(dir.resolve("reloads.log"))).hasSize(1);

    CliResult replaced = Cli.in(dir).run("apply", "-f", "host.yaml", "--replace", "server");

    // the key output follows the new key (it kept the old one, and apply did not converge)
    replaced.assertSucceeded().assertNoStackTrace();
    assertThat(replaced.out()).contains("~ output/nginx.key");
    assertThat(Files.readString(dir.resolve("pki/nginx.key"))).isEqualTo(Files.readString(dir.resolve("pki/server.key")));
    assertThat(Files.readAllLines(dir.resolve("reloads.log"))).hasSize(2);
  }

  @Test
  void apply_tlsAlpn01OrdersTheHostsAddressAsAnIpIdentifier() throws Exception {
    write(
        "    challenge: tls-alpn-01\n    tlsAlpn01: {listen: \"127.0.0.1:" + pebble.tlsPort + "\"}\n"
            + "    includeAddresses: true\n",
        "[alpn.example.test]", "  ipAddresses: [127.0.0.1]\n");

    apply().assertSucceeded().assertNoStackTrace();

    X509Certificate leaf = certificates("server.crt").get(0);
    assertThat(sans(leaf))
        .containsExactlyInAnyOrder("alpn.example.test", "127.0.0.1");
  }

  @Test
  void apply_preferredChainServesTheAlternateRootsChain() throws Exception {
    String alternate = rootName(pebble.root(1));
    write(http01() + "    preferredChain: \"" + alternate + "\"\n", "[alt.example.test]", "");

    apply().assertSucceeded();

    List<X509Certificate> fullchain = certificates("server-fullchain.crt");
    assertThat(fullchain.get(fullchain.size() - 1).getIssuerX500Principal().getName()).contains(alternate);
  }

  @Test
  void apply_dns01HookIssuesAWildcardAndCleansUp() throws Exception {
    Path calls = dir.resolve("dns-hook.log");
    Path hook = pebble.dnsHook(dir.resolve("dns-hook.sh"));
    write("    challenge: dns-01\n    dns01: {hook: [" + hook + ", " + calls + "]}\n",
        "[dns.example.test, \"*.dns.example.test\"]", "");

    apply().assertSucceeded().assertNoStackTrace();

    assertThat(sans(certificates("server.crt").get(0)))
        .containsExactlyInAnyOrder("dns.example.test", "*.dns.example.test");
    Pebble.assertDnsHookAnswered(calls, "dns.example.test", 2);
  }

  // ---- identity changes ------------------------------------------------------------------------

  @Test
  void apply_aChangedIdentityReordersAndTheNewCertificateCoversIt() throws Exception {
    write(http01(), "[one.example.test]", "");
    apply().assertSucceeded();
    byte[] before = Files.readAllBytes(dir.resolve("pki/server.crt"));

    write(http01(), "[one.example.test, two.example.test]", "");
    CliResult again = apply();

    again.assertSucceeded();
    assertThat(again.out()).contains("~ server", "two.example.test");
    assertThat(Files.readAllBytes(dir.resolve("pki/server.crt"))).isNotEqualTo(before);
    assertThat(sans())
        .containsExactlyInAnyOrder("one.example.test", "two.example.test");
    apply().assertSucceeded();
  }

  @Test
  void apply_aLiveNameChangeReordersForTheNewName() throws Exception {
    AtomicReference<String> name = new AtomicReference<>("live");
    Cli cli =
        Cli.in(dir).probe(spec -> new HostIdentity(name.get(), java.util.Optional.of("example.test"),
            List.of(ip("127.0.0.1"))));
    Files.writeString(
        dir.resolve("host.yaml"),
        yaml(http01() + "    includeAddresses: true\n", "[]", "")
            .replace("detect: false", "detect: true")
            .replace("includeHostIdentity: false", "includeHostIdentity: true"));
    cli.run("apply", "-f", "host.yaml").assertSucceeded();
    assertThat(sans()).contains("live.example.test", "127.0.0.1");

    name.set("moved");
    CliResult moved = cli.run("apply", "-f", "host.yaml");

    moved.assertSucceeded();
    assertThat(moved.out()).contains("~ server", "moved.example.test");
    assertThat(sans()).contains("moved.example.test").doesNotContain("live.example.test");
  }

  // ---- refusals leave the served files byte-identical -----------------------------------------

  @Test
  void apply_refusalsLeaveTheServedFilesAsTheyWere() throws Exception {
    write(http01(), "[keep.example.test]", "");
    apply().assertSucceeded();
    Map<String, String> served = served();

    // The CA is down.
    int closed = Pebble.freePort();
    write(http01(), "[keep.example.test, more.example.test]", "");
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replace(pebble.directory().toString(), "https://127.0.0.1:" + closed + "/dir"));
    CliResult down = apply();
    assertThat(down.exitCode()).isEqualTo(ExitCodes.ERROR);
    down.assertNoStackTrace();
    assertThat(down.err()).contains("ordering the server certificate from the ACME CA at https://127.0.0.1:" + closed);
    assertThat(down.err()).contains("the current certificate keeps serving", "nothing served was changed");
    assertThat(served()).isEqualTo(served);

    // The CA's TLS certificate is not trusted.
    write(http01(), "[keep.example.test, more.example.test]", "");
    Files.writeString(dir.resolve("other-ca.pem"), Files.readString(dir.resolve("pki/ca.crt")));
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replace(pebble.caBundle().toString(), dir.resolve("other-ca.pem").toString()));
    CliResult untrusted = apply();
    assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(untrusted.err()).containsIgnoringCase("trust");
    assertThat(served()).isEqualTo(served);

    // The challenge fails: the listener is not where the CA looks.
    write("    challenge: http-01\n    http01: {listen: \"127.0.0.1:" + Pebble.freePort() + "\"}\n",
        "[keep.example.test, more.example.test]", "");
    CliResult failing = apply();
    assertThat(failing.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(failing.err()).contains("the CA could not validate", "problem: urn:ietf:params:acme:error:connection");
    assertThat(served()).isEqualTo(served);
    assertThat(Files.readString(pebbleRecord().resolve("account.json"))).contains("\"last_failure\"", "\"next_attempt\"");

    // An unattended run waits for the back-off instead of ordering again.
    write(http01(), "[keep.example.test, more.example.test]", "");
    CliResult unattended = Cli.in(dir).run("apply", "-f", "host.yaml", "--unattended");
    unattended.assertSucceeded();
    assertThat(unattended.err() + unattended.out()).contains("the next order is tried at");
    assertThat(served()).isEqualTo(served);

    // A person's apply tries at once, and succeeds.
    apply().assertSucceeded();
    assertThat(sans()).contains("more.example.test");
  }

  @Test
  void apply_fallbackInternalServesAnInternalCertificateWhenTheOrderFails() throws Exception {
    write(http01(), "[fb.example.test]", "");
    apply().assertSucceeded();

    write("    challenge: http-01\n    http01: {listen: \"127.0.0.1:" + Pebble.freePort() + "\"}\n"
            + "    fallback: internal\n",
        "[fb.example.test, fb2.example.test]", "");
    CliResult failed = apply();

    assertThat(failed.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(failed.err()).contains("a certificate from the internal CA serves meanwhile");
    X509Certificate leaf = certificates("server.crt").get(0);
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(certificates("ca.crt").get(0).getSubjectX500Principal());
    assertThat(sans()).contains("fb.example.test", "fb2.example.test");
  }

  @Test
  void apply_anAccountTheCaNoLongerKnowsIsMadeAgainWithTheSameKey() throws Exception {
    write(http01(), "[forgot.example.test]", "");
    apply().assertSucceeded();
    Path state = onlyRecord().resolve("account.json");
    String recorded = Files.readString(state);
    String url = recorded.replaceAll("(?s).*\"account_url\":\"([^\"]+)\".*", "$1");
    Files.writeString(state, recorded.replace(url, url + "0"));

    CliResult again = Cli.in(dir).run("apply", "-f", "host.yaml", "--replace", "server");

    again.assertSucceeded();
    assertThat(Files.readString(state)).doesNotContain(url + "0");
  }

  // ---- revocation ------------------------------------------------------------------------------

  @Test
  void apply_replaceServerRevokeOldRevokesTheReplacedCertificateAndStatusAfterARollbackSaysSo() throws Exception {
    write(http01(), "[revoke.example.test]", "");
    apply().assertSucceeded();
    X509Certificate old = certificates("server.crt").get(0);

    CliResult replaced = Cli.in(dir).run("apply", "-f", "host.yaml", "--replace", "server", "--revoke-old");

    replaced.assertSucceeded();
    assertThat(replaced.err()).doesNotContain("warning");
    assertThat(certificates("server.crt").get(0).getSerialNumber()).isNotEqualTo(old.getSerialNumber());
    assertThat(pebble.certificateStatus(old.getSerialNumber().toString(16))).contains("Revoked");

    // A rollback brings the earlier order's certificate back: status does not call it the last
    // order's (an apply since, and its own test, would cost another order).
    Cli.in(dir).run("rollback", "-f", "host.yaml").assertSucceeded().assertNoStackTrace();
    assertThat(certificates("server.crt").get(0).getSerialNumber()).isEqualTo(old.getSerialNumber());
    CliResult status = Cli.in(dir).run("status", "-f", "host.yaml");
    assertThat(status.out())
        .contains("(not the served certificate: an earlier order of this account's brought that one)")
        .doesNotContain("(the served certificate)");
    assertThat(Cli.in(dir).run("status", "-f", "host.yaml", "--output", "json").out())
        .contains("\"last_order\":{\"completed\":").contains("\"served\":false");
  }

  @Test
  void switch_acmeToExternalAndBack_namesTheOrderedChainAndTheRequestGoes() throws Exception {
    write(http01(), "[switch.example.test]", "");
    apply().assertSucceeded();
    assertThat(Files.readString(dir.resolve("pki/.external/chain-roots.json"))).contains("\"source\":\"acme\"");
    Files.copy(dir.resolve("pki/external-chain.crt"), dir.resolve("chain.pem"));
    String external =
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.test, addresses: [127.0.0.1]}\n"
            + "server:\n  issuer: external\n  includeHostIdentity: false\n  dnsNames: [switch.example.test]\n"
            + "  external: {chain: chain.pem}\n";
    Files.writeString(dir.resolve("host.yaml"), external);

    CliResult toExternal = apply();

    toExternal.assertNoStackTrace();
    assertThat(toExternal.out() + toExternal.err())
        .contains("+ server.csr", "which was ordered through ACME")
        .doesNotContain("before hostpki recorded");
    assertThat(dir.resolve("pki/server.csr")).exists();

    write(http01(), "[switch.example.test]", "");
    CliResult back = apply();

    back.assertSucceeded().assertNoStackTrace();
    assertThat(back.out()).contains("- server.csr", "server.issuer is acme: server.csr is no longer needed");
    assertThat(dir.resolve("pki/server.csr")).doesNotExist();
    assertThat(certificates("external-chain.crt")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(apply().out()).contains("No changes");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private CliResult apply() {
    return Cli.in(dir).run("apply", "-f", "host.yaml");
  }

  private static String http01() {
    return pebble.http01();
  }

  private Path write(String challenge, String dnsNames, String extra) throws Exception {
    Path file = dir.resolve("host.yaml");
    Files.writeString(file, yaml(challenge, dnsNames, extra));
    return file;
  }

  private static String yaml(String challenge, String dnsNames, String extra) {
    return pebble.desiredState(dnsNames, extra, challenge);
  }

  private List<X509Certificate> certificates(String file) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (var c : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("pki").resolve(file))))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  private List<String> sans() throws Exception {
    return sans(certificates("server.crt").get(0));
  }

  private static List<String> sans(X509Certificate c) throws Exception {
    return c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
  }

  /** The served files, by name, as they are now (base64, so maps compare by content). */
  private Map<String, String> served() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String name : List.of("server.crt", "server.key", "server-fullchain.crt", "ca.crt", "external-chain.crt")) {
      out.put(name, java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("pki").resolve(name))));
    }
    return out;
  }

  private Path onlyRecord() throws Exception {
    try (Stream<Path> records = Files.list(dir.resolve("pki/.acme"))) {
      List<Path> all = records.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  /** The record of pebble's directory (a test that pointed at another has one for that, too). */
  private Path pebbleRecord() throws Exception {
    try (Stream<Path> records = Files.list(dir.resolve("pki/.acme"))) {
      return records
          .filter(r -> {
            try {
              return Files.readString(r.resolve("account.json")).contains(pebble.directory().toString());
            } catch (java.io.IOException e) {
              return false;
            }
          })
          .findFirst()
          .orElseThrow();
    }
  }

  private static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static String rootName(String pem) throws Exception {
    X509Certificate root =
        (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    String dn = root.getSubjectX500Principal().getName();
    return dn.substring(dn.indexOf("CN=") + 3).split(",")[0];
  }

  private static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
