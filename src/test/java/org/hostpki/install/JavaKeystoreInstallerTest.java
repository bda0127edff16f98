package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.install.DebianSystemTrustTest.desired;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.UnprotectedPkcs12;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Java trust store of its own: JKS, PKCS#12 with a password, PKCS#12 without one (JDK 18+). */
class JavaKeystoreInstallerTest {
  private static final char[] CHANGEIT = "changeit".toCharArray();

  @TempDir Path dir;
  private final Certificate foreign = TestCa.selfSignedRoot("Foreign Root");
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");
  private final Certificate next = TestCa.selfSignedRoot("hostpki Test CA");

  private JavaKeystoreInstaller installer(Path file) {
    return new JavaKeystoreInstaller(file, Optional.of(CHANGEIT), HostTree.EVERY_NAME);
  }

  @Test
  void testApply_jksGetsTheAliasAndKeepsItsOtherEntriesFormAndMode() throws Exception {
    Path cacerts = store("JKS", "cacerts", Map.of("foreignroot", foreign));
    Files.setPosixFilePermissions(cacerts, PosixFilePermissions.fromString("rw-r-----"));

    InstallObservation after = installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca));

    KeyStore read = load("JKS", cacerts, CHANGEIT);
    assertThat(Collections.list(read.aliases())).containsExactlyInAnyOrder("foreignroot", "hostpki-web-1a2b3c4d-ca");
    assertThat(read.isCertificateEntry("hostpki-web-1a2b3c4d-ca")).isTrue();
    assertThat(Fingerprint.sha256(read.getCertificate("foreignroot").getEncoded())).isEqualTo(foreign.fingerprint());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacerts))).isEqualTo("rw-r-----");
    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    // no temporary file left; the lock that keeps two stores' applies apart stays
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder("cacerts", ".cacerts.hostpki.lock");
  }

  /**
   * Two stores installing into one Java trust store: each read the file, added its alias and
   * renamed its copy over it, so the later rename dropped the other's entry. An apply now waits
   * while another holds the file's lock (here this test), then keeps what that one put there.
   */
  @Test
  void testApply_waitsWhileAnotherStoreHoldsTheFilesLockAndKeepsItsEntry() throws Exception {
    Path cacerts = store("JKS", "cacerts", Map.of("foreignroot", foreign));
    JavaKeystoreInstaller web = new JavaKeystoreInstaller(cacerts, Optional.of(CHANGEIT), n -> n.startsWith("web-"));
    JavaKeystoreInstaller mail = new JavaKeystoreInstaller(cacerts, Optional.of(CHANGEIT), n -> n.startsWith("mail-"));
    java.util.concurrent.CompletableFuture<InstallObservation> mailApply;
    try (TargetLock held = TargetLock.hold(web.target(), web.lockFile(), TargetLock.WAIT)) {
      mailApply = java.util.concurrent.CompletableFuture.supplyAsync(() -> mail.apply(desired("mail-5e6f7a8b-ca", next)));
      Thread.sleep(300);
      assertThat(mailApply).as("an apply while another store holds the lock").isNotDone();
      web.apply(desired("web-1a2b3c4d-ca", ca)); // the holder itself goes on (the lock is reentrant in its thread)
    }

    assertThat(mailApply.get(1, java.util.concurrent.TimeUnit.MINUTES).entries()).containsOnlyKeys("mail-5e6f7a8b-ca");
    KeyStore read = load("JKS", cacerts, CHANGEIT);
    assertThat(Collections.list(read.aliases()))
        .containsExactlyInAnyOrder("foreignroot", "hostpki-web-1a2b3c4d-ca", "hostpki-mail-5e6f7a8b-ca");
  }

  @Test
  void testApply_rotationReplacesAndRemovesOnlyHostpkiAliases() throws Exception {
    Path cacerts = store("JKS", "cacerts", Map.of("foreignroot", foreign, "hostpkiish", foreign));
    installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-ca-next", next));

    installer(cacerts).apply(desired("web-1a2b3c4d-ca", next, "web-1a2b3c4d-ca-previous", ca));
    InstallObservation end = installer(cacerts).apply(new TreeMap<>());

    assertThat(end.entries()).isEmpty();
    assertThat(Collections.list(load("JKS", cacerts, CHANGEIT).aliases())).containsExactlyInAnyOrder("foreignroot", "hostpkiish");
  }

  @Test
  void testApply_anotherStoresEntriesAreNeitherSeenNorChanged() throws Exception {
    Path cacerts = store("JKS", "cacerts", Map.of("hostpki-mail-0badcafe-ca", foreign));
    JavaKeystoreInstaller web = new JavaKeystoreInstaller(cacerts, Optional.of(CHANGEIT), n -> n.startsWith("web-1a2b3c4d-"));

    assertThat(web.observe().entries()).isEmpty();
    web.apply(desired("web-1a2b3c4d-ca", ca));
    InstallObservation end = web.apply(new TreeMap<>());

    assertThat(end.entries()).isEmpty();
    KeyStore read = load("JKS", cacerts, CHANGEIT);
    assertThat(Collections.list(read.aliases())).containsExactly("hostpki-mail-0badcafe-ca");
    assertThat(Fingerprint.sha256(read.getCertificate("hostpki-mail-0badcafe-ca").getEncoded())).isEqualTo(foreign.fingerprint());
  }

  @Test
  void testApply_pkcs12WithAPasswordStaysSo() throws Exception {
    Path cacerts = store("PKCS12", "cacerts.p12", Map.of("foreignroot", foreign));

    installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca));

    byte[] bytes = Files.readAllBytes(cacerts);
    assertThat(UnprotectedPkcs12.isUnprotected(bytes)).isFalse();
    assertThat(Collections.list(load("PKCS12", cacerts, CHANGEIT).aliases())).containsExactlyInAnyOrder("foreignroot", "hostpki-web-1a2b3c4d-ca");
  }

  @Test
  void testApply_pkcs12WithoutAPasswordStaysWithoutOne() throws Exception {
    Path cacerts = dir.resolve("cacerts");
    Files.write(cacerts, UnprotectedPkcs12.trustStore(new TreeMap<>(Map.of("digicertglobalrootca [jdk]", foreign))));

    installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(UnprotectedPkcs12.isUnprotected(Files.readAllBytes(cacerts))).isTrue();
    KeyStore read = load("PKCS12", cacerts, null); // how JDK 18+ reads its cacerts: no password
    assertThat(Collections.list(read.aliases())).containsExactlyInAnyOrder("digicertglobalrootca [jdk]", "hostpki-web-1a2b3c4d-ca");
    assertThat(read.isCertificateEntry("hostpki-web-1a2b3c4d-ca")).isTrue();
  }

  @Test
  void testApply_followsALinkAndReplacesTheFileItNames() throws Exception {
    Path real = store("JKS", "real-cacerts", Map.of("foreignroot", foreign));
    Path link = Files.createSymbolicLink(dir.resolve("cacerts"), real);

    installer(KeystorePlace.find(link)).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Collections.list(load("JKS", real, CHANGEIT).aliases())).contains("hostpki-web-1a2b3c4d-ca");
  }

  /**
   * rvsec12 F2: an app user's own JDK keeps cacerts in a folder of theirs, and root's apply
   * followed a link they put there: {@code cacerts -> } a trust store of root's (here one beside
   * it; /etc/ssl/certs/java/cacerts on a host), which root read and replaced with what it holds plus
   * hostpki's entry. A link in a folder another user may change is refused now, and the file it
   * leads to is left as it was.
   */
  @Test
  void testApply_aLinkTheFoldersOwnerMayChangeIsNotFollowed() throws Exception {
    assumeRoot();
    Path roots = store("JKS", "roots-cacerts", Map.of("foreignroot", foreign));
    byte[] before = Files.readAllBytes(roots);
    Path app = appFolder("app");
    Path link = Files.createSymbolicLink(app.resolve("cacerts"), roots);

    assertThatThrownBy(() -> installer(link).apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(link + " leads through the symbolic link " + link + " in " + app + ", which nobody may"
            + " change: nobody could point it at any file")
        .hasMessageContaining("Name the trust store itself (the link leads to " + roots + " now)");
    assertThat(Files.readAllBytes(roots)).isEqualTo(before);
    assertThatThrownBy(() -> KeystorePlace.find(link)).hasMessageContaining("which nobody may change");
  }

  /**
   * An app's own JDK, every folder from {@code app} down and the trust store nobody's (the guide's
   * /opt/app/jre/lib/security/cacerts): the last wave refused it, since nobody could swap a folder
   * on the way for a link; the way is opened without following links now, and the store installed
   * into, still nobody's and 0640, with its lock beside it.
   */
  @Test
  void testApply_aTrustStoreBelowFoldersOfAnotherUsersIsInstalledAndStaysTheirs() throws Exception {
    assumeRoot();
    Path cacerts = appJdk();
    Files.setPosixFilePermissions(cacerts, PosixFilePermissions.fromString("rw-r-----"));

    InstallObservation after = installer(KeystorePlace.find(cacerts)).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.entries()).containsOnlyKeys("web-1a2b3c4d-ca");
    assertThat(Collections.list(load("JKS", cacerts, CHANGEIT).aliases())).contains("foreignroot", "hostpki-web-1a2b3c4d-ca");
    assertThat(Files.getOwner(cacerts, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacerts))).isEqualTo("rw-r-----");
    assertThat(cacerts.getParent().toFile().list()).containsExactlyInAnyOrder("cacerts", ".cacerts.hostpki.lock");
    assertThat(installer(cacerts).observe().entries()).containsOnlyKeys("web-1a2b3c4d-ca");
  }

  /**
   * nobody swaps {@code jdk}, a folder of theirs on the way, for a link to a folder of root's
   * holding a trust store of root's, after apply looked at the way: followed, root would read that
   * store and replace it with hostpki's entry added. The link is met as a link and refused, and
   * root's folder is left as it was (no lock file, no temporary file).
   */
  @Test
  void testApply_aFolderOnTheWaySwappedForALinkIsRefused() throws Exception {
    assumeRoot();
    Path cacerts = appJdk();
    Path app = dir.resolve("app");
    Path roots = Files.createDirectories(dir.resolve("roots/lib/security"));
    Path rootsStore = Files.copy(cacerts, roots.resolve("cacerts"));
    byte[] before = Files.readAllBytes(rootsStore);
    JavaKeystoreInstaller installer = installer(KeystorePlace.find(cacerts));
    KeystorePlace.afterOpen = folder -> {
      if (folder.equals(app)) {
        try { // as nobody may: rename their folder, put a link in its place
          Files.move(app.resolve("jdk"), app.resolve("jdk.old"));
          Files.createSymbolicLink(app.resolve("jdk"), dir.resolve("roots"));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try {
      assertThatThrownBy(() -> installer.apply(desired("web-1a2b3c4d-ca", ca)))
          .isInstanceOf(InstallException.class)
          .hasMessageContaining(app.resolve("jdk") + " is a symbolic link now, put there after hostpki looked at the"
              + " way (" + app + " belongs to nobody, who may change the names in it). hostpki (as root) did not"
              + " follow it, and nothing was changed");
    } finally {
      KeystorePlace.afterOpen = folder -> { };
    }
    assertThat(Files.readAllBytes(rootsStore)).isEqualTo(before);
    assertThat(roots.toFile().list()).containsExactly("cacerts");
  }

  /** {@code app/jdk/lib/security/cacerts}, a JKS trust store, every name from {@code app} down nobody's. */
  private Path appJdk() throws IOException, GeneralSecurityException {
    Path app = appFolder("app");
    Path security = Files.createDirectories(app.resolve("jdk/lib/security"));
    for (Path p = security; !p.equals(app); p = p.getParent()) {
      Files.setOwner(p, nobody());
    }
    Path cacerts = Files.move(store("JKS", "cacerts", Map.of("foreignroot", foreign)), security.resolve("cacerts"));
    Files.setOwner(cacerts, nobody());
    return cacerts;
  }

  /** The app's own cacerts in its own folder: installed into, and still the app's. */
  @Test
  void testApply_aTrustStoreInAFolderOfAnotherUsersStaysTheirs() throws Exception {
    assumeRoot();
    Path app = appFolder("app");
    Path cacerts = Files.move(store("JKS", "cacerts", Map.of("foreignroot", foreign)), app.resolve("cacerts"));
    Files.setOwner(cacerts, nobody());

    installer(KeystorePlace.find(cacerts)).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(Collections.list(load("JKS", cacerts, CHANGEIT).aliases())).contains("hostpki-web-1a2b3c4d-ca");
    assertThat(Files.getOwner(cacerts, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody());
    assertThat(app.toFile().list()).containsExactlyInAnyOrder("cacerts", ".cacerts.hostpki.lock");
  }

  private static void assumeRoot() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
  }

  private java.nio.file.attribute.UserPrincipal nobody() throws IOException {
    return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
  }

  /** A folder of nobody's, 0755, in this test's own. */
  private Path appFolder(String name) throws IOException {
    Path app = Files.createDirectory(dir.resolve(name));
    Files.setOwner(app, nobody());
    return app;
  }

  @Test
  void testApply_whatIsAlreadyThereRewritesNothing() throws Exception {
    Path cacerts = store("JKS", "cacerts", Map.of("foreignroot", foreign));
    installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca));
    Object inode = Files.getAttribute(cacerts, "unix:ino");

    installer(cacerts).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(Files.getAttribute(cacerts, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void testObserve_wrongPasswordSaysWhereToSetIt() throws Exception {
    Path cacerts = store("PKCS12", "cacerts", Map.of("foreignroot", foreign));

    assertThatThrownBy(() -> new JavaKeystoreInstaller(cacerts, Optional.of("wrong".toCharArray()), HostTree.EVERY_NAME).observe())
        .isInstanceOf(InstallException.class)
        .hasMessage("install/java:" + cacerts + ": " + cacerts + ": the password is wrong (Java's default is changeit;"
            + " give the right one in trust.install.javaPassword)");
  }

  @Test
  void testObserve_missingFileIsAnError() {
    assertThatThrownBy(() -> installer(dir.resolve("nothing")).observe())
        .isInstanceOf(InstallException.class)
        .hasMessageEndingWith(dir.resolve("nothing") + " does not exist");
  }

  @Test
  void testObserve_notAKeyStoreIsAnError() throws IOException {
    Path garbage = Files.writeString(dir.resolve("cacerts"), "not a key store");

    assertThatThrownBy(() -> installer(garbage).observe())
        .hasMessageEndingWith(garbage + " is neither a JKS nor a PKCS#12 key store");
  }

  @Test
  void testApply_aKeyUnderAHostpkiAliasIsNeverReplaced() throws Exception {
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), random);
    Certificate owner = CertificateBuilder.certificate("Key Owner").selfSigned(key).build();
    Path p12 = Files.write(dir.resolve("keys.p12"), Pkcs12.keyStore("hostpki-web-1a2b3c4d-ca", key, List.of(owner), CHANGEIT, Pkcs12Profile.MODERN, random));
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(() -> installer(p12).apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("the alias hostpki-web-1a2b3c4d-ca holds a key, not a trusted certificate");
    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(installer(p12).observe().entries()).isEmpty();
  }

  private Path store(String type, String name, Map<String, Certificate> entries) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance(type);
    keyStore.load(null, null);
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (Map.Entry<String, Certificate> e : entries.entrySet()) {
      keyStore.setCertificateEntry(e.getKey(), x509.generateCertificate(new ByteArrayInputStream(e.getValue().der())));
    }
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      keyStore.store(out, CHANGEIT);
    }
    return file;
  }

  private static KeyStore load(String type, Path file, char[] password) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      keyStore.load(in, password);
    }
    return keyStore;
  }
}
