package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.KeySpec;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.OutputEncoder;
import org.hostpki.pki.ServerProfile;
import org.hostpki.users.ServiceUsers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.RunningProcess;
import org.hostpki.testkit.LoopbackPorts;

/**
 * HAProxy, as its own user in the group the key file is given to, loads the combined PEM output
 * (and the chain file with its {@code .key} side file) and serves it on loopback, as {@code openssl
 * s_client} checks; a user outside the group cannot load it.
 */
class ServiceOutputsIT {
  private static final Duration STARTUP = Duration.ofSeconds(10);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir static Path dir;

  private static ServiceUsers users;
  private static Certificate ca;
  private static Certificate server;
  private static OutputEncoder.Material material;

  @BeforeAll
  static void setUp() throws IOException {
    String reason = ServiceUsers.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "ServiceOutputsIT skipped: " + reason);
    users = ServiceUsers.copyOfThisMachine(dir.resolve("etc")).group("ssl-cert").user("haproxy", "ssl-cert").user("stranger").user("postgres");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    SecureRandom random = new SecureRandom();
    Instant now = Instant.now();
    KeyMaterial caKey = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    CertificateIssuer issuer = new CertificateIssuer(random);
    ca = issuer.selfSignedCa(Subject.commonName("Service Outputs Test CA"), caKey, now, Duration.ofDays(30));
    server =
        issuer.server(
            new ServerProfile(Subject.empty(), List.of("portal.example.com"), List.of(LOOPBACK), Duration.ofDays(7), false),
            key, ca, caKey, now);
    material = new OutputEncoder.Material(key, List.of(server, ca), ca);
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
  }

  @Test
  void testHaproxy_servesTheCombinedPemItsGroupMayRead() throws IOException {
    Path pem = write(output("haproxy.pem", Optional.empty()), "0640", "ssl-cert");

    assertLoadsAndServes(pem, pem);
  }

  @Test
  void testHaproxy_loadsTheKeyFromTheSideFileBesideTheChain() throws IOException {
    Path pem = write(output("site.pem", Optional.of("site.pem.key")), "0640", "ssl-cert");

    assertThat(Files.readString(pem)).doesNotContain("PRIVATE KEY");
    assertLoadsAndServes(pem, pem.resolveSibling("site.pem.key"));
  }

  /**
   * hostpki's own apply, in the namespace that has the service users: each service user reads
   * exactly the files declared for it (and the public ones) through the store's links, and haproxy
   * serves the combined PEM straight from the store.
   */
  @Test
  void testApply_givesEachServiceExactlyItsFilesAndHaproxyServesFromTheStore() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("applied"));
    Path yaml =
        Files.writeString(
            folder.resolve("host.yaml"),
            String.join(
                "\n",
                "apiVersion: hostpki/v1",
                "store: {path: pki}",
                "host: {detect: false, hostname: portal}",
                "server: {dnsNames: [portal.example.com], ipAddresses: [127.0.0.1]}",
                "outputs:",
                "  - {format: combined-pem, file: haproxy.pem, group: ssl-cert}",
                "  - {format: key, file: pg.key, owner: postgres, group: postgres, mode: \"0600\"}",
                "  - {format: der, file: server.der}",
                ""));
    List<String> apply = List.of(org.hostpki.testkit.Jvm.java(), "-jar", org.hostpki.testkit.Cli.builtJar().toString(), "apply", yaml.toString());

    users.run(apply).assertSucceeded();
    ServiceUsers.Result again = users.run(apply).assertSucceeded();

    assertThat(again.output()).contains("No changes");
    Path store = folder.resolve("pki");
    List<Path> all;
    try (var entries = Files.list(store)) {
      all = entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    List<Path> everyone =
        List.of("ca.crt", "server-fullchain.crt", "server.crt", "server.der", "trust-bundle.crt").stream().map(store::resolve).toList();
    List<Path> postgres = new java.util.ArrayList<>(everyone);
    postgres.add(store.resolve("pg.key"));
    List<Path> haproxy = new java.util.ArrayList<>(everyone);
    haproxy.add(store.resolve("haproxy.pem"));
    assertThat(users.readableBy("postgres", all)).containsExactlyInAnyOrderElementsOf(postgres);
    assertThat(users.readableBy("haproxy", all)).containsExactlyInAnyOrderElementsOf(haproxy);
    assertThat(users.readableBy("stranger", all)).containsExactlyInAnyOrderElementsOf(everyone);
    assertLoadsAndServes(
        store.resolve("haproxy.pem"), store.resolve("haproxy.pem"), store.resolve("ca.crt"),
        Files.readString(store.resolve("server.crt")));

    // haproxy is gone: its output is removed, the key stays. The generation before, which still
    // holds haproxy.pem for group ssl-cert, is closed to every service user.
    Files.writeString(yaml, Files.readString(yaml).replace("  - {format: combined-pem, file: haproxy.pem, group: ssl-cert}\n", ""));
    users.run(apply).assertSucceeded();
    List<Path> everyFile;
    try (var walk = Files.walk(store)) {
      everyFile = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    assertThat(everyFile).anyMatch(p -> p.endsWith("haproxy.pem"));
    assertThat(users.readableBy("haproxy", everyFile))
        .noneMatch(p -> p.getFileName().toString().equals("haproxy.pem") || p.toString().endsWith(".key"));
  }

  /** A user outside the group cannot load the key file; haproxy, in it, serves the chain. */
  private void assertLoadsAndServes(Path pem, Path keyBearing) throws IOException {
    assertLoadsAndServes(pem, keyBearing, dir.resolve("ca.pem"), server.pem());
  }

  private void assertLoadsAndServes(Path pem, Path keyBearing, Path caFile, String servedPem) throws IOException {
    int port = LoopbackPorts.free(LOOPBACK);
    Path config = config(pem, port);

    ServiceUsers.Result stranger = users.runAs("stranger", Tool.HAPROXY.require().toString(), "-c", "-f", config.toString());
    assertThat(stranger.exitCode()).as(stranger.output()).isNotZero();
    assertThat(stranger.output()).contains("'" + keyBearing + "'").containsAnyOf("cannot open the file", "cannot be read");

    try (RunningProcess haproxy =
        Command.of(users.inNamespace(ServiceUsers.asUser("haproxy", List.of(Tool.HAPROXY.require().toString(), "-db", "-f", config.toString()))))
            .start()
            .awaitListening(new InetSocketAddress(LOOPBACK, port), STARTUP)) {
      ProcessResult client =
          Command.of(
                  Tool.OPENSSL.require().toString(), "s_client", "-connect", "127.0.0.1:" + port, "-servername", "portal.example.com",
                  "-verify_return_error", "-verify_hostname", "portal.example.com", "-CAfile", caFile.toString(),
                  "-showcerts")
              .run();

      assertThat(client.assertSucceeded().output()).contains("Verify return code: 0 (ok)").contains(servedPem.strip());
    }
  }

  /** The output's files in a folder of their own, the key-bearing ones {@code mode root:group}. */
  private static Path write(OutputSpec spec, String mode, String group) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(spec.file() + ".d"));
    for (Map.Entry<String, byte[]> file : OutputEncoder.encode(spec, material, Optional.empty(), Pkcs12Profile.MODERN, new SecureRandom()).entrySet()) {
      Path path = Files.write(folder.resolve(file.getKey()), file.getValue());
      if (spec.holdsPrivateKey(file.getKey())) {
        users.run("chgrp", group, path.toString()).assertSucceeded();
        users.run("chmod", mode, path.toString()).assertSucceeded();
      } else {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    return folder.resolve(spec.file());
  }

  private static Path config(Path pem, int port) throws IOException {
    return Files.writeString(
        Files.createDirectories(dir.resolve("cfg-" + port)).resolve("haproxy.cfg"),
        String.join(
            "\n",
            "global",
            "  ssl-load-extra-files key",
            "defaults",
            "  mode http",
            "  timeout connect 5s",
            "  timeout client 5s",
            "  timeout server 5s",
            "frontend tls",
            "  bind 127.0.0.1:" + port + " ssl crt " + pem,
            "  http-request return status 200 content-type text/plain string ok",
            ""));
  }

  private static OutputSpec output(String file, Optional<String> keyFile) {
    return new OutputSpec(
        file, new OutputFormat.CombinedPem(keyFile), AccessSpec.NONE, List.of(), new SourcePosition(Path.of("host.yaml"), 1, 1));
  }
}
