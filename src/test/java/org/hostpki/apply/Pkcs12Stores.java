package org.hostpki.apply;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;
import org.hostpki.testkit.DesiredStates;

/**
 * Stores with PKCS#12 files, applied on Jimfs, for the tests of the record of what they hold. The
 * password is {@value #PASSWORD}, from environment variable PW; WRONG holds another one.
 */
final class Pkcs12Stores implements AutoCloseable {
  static final String PASSWORD = "pw";
  static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  final Path store = fs.getPath("/var/lib/hostpki");
  HostIdentity host = identity("192.0.2.10");

  static HostIdentity identity(String... addresses) {
    return new HostIdentity(
        "portal",
        Optional.of("example.com"),
        List.of(addresses).stream().map(a -> IpAddresses.parse(a).orElseThrow()).toList());
  }

  Reconciler reconciler() {
    return new Reconciler(
        spec -> host,
        Clock.fixed(T0, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", PASSWORD, "WRONG", "not the password")),
        new Hooks(new PrintWriter(new StringWriter(), true)));
  }

  /** The desired state with a trusted certificate "ldap", so the trust store has two entries. */
  DesiredState desired(Pkcs12Profile profile, Optional<String> passwordVariable)
      throws IOException {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Path file = fs.getPath("/etc/hostpki/ldap.pem");
    if (!Files.exists(file)) {
      Certificate ldap =
          new CertificateIssuer(new SecureRandom())
              .selfSignedCa(Subject.commonName("LDAP CA"), key, T0, Duration.ofDays(800));
      Files.createDirectories(file.getParent());
      Files.writeString(file, ldap.pem());
    }
    TrustSpec trust =
        new TrustSpec(
            true,
            true,
            List.of(
                new TrustedCertificateSource(
                    "ldap",
                    new TrustedCertificateSource.Content.FromFile(file),
                    new SourcePosition(file, 1, 1))),
            List.of());
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, passwordVariable.map(PasswordSource.Env::new), profile),
        HostSpec.defaults(),
        CaSpec.defaults(),
        ServerSpec.defaults(),
        trust,
        HooksSpec.none());
  }

  DesiredState desired(Pkcs12Profile profile) throws IOException {
    return desired(profile, Optional.of("PW"));
  }

  Reconciler.Result apply(DesiredState desired) {
    return reconciler().apply(desired, Set.of(), Optional.empty(), Duration.ZERO);
  }

  StoreSnapshot read() {
    return new StoreDirectory(store, Clock.fixed(T0, ZoneOffset.UTC)).read();
  }

  /** Commits a new generation with exactly these files, as a hand edit or an old version would. */
  void write(SortedMap<String, byte[]> files) {
    SortedMap<String, StoreFile> set = new TreeMap<>();
    files.forEach((n, b) -> set.put(n, new StoreFile(b, StoreLayout.standard().kindOf(n))));
    new StoreDirectory(store, Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC))
        .write(set, "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** A snapshot like this one with one file replaced (null: removed). */
  static StoreSnapshot with(StoreSnapshot snapshot, String name, byte[] content) {
    SortedMap<String, byte[]> files = new TreeMap<>(snapshot.files());
    if (content == null) {
      files.remove(name);
    } else {
      files.put(name, content);
    }
    return new StoreSnapshot(
        true, snapshot.generation(), files, StoreSnapshot.fingerprintOf(files));
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
