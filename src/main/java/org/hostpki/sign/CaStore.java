package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreLock;
import org.hostpki.store.StoreSnapshot;
import org.hostpki.store.StoreTidyUpException;

/**
 * The CA host's store as {@code sign} and {@code revoke} use it: the CA read and checked for
 * signing, the lock, and the commit of a new generation that carries every current file over
 * byte for byte and adds the command's records. One envelope for both commands (apply has its
 * own, in {@code Reconciler}).
 */
final class CaStore {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final DesiredState caHost;
  private final Clock clock;
  private final StoreDirectory directory;

  CaStore(DesiredState caHost, Clock clock) {
    this.caHost = caHost;
    this.clock = clock;
    this.directory = StoreDirectory.of(caHost, clock);
  }

  /** The CA certificate and its key, checked to be usable for signing now. */
  record SigningCa(Certificate certificate, KeyMaterial key) {}

  /** The command that works on the store, for messages. */
  enum Command {
    SIGN("sign", "signed"),
    REVOKE("revoke", "revoked");

    final String verb;
    final String done;

    Command(String verb, String done) {
      this.verb = verb;
      this.done = done;
    }
  }

  Path path() {
    return caHost.store().path();
  }

  StoreDirectory directory() {
    return directory;
  }

  StoreSnapshot read() {
    return directory.read();
  }

  /** The store's lock; see {@link StoreLock#acquire}. Makes the store directory: check the CA first. */
  StoreLock lock(Duration timeout, Command command) {
    return StoreLock.acquire(
        path(), timeout, "hostpki " + command.verb + ", pid " + ProcessHandle.current().pid(), clock);
  }

  /**
   * Commits the current files byte for byte plus {@code added} (public files, new or replacing
   * one of the same name); returns the generation. The current files are carried over from the
   * live generation by hard link, as apply does.
   *
   * @param notes gets the tidy-up problem when the commit succeeded but tidying up after it failed
   */
  String commit(
      StoreSnapshot snapshot, Map<String, byte[]> added, String metadata, List<String> notes) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    snapshot.files().forEach((name, bytes) -> files.put(name, new StoreFile(bytes, isSecret(name))));
    added.forEach((name, bytes) -> files.put(name, StoreFile.publicFile(bytes)));
    try {
      return directory.write(files, metadata.getBytes(StandardCharsets.UTF_8), snapshot);
    } catch (StoreTidyUpException e) {
      // Committed: the records are there. Only the tidying up failed; the next write finishes it.
      notes.add(e.getMessage());
      return e.generation();
    }
  }

  /** The store's rule: private keys and PKCS#12 files are written 0600. */
  private static boolean isSecret(String name) {
    // A dot-file in a set is apply's record of the PKCS#12 files, as private as they are.
    return name.endsWith(".key") || name.endsWith(".p12") || name.startsWith(".");
  }

  /** The store's CA, usable for signing now. */
  SigningCa ca(StoreSnapshot snapshot, Instant now, Command command) {
    Path store = path();
    Optional<byte[]> certFile = snapshot.file("ca.crt");
    Optional<byte[]> keyFile = snapshot.file("ca.key");
    if (certFile.isEmpty() || keyFile.isEmpty()) {
      throw new HostpkiException(
          "store " + store + " holds no CA yet (no " + (certFile.isEmpty() ? "ca.crt" : "ca.key")
              + "); run hostpki apply -f " + caHost.source() + " first, then " + command.verb);
    }
    Certificate cert;
    KeyMaterial key;
    try {
      cert = single(store.resolve("ca.crt"), Pem.readCertificates(certFile.get()), command);
    } catch (InvalidMaterialException e) {
      throw damaged(store.resolve("ca.crt"), e.getMessage(), command);
    }
    try {
      key = KeyMaterial.fromPem(keyFile.get());
    } catch (InvalidMaterialException e) {
      throw damaged(store.resolve("ca.key"), e.getMessage(), command);
    }
    if (!cert.facts().ca()) {
      throw damaged(store.resolve("ca.crt"), "is not a CA certificate (basicConstraints cA is not set)", command);
    }
    if (!key.matches(cert)) {
      throw damaged(store.resolve("ca.key"), "is not the key of ca.crt", command);
    }
    if (!now.isBefore(cert.facts().notAfter())) {
      throw new HostpkiException(
          store.resolve("ca.crt") + ": the CA certificate expired on "
              + DATE.format(cert.facts().notAfter()) + "; nothing was " + command.done + ": run hostpki apply -f "
              + caHost.source() + " to renew it, and give the hosts the new CA certificate to trust");
    }
    if (now.isBefore(cert.facts().notBefore())) {
      throw new HostpkiException(
          store.resolve("ca.crt") + ": the CA certificate is valid only from "
              + DATE.format(cert.facts().notBefore()) + "; check this host's clock");
    }
    return new SigningCa(cert, key);
  }

  private static Certificate single(Path file, List<Certificate> certificates, Command command) {
    if (certificates.size() != 1) {
      throw damaged(file, "holds " + certificates.size() + " certificates; exactly one is expected", command);
    }
    return certificates.get(0);
  }

  private static HostpkiException damaged(Path file, String reason, Command command) {
    return new HostpkiException(
        file + ": " + reason + "; the CA store is damaged: restore the file (from a backup or an"
            + " older generation of the store); nothing was " + command.done);
  }

  static String date(Instant instant) {
    return DATE.format(instant);
  }
}
