package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.SigningPolicy;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreLock;
import org.hostpki.store.StoreSnapshot;
import org.hostpki.store.StoreTidyUpException;

/**
 * Signs another host's request with the CA host's internal CA: checks it against {@code
 * ca.policy}, hands out the certificate already recorded for it when there is one, and otherwise
 * issues a server certificate and records it as {@code issued/SERIAL.crt} in a new store
 * generation, under the store's lock.
 */
public final class CaSigner {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Clock clock;
  private final SecureRandom random;

  public CaSigner(Clock clock, SecureRandom random) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * What a sign handed out.
   *
   * @param changed a new certificate was issued (false: the recorded one is handed out again)
   * @param ca the CA certificate that signed it, which completes the chain
   * @param generation the store generation that recorded it, when one was written
   * @param notes what the user should know: a shortened validity, a store left untidy
   */
  public record Signed(
      boolean changed,
      IssuedCertificate issued,
      Certificate ca,
      Optional<String> generation,
      List<String> notes) {
    public Signed {
      notes = List.copyOf(notes);
    }

    /** Leaf, then the CA: what the host installs as its external chain. */
    public List<Certificate> chain() {
      return List.of(issued.certificate(), ca);
    }

    /** The chain as PEM. */
    public String chainPem() {
      return Pem.certificates(chain());
    }
  }

  /**
   * What a sign would do: hand out {@code existing}, or issue a new certificate lasting {@code
   * validity}.
   */
  public record Preview(Optional<Signed> existing, IssuedValidity validity) {
    public boolean wouldIssue() {
      return existing.isEmpty();
    }
  }

  /**
   * Signs the request, or hands out the recorded certificate for it.
   *
   * @param caHost the CA host's desired state: its store, {@code ca.policy}, and {@code server}'s
   *     validity and renewBefore as the defaults for what it signs
   * @param validity {@code --validity}, when given
   * @param lockTimeout how long to wait for another writer of the CA store
   * @throws HostpkiException when the policy refuses the request, the CA is missing or unusable,
   *     or the store cannot be written; nothing was signed then
   */
  public Signed sign(
      DesiredState caHost, SignRequest request, Optional<Duration> validity, Duration lockTimeout) {
    StoreDirectory directory = StoreDirectory.of(caHost, clock);
    readCa(caHost, directory.read(), clock.instant()); // before the lock, which makes the store directory
    SigningPolicy policy = checkPolicy(caHost, request);
    try (StoreLock lock =
        StoreLock.acquire(
            caHost.store().path(), lockTimeout, "hostpki sign, pid " + ProcessHandle.current().pid(), clock)) {
      Instant now = clock.instant();
      StoreSnapshot snapshot = directory.read();
      Ca ca = readCa(caHost, snapshot, now);
      Optional<IssuedCertificate> existing =
          IssuedCertificates.reusable(
              IssuedCertificates.read(snapshot, caHost.store().path()),
              request, ca.certificate(), now, caHost.server().renewBefore());
      if (existing.isPresent()) {
        return new Signed(false, existing.get(), ca.certificate(), Optional.empty(), List.of());
      }
      IssuedValidity chosen =
          IssuedValidity.choose(
              validity, caHost.server(), Optional.of(policy), now, ca.certificate().facts().notAfter());
      IssuedCertificate issued =
          IssuedCertificate.of(
              new CertificateIssuer(random)
                  .server(request.profile(chosen.validity()), request.publicKey(), ca.certificate(), ca.key(), now));
      List<String> notes = new ArrayList<>();
      chosen.note().ifPresent(notes::add);
      String generation = record(directory, snapshot, issued, request, now, notes);
      return new Signed(true, issued, ca.certificate(), Optional.of(generation), notes);
    }
  }

  /** Checks the request and looks for a recorded certificate; writes nothing, takes no lock. */
  public Preview check(DesiredState caHost, SignRequest request, Optional<Duration> validity) {
    Instant now = clock.instant();
    StoreSnapshot snapshot = StoreDirectory.of(caHost, clock).read();
    Ca ca = readCa(caHost, snapshot, now);
    SigningPolicy policy = checkPolicy(caHost, request);
    Optional<Signed> existing =
        IssuedCertificates.reusable(
                IssuedCertificates.read(snapshot, caHost.store().path()),
                request, ca.certificate(), now, caHost.server().renewBefore())
            .map(i -> new Signed(false, i, ca.certificate(), Optional.empty(), List.of()));
    return new Preview(
        existing,
        IssuedValidity.choose(
            validity, caHost.server(), Optional.of(policy), now, ca.certificate().facts().notAfter()));
  }

  private static SigningPolicy checkPolicy(DesiredState caHost, SignRequest request) {
    Optional<SigningPolicy> policy = caHost.ca().policy();
    if (policy.isEmpty()) {
      throw new HostpkiException(
          "refused: " + caHost.source() + " has no ca.policy, and hostpki sign issues nothing"
              + " without one (default deny); nothing was signed for " + request.source()
              + ". Declare what this CA may sign, e.g.",
          List.of(
              "ca:",
              "  policy: {allowedDomains: [\"*.corp.example\"], allowedNetworks: [192.0.2.0/24],"
                  + " maxValidity: 90d}"));
    }
    List<PolicyViolation> violations = new ArrayList<>(request.problems());
    violations.addAll(PolicyCheck.violations(policy.get(), request));
    if (!violations.isEmpty()) {
      throw refused(caHost, request, violations);
    }
    return policy.get();
  }

