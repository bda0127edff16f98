package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileKind;
import org.hostpki.model.KeySpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.testkit.TestKeys;

/** A CA host for tests: its desired state (as YAML) and a store holding a CA and a few files. */
final class CaHost {
  static final String POLICY =
      "  policy: {allowedDomains: [\"*.fleet.test\", m1], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n";

  final Path dir;
  final DesiredState desired;
  KeyMaterial caKey;
  Certificate ca;

  private CaHost(Path dir, DesiredState desired) {
    this.dir = dir;
    this.desired = desired;
  }

  /** A CA host whose desired state has {@code caSection} under {@code ca:} (the policy, say). */
  static CaHost withCa(Path dir, String caSection) {
    String yaml =
        "apiVersion: hostpki/v1\n"
            + "store: {path: pki}\n"
            + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
            + "ca:\n"
            + "  subject: {commonName: Fleet CA}\n"
            + caSection
            + "server: {validity: 398d, renewBefore: 30d}\n";
    DesiredState desired =
        new DesiredStateLoader().loadString(dir.resolve("ca.yaml"), yaml).desiredState().orElseThrow();
    return new CaHost(dir, desired);
  }

  static CaHost withPolicy(Path dir) {
    return withCa(dir, POLICY);
  }

  Path store() {
    return desired.store().path();
  }

  /** Writes a store as apply would have: a CA valid from {@code now} for ten years, and others. */
  CaHost applied(Instant now) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    files.put("server.key", new StoreFile(KeyMaterial.generate(KeySpec.defaultSpec(), TestKeys.RANDOM).pkcs8Pem(), FileKind.PRIVATE_KEY));
    files.put("trust/ldap.crt", new StoreFile(newCa(now).pem().getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    write(files, now);
    return this;
  }

  /** As {@link #applied}, with a CA certificate that carries these name constraints. */
  CaHost appliedWithConstraints(Instant now, NameConstraints constraints) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    caKey = KeyMaterial.generate(KeySpec.defaultSpec(), TestKeys.RANDOM);
    ca =
        new CertificateIssuer(TestKeys.RANDOM)
            .selfSignedCa(Subject.commonName("Fleet CA"), caKey, now, Duration.ofDays(3650), Optional.of(constraints));
    write(files, now);
    return this;
  }

  /** A new CA in place of the old, every other file kept (as apply --replace ca does). */
  CaHost caReplaced(Instant now) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    new StoreDirectory(store(), Clock.fixed(now, ZoneOffset.UTC))
        .read()
        .files()
        .forEach((name, bytes) -> files.put(name, new StoreFile(bytes, StoreLayout.standard().kindOf(name))));
    newCa(now);
    write(files, now);
    return this;
  }

  /** The CA moved to a new one by a rotation: the old one stays as {@code ca-previous.crt}, without its key. */
  CaHost rotated(Instant now) {
    Certificate previous = ca;
    caReplaced(now);
    SortedMap<String, StoreFile> files = new TreeMap<>();
    new StoreDirectory(store(), Clock.fixed(now, ZoneOffset.UTC))
        .read()
        .files()
        .forEach((name, bytes) -> files.put(name, new StoreFile(bytes, StoreLayout.standard().kindOf(name))));
    files.put(
        StoreLayout.CA_PREVIOUS_CERT,
        new StoreFile(previous.pem().getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    write(files, now);
    return this;
  }

  private Certificate newCa(Instant now) {
    caKey = KeyMaterial.generate(KeySpec.defaultSpec(), TestKeys.RANDOM);
    ca = new CertificateIssuer(TestKeys.RANDOM).selfSignedCa(Subject.commonName("Fleet CA"), caKey, now, Duration.ofDays(3650));
    return ca;
  }

  private void write(SortedMap<String, StoreFile> files, Instant now) {
    files.put("ca.crt", new StoreFile(ca.pem().getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    files.put("ca.key", new StoreFile(caKey.pkcs8Pem(), FileKind.PRIVATE_KEY));
    new StoreDirectory(store(), Clock.fixed(now, ZoneOffset.UTC)).write(files, "{}".getBytes(StandardCharsets.UTF_8));
  }
}
