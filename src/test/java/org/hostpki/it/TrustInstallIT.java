package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.install.InstallTargets;
import org.hostpki.model.KeySpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.Prerequisites;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installing trust where the host's clients look, with the real tools, checked by the real
 * clients: after an install, plain {@code curl https://127.0.0.1:PORT} (no {@code --cacert}),
 * {@code openssl verify} against the default store, a new JVM's {@code HttpClient} with the
 * default trust store and headless Chromium with the NSS database accept a site served by {@code
 * openssl s_server} with a certificate from a test CA; after the uninstall each refuses it again.
 *
 * <p>The system store and Java's cacerts are this machine's, seen through a private mount
 * namespace over copies ({@link TrustNamespace}): the real {@code update-ca-certificates}, the
 * real jks-keystore hook, dpkg's trigger and ca-certificates-java run, and write only the copies.
 * The suite checks afterwards that the machine's own trust directories are byte for byte as
 * before. The Fedora path, whose {@code update-ca-trust} Debian lacks, is tested with a stand-in
 * ({@code FedoraSystemTrustTest}).
 */
class TrustInstallIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final List<Path> MACHINE_TRUST =
      List.of(
          Path.of("/etc/ssl/certs"), Path.of("/usr/local/share/ca-certificates"), Path.of("/etc/ca-certificates"),
          Path.of("/var/lib/ca-certificates-java"), Path.of("/var/lib/dpkg/status"), Path.of("/var/lib/dpkg/triggers"));
  private static String machineBefore;

  @TempDir static Path site;
  private static Path caPem;
  private static Path leafPem;
  private static OpenSslServer server;

  @TempDir Path dir;

  @BeforeAll
  static void serveASiteFromATestCa() throws IOException {
    Namespace.mount().requireAvailable();
    Tool.OPENSSL.require();
    machineBefore = digest(MACHINE_TRUST);
    KeyMaterial caKey = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), new java.security.SecureRandom());
    KeyMaterial leafKey = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), new java.security.SecureRandom());
    Instant now = Instant.now();
    Certificate ca =
        CertificateBuilder.certificate("hostpki Install Test CA").selfSigned(caKey).ca(null)
            .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7))).build();
    Certificate leaf =
        CertificateBuilder.certificate("127.0.0.1").key(leafKey).issuedBy(ca, caKey).serverAuth()
            .ipAddresses(List.of(LOOPBACK)).validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7))).build();
    caPem = Files.writeString(site.resolve("ca.pem"), ca.pem());
    leafPem = Files.writeString(site.resolve("server.crt"), leaf.pem());
    Files.write(site.resolve("server.key"), leafKey.pkcs8Pem());
    Files.writeString(site.resolve("server-fullchain.crt"), leaf.pem() + ca.pem());
    server = OpenSslServer.start(new Store(site), LOOPBACK, site);
  }

  @AfterAll
  static void stopAndCheckTheMachineIsUntouched() throws IOException {
    if (server != null) {
      server.close();
    }
    if (machineBefore != null) {
      assertThat(digest(MACHINE_TRUST)).as("this machine's own trust stores after the suite").isEqualTo(machineBefore);
    }
  }

  @Test
  void testSystemAndJavaOnDebian_clientsTrustTheSiteAfterInstallAndRefuseItAfterUninstall() {
    requireDebianWithCaCertificatesJava();
    TrustNamespace ns = TrustNamespace.copyOfThisMachine(dir, true);
    assertRefused(ns, "before any install");

    ProcessResult install = ns.run(TrustNamespace.java(InstallDriver.class, "--system", "--java", "web-1a2b3c4d-ca=" + caPem));

    assertThat(install.assertSucceeded().stdout())
        .contains("note: Java's /etc/ssl/certs/java/cacerts is rebuilt by update-ca-certificates")
        .contains("installed system web-1a2b3c4d-ca sha256:");
    assertThat(dir.resolve("local-ca-certificates/hostpki-web-1a2b3c4d-ca.crt")).hasContent(read(caPem));
    assertAccepted(ns);

    ProcessResult uninstall = ns.run(TrustNamespace.java(InstallDriver.class, "--system", "--java"));

    assertThat(uninstall.assertSucceeded().stdout()).contains("target system holds 0");
    assertRefused(ns, "after the uninstall");
    assertThat(dir.resolve("etc-ssl-certs")).isDirectoryNotContaining("glob:**/hostpki-*"); // no dangling links
  }

  @Test
  void testJavaStoreOfItsOwn_aNewJvmTrustsTheSiteThenRefusesIt() {
    // Without the jks-keystore hook nothing rebuilds cacerts: it is a store of its own. Made a
    // PKCS#12 file without a password, as JDK 18+ ship theirs, it must stay readable so.
    TrustNamespace ns = TrustNamespace.copyOfThisMachine(dir, false);
    Path cacerts = ns.javaKeystore();
    Path p12 = dir.resolve("cacerts.p12");
    Command.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
            "-importkeystore", "-noprompt", "-srckeystore", cacerts.toString(), "-srcstorepass", "changeit",
            "-destkeystore", p12.toString(), "-deststoretype", "pkcs12", "-deststorepass", "changeit")
        .run()
        .assertSucceeded();
    move(p12, cacerts);

    ProcessResult install = ns.run(TrustNamespace.java(InstallDriver.class, "--java", "web-1a2b3c4d-ca=" + caPem));

    assertThat(install.assertSucceeded().stdout()).contains("installed java:/etc/ssl/certs/java/cacerts web-1a2b3c4d-ca sha256:");
    assertThat(probe(ns).assertSucceeded().stdout()).contains("status 200");
    ns.run(TrustNamespace.java(InstallDriver.class, "--java")).assertSucceeded();
    assertThat(probe(ns).assertFailed().stdout()).contains("PKIX path building failed");
  }

  @Test
  void testNss_certutilListsItAndChromiumLoadsThePageThenRefusesIt() throws IOException {
    Path home = dir.resolve("home");
    Path db = home.resolve(".pki/nssdb");
    NssDatabase.create(db);

    ProcessResult install = Command.of(TrustNamespace.java(InstallDriver.class, "--nss", db.toString(), "web-1a2b3c4d-ca=" + caPem)).run();

    assertThat(install.assertSucceeded().stdout()).contains("installed nss:" + db + " web-1a2b3c4d-ca sha256:");
    assertThat(Tool.CERTUTIL.command("-d", "sql:" + db, "-L").run().assertSucceeded().stdout())
        .containsPattern("hostpki-web-1a2b3c4d-ca [0-9a-f]{16} +C,,");
    assertThat(chromium(home, "installed").stdout()).contains(OpenSslServer.PAGE_MARKER);

    Command.of(TrustNamespace.java(InstallDriver.class, "--nss", db.toString())).run().assertSucceeded();

    ProcessResult refused = chromium(home, "uninstalled");
    assertThat(refused.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
    assertThat(refused.stderr()).contains("ERR_CERT_AUTHORITY_INVALID");
  }

  /**
   * {@code mkcert -install} and {@code -uninstall} in the same kind of namespace. Its install
   * reaches curl, OpenSSL and Java as hostpki's does; its uninstall runs update-ca-certificates
   * without --fresh and never tells ca-certificates-java, so Java keeps trusting the CA it
   * removed and /etc/ssl/certs keeps dangling links — hostpki's uninstall leaves neither.
   */
  @Test
  void testMkcert_sameInstallButJavaStillTrustsItsCaAfterUninstall() throws IOException {
    requireDebianWithCaCertificatesJava();
    String mkcert = Tool.MKCERT.require().toString();
    TrustNamespace ns = TrustNamespace.copyOfThisMachine(dir, true);
    Path caroot = Files.createDirectories(dir.resolve("mkcert"));
    List<String> env = List.of("env", "CAROOT=" + caroot, "HOME=" + dir.resolve("home"), "JAVA_HOME=" + System.getProperty("java.home"));
    List<String> install = new ArrayList<>(env);
    install.addAll(List.of(mkcert, "-install"));
    ns.run(install).assertSucceeded();
    Path mkcertLeaf = dir.resolve("mkcert-site");
    Files.createDirectories(mkcertLeaf);
    Command.of(mkcert, "-cert-file", mkcertLeaf.resolve("server.crt").toString(), "-key-file",
            mkcertLeaf.resolve("server.key").toString(), "127.0.0.1")
        .env("CAROOT", caroot.toString()).run().assertSucceeded();
    Files.writeString(mkcertLeaf.resolve("server-fullchain.crt"), read(mkcertLeaf.resolve("server.crt")) + read(caroot.resolve("rootCA.pem")));

    try (OpenSslServer mkcertSite = OpenSslServer.start(new Store(mkcertLeaf), LOOPBACK, mkcertLeaf)) {
      String url = "https://127.0.0.1:" + mkcertSite.port() + "/";
      assertThat(ns.run("curl", "-sS", "--max-time", "10", url).assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      assertThat(ns.run(TrustNamespace.java(HttpsProbe.class, url)).assertSucceeded().stdout()).contains("status 200");

      List<String> uninstall = new ArrayList<>(env);
      uninstall.addAll(List.of(mkcert, "-uninstall"));
      ns.run(uninstall).assertSucceeded();

      assertThat(ns.run("curl", "-sS", "--max-time", "10", url).exitCode()).isEqualTo(60);
      assertThat(ns.run(TrustNamespace.java(HttpsProbe.class, url)).stdout())
          .as("mkcert's uninstall leaves its CA in Java's cacerts (debian:mkcert_development_ca_*.pem)")
          .contains("status 200");
      assertThat(dir.resolve("etc-ssl-certs")).isDirectoryContaining("glob:**/mkcert_development_CA_*.pem");
    }
  }

  /**
   * hostpki itself, end to end: an apply with trust.install (system with Java's cacerts as one
   * target on Debian, and an NSS database) makes plain curl, openssl verify, a new JVM and
   * certutil trust the site hostpki's store serves; a second apply has nothing to do; removing
   * trust.install removes all of it again by the install record, and they refuse the site. A
   * second store installing into the same system store and NSS database keeps its own entries
   * (named with its own tag) through all of it.
   */
  @Test
  void testHostpkiApply_installsTheCaForEveryClientThenRemovesItWhenInstallGoes() throws IOException {
    requireDebianWithCaCertificatesJava();
    TrustNamespace ns = TrustNamespace.copyOfThisMachine(dir, true);
    Path store = dir.resolve("store");
    Path db = dir.resolve("home/.pki/nssdb");
    NssDatabase.create(db);
    String common =
        "apiVersion: hostpki/v1\nstore: {path: " + store + "}\nserver: {ipAddresses: [127.0.0.1]}\n";
    Path installing =
        Files.writeString(
            dir.resolve("host.yaml"),
            common + "trust:\n  install:\n    system: true\n    java: true\n    nss: [sql:" + db + "]\n");
    Path without = Files.writeString(dir.resolve("without.yaml"), common);
    Path mailStore = dir.resolve("mail/store");
    Path mail =
        Files.writeString(
            dir.resolve("mail.yaml"),
            "apiVersion: hostpki/v1\nstore: {path: " + mailStore + "}\nserver: {ipAddresses: [127.0.0.1]}\n"
                + "trust:\n  install:\n    system: true\n    nss: [sql:" + db + "]\n");
    String web = "hostpki-" + InstallTargets.storeTag(store) + "-";
    String other = "hostpki-" + InstallTargets.storeTag(mailStore) + "-";

    ProcessResult apply = ns.run(TrustNamespace.java(org.hostpki.cli.Main.class, "apply", "-f", installing.toString()));

    ProcessResult mailApply = ns.run(TrustNamespace.java(org.hostpki.cli.Main.class, "apply", "-f", mail.toString()));

    assertThat(apply.assertSucceeded().stdout())
        .contains("+ install/system/" + web + "ca ")
        .contains("+ install/nss:" + db + "/" + web + "ca ")
        .contains("is rebuilt by update-ca-certificates from the system store (ca-certificates-java)");
    assertThat(mailApply.assertSucceeded().stdout())
        .contains("+ install/system/" + other + "ca ")
        .contains("+ install/nss:" + db + "/" + other + "ca ")
        .doesNotContain("- install/");
    assertThat(Tool.CERTUTIL.command("-d", "sql:" + db, "-L").run().assertSucceeded().stdout())
        .containsPattern(web + "ca [0-9a-f]{16} +C,,")
        .containsPattern(other + "ca [0-9a-f]{16} +C,,");
    try (OpenSslServer site = OpenSslServer.start(new Store(store), LOOPBACK, dir)) {
      String url = "https://127.0.0.1:" + site.port() + "/";
      assertThat(ns.run("curl", "-sS", "--max-time", "10", url).assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      assertThat(ns.run(Tool.OPENSSL.require().toString(), "verify", store.resolve("server.crt").toString()).assertSucceeded().stdout())
          .contains(": OK");
      assertThat(ns.run(TrustNamespace.java(HttpsProbe.class, url)).assertSucceeded().stdout()).contains("status 200");
      assertThat(ns.run(TrustNamespace.java(org.hostpki.cli.Main.class, "apply", "-f", installing.toString())).assertSucceeded().stdout())
          .startsWith("No changes");

      ProcessResult prune = ns.run(TrustNamespace.java(org.hostpki.cli.Main.class, "apply", "-f", without.toString()));

      assertThat(prune.assertSucceeded().stdout())
          .contains("- install/system/" + web + "ca ")
          .contains("- install/nss:" + db + "/" + web + "ca ")
          .doesNotContain(other)
          .contains("Applied: the install targets changed");
      assertThat(ns.run("curl", "-sS", "--max-time", "10", url).exitCode()).isEqualTo(60);
      assertThat(ns.run(TrustNamespace.java(HttpsProbe.class, url)).assertFailed().stdout()).containsPattern("PKIX path (building|validation) failed");
      assertThat(Tool.CERTUTIL.command("-d", "sql:" + db, "-L").run().assertSucceeded().stdout())
          .doesNotContain(web)
          .containsPattern(other + "ca [0-9a-f]{16} +C,,");
      assertThat(dir.resolve("etc-ssl-certs")).isDirectoryNotContaining("glob:**/" + web + "*");
      assertThat(dir.resolve("local-ca-certificates").resolve(other + "ca.crt")).isRegularFile();
      assertThat(Files.isSymbolicLink(dir.resolve("etc-ssl-certs").resolve(other + "ca.pem"))).isTrue(); // into the namespace's view
      assertThat(Files.readString(store.resolve(".install/record.json"))).contains("\"targets\":[]");
      // The other store's entries, in the system store, Java's cacerts and NSS, are as it left them.
      assertThat(ns.run(TrustNamespace.java(org.hostpki.cli.Main.class, "apply", "-f", mail.toString())).assertSucceeded().stdout())
          .startsWith("No changes");
    }
  }

  private static void requireDebianWithCaCertificatesJava() {
    if (!Files.isExecutable(Path.of("/usr/sbin/update-ca-certificates"))) {
      Prerequisites.missing("update-ca-certificates is not installed (Debian package ca-certificates)");
    }
    if (!Files.isExecutable(Path.of("/etc/ca-certificates/update.d/jks-keystore"))) {
      Prerequisites.missing("Debian's jks-keystore hook is not installed (Debian package ca-certificates-java)");
    }
  }

  private void assertAccepted(TrustNamespace ns) {
    String url = url();
    assertThat(ns.run("curl", "-sS", "--max-time", "10", url).assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
    assertThat(ns.run(Tool.OPENSSL.require().toString(), "verify", leafPem.toString()).assertSucceeded().stdout()).contains(": OK");
    assertThat(probe(ns).assertSucceeded().stdout()).contains("status 200");
  }

  private void assertRefused(TrustNamespace ns, String when) {
    ProcessResult curl = ns.run("curl", "-sS", "--max-time", "10", url());
    assertThat(curl.exitCode()).as("curl %s: %s", when, curl).isEqualTo(60);
    ProcessResult verify = ns.run(Tool.OPENSSL.require().toString(), "verify", leafPem.toString());
    assertThat(verify.output()).as("openssl verify %s", when).contains("unable to get local issuer certificate");
    assertThat(verify.exitCode()).isNotZero();
    if (!when.startsWith("before")) {
      assertThat(probe(ns).assertFailed().stdout()).as("Java %s", when).contains("PKIX path building failed");
    }
  }

  private static String url() {
    return "https://127.0.0.1:" + server.port() + "/";
  }

  private static ProcessResult probe(TrustNamespace ns) {
    return ns.run(TrustNamespace.java(HttpsProbe.class, url()));
  }

  private ProcessResult chromium(Path home, String label) {
    return Tool.CHROMIUM.command("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-proxy-server", "--user-data-dir=" + dir.resolve("chromium-" + label),
            "--dump-dom", url())
        .env("HOME", home.toString())
        .timeout(Duration.ofSeconds(90))
        .run();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A digest of the trees: every name, link target, mode and file content. */
  private static String digest(List<Path> roots) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    TreeMap<String, String> entries = new TreeMap<>();
    for (Path root : roots) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.toList()) {
          String what;
          if (Files.isSymbolicLink(p)) {
            what = "link " + Files.readSymbolicLink(p);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            try (InputStream in = Files.newInputStream(p)) {
              what = "file " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
            } catch (java.security.NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          } else {
            what = "dir";
          }
          entries.put(p.toString(), what + " " + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        }
      }
    }
    entries.forEach((k, v) -> sha256.update((k + " " + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return entries.size() + " entries, sha256 " + HexFormat.of().formatHex(sha256.digest());
  }
}