  /**
   * Everything refused, in one error: a line for each, then what was not signed and what would
   * help — a new request for what hostpki never issues, a broader ca.policy for the rest.
   */
  private static HostpkiException refused(
      DesiredState caHost, SignRequest request, List<PolicyViolation> violations) {
    List<String> details = new ArrayList<>();
    violations.stream().skip(1).forEach(v -> details.add(v.message()));
    boolean byPolicy = violations.stream().anyMatch(PolicyViolation::policy);
    boolean byRequest = violations.stream().anyMatch(v -> !v.policy());
    String help =
        byRequest && byPolicy
            ? "; make a new request on the host without what hostpki never issues, and extend"
                + " ca.policy in " + caHost.source() + " to allow the rest"
            : byRequest
                ? "; make a new request on the host without it"
                : "; to allow it, extend ca.policy in " + caHost.source();
    details.add(
        "nothing was signed for " + request.source() + " ("
            + (request.subjectDn().isEmpty() ? "empty subject" : request.subjectDn()) + ")" + help);
    return new HostpkiException(violations.get(0).message(), details);
  }

  private record Ca(Certificate certificate, KeyMaterial key) {}

  /** The store's CA, usable for signing now. */
  private static Ca readCa(DesiredState caHost, StoreSnapshot snapshot, Instant now) {
    Path store = caHost.store().path();
    Optional<byte[]> certFile = snapshot.file("ca.crt");
    Optional<byte[]> keyFile = snapshot.file("ca.key");
    if (certFile.isEmpty() || keyFile.isEmpty()) {
      throw new HostpkiException(
          "store " + store + " holds no CA yet (no " + (certFile.isEmpty() ? "ca.crt" : "ca.key")
              + "); run hostpki apply -f " + caHost.source() + " first, then sign");
    }
    Certificate cert;
    KeyMaterial key;
    try {
      cert = single(store.resolve("ca.crt"), Pem.readCertificates(certFile.get()));
    } catch (InvalidMaterialException e) {
      throw damaged(store.resolve("ca.crt"), e.getMessage());
    }
    try {
      key = KeyMaterial.fromPem(keyFile.get());
    } catch (InvalidMaterialException e) {
      throw damaged(store.resolve("ca.key"), e.getMessage());
    }
    if (!cert.facts().ca()) {
      throw damaged(store.resolve("ca.crt"), "is not a CA certificate (basicConstraints cA is not set)");
    }
    if (!key.matches(cert)) {
      throw damaged(store.resolve("ca.key"), "is not the key of ca.crt");
    }
    if (!now.isBefore(cert.facts().notAfter())) {
      throw new HostpkiException(
          store.resolve("ca.crt") + ": the CA certificate expired on "
              + DATE.format(cert.facts().notAfter()) + "; nothing was signed: run hostpki apply -f "
              + caHost.source() + " to renew it, and give the hosts the new CA certificate to trust");
    }
    if (now.isBefore(cert.facts().notBefore())) {
      throw new HostpkiException(
          store.resolve("ca.crt") + ": the CA certificate is valid only from "
              + DATE.format(cert.facts().notBefore()) + "; check this host's clock");
    }
    return new Ca(cert, key);
  }

  private static Certificate single(Path file, List<Certificate> certificates) {
    if (certificates.size() != 1) {
      throw damaged(file, "holds " + certificates.size() + " certificates; exactly one is expected");
    }
    return certificates.get(0);
  }

  private static HostpkiException damaged(Path file, String reason) {
    return new HostpkiException(
        file + ": " + reason + "; the CA store is damaged: restore the file (from a backup or an"
            + " older generation of the store); nothing was signed");
  }

  /**
   * Commits the current files byte for byte plus the new record; returns the generation. The
   * current files are carried over from the live generation by hard link, as apply does.
   */
  private static String record(
      StoreDirectory directory,
      StoreSnapshot snapshot,
      IssuedCertificate issued,
      SignRequest request,
      Instant now,
      List<String> notes) {
    if (snapshot.files().containsKey(issued.fileName())) {
      throw new IllegalStateException("serial " + issued.serial() + " is already recorded");
    }
    SortedMap<String, StoreFile> files = new TreeMap<>();
    snapshot.files().forEach((name, bytes) -> files.put(name, new StoreFile(bytes, isSecret(name))));
    files.put(
        issued.fileName(),
        StoreFile.publicFile(issued.certificate().pem().getBytes(StandardCharsets.US_ASCII)));
    byte[] metadata =
        new JsonWriter()
            .beginObject()
            .field("time", now)
            .name("sign")
            .beginObject()
            .field("serial", issued.serial())
            .field("subject", issued.facts().subjectDn())
            .field("request", request.source().toString())
            .endObject()
            .endObject()
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    try {
      return directory.write(files, metadata, snapshot);
    } catch (StoreTidyUpException e) {
      // Committed: the record is there. Only the tidying up failed; the next write finishes it.
      notes.add(e.getMessage());
      return e.generation();
    }
  }

  /** The store's rule: private keys and PKCS#12 files are written 0600. */
  private static boolean isSecret(String name) {
    // A dot-file in a set is apply's record of the PKCS#12 files, as private as they are.
    return name.endsWith(".key") || name.endsWith(".p12") || name.startsWith(".");
  }
}
