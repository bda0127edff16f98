package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DesiredStateContent;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.json.JsonWriter;
import org.hostpki.store.CompromisedKeyRecord;
import org.hostpki.store.Generation;
import org.hostpki.store.StoreCommit;
import org.hostpki.store.StoreSnapshot;

/**
 * Signs another host's request with the CA host's internal CA: checks it against {@code
 * ca.policy}, hands out the certificate already recorded for it when there is one, and otherwise
 * issues a server certificate and records it as {@code issued/SERIAL.crt} in a new store
 * generation, under the store's lock.
 */
public final class CaSigner {
  private final Clock clock;
  private final SecureRandom random;
  private final Optional<HostNames> hostNames;
  private final Consumer<String> waiting;

  public CaSigner(Clock clock, SecureRandom random) {
    this(clock, random, Optional.empty(), words -> {});
  }

  private CaSigner(
      Clock clock, SecureRandom random, Optional<HostNames> hostNames, Consumer<String> waiting) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.hostNames = hostNames;
    this.waiting = Objects.requireNonNull(waiting, "waiting");
  }

  /**
   * A signer that also refuses a request asking for a name or address beyond {@code names}, the
   * requesting host's own ({@code --names}).
   */
  public CaSigner limitedTo(HostNames names) {
    return new CaSigner(clock, random, Optional.of(names), waiting);
  }

  /** A signer that tells {@code waiting} whom it waits for when another writer holds the lock. */
  public CaSigner tellingWaits(Consumer<String> waiting) {
    return new CaSigner(clock, random, hostNames, waiting);
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
    CaStore store = new CaStore(caHost, clock);
    // Before the lock, which makes the store directory: a refusal needs no lock and writes nothing.
    StoreSnapshot before = store.read();
    checkPolicy(caHost, hostNames, request, store.ca(before, clock.instant(), CaStore.Command.SIGN),
        () -> compromisedKey(store, before, request));
    try (StoreCommit envelope = store.begin(lockTimeout, CaStore.Command.SIGN, waiting, before)) {
      Instant now = clock.instant();
      StoreSnapshot snapshot = envelope.live();
      CaStore.SigningCa ca = store.ca(snapshot, now, CaStore.Command.SIGN);
      SigningPolicy policy = // the CA may have changed meanwhile
          checkPolicy(caHost, hostNames, request, ca, () -> compromisedKey(store, snapshot, request));
      CompromisedKeys.Known compromised = CompromisedKeys.find(store, snapshot, List.of(), List.of(), random);
      List<String> notes = new ArrayList<>(compromised.notes());
      if (!compromised.found().isEmpty()) {
        try {
          CompromisedKeyRecord.add(store.directory().directory(), compromised.found(), random);
        } catch (HostpkiException e) {
          notes.add(e.getMessage() + "; this sign refused the keys all the same, and the next one looks again");
        }
      }
      IssuedCertificates.ForKey records = IssuedCertificates.forKey(snapshot, caHost.store().path(), request.publicKey());
      Optional<IssuedCertificate> existing =
          reusable(caHost, store, snapshot, compromised, records.records(), request, ca, now);
      if (existing.isPresent()) {
        return new Signed(false, existing.get(), ca.certificate(), Optional.empty(), notes);
      }
      IssuedValidity chosen =
          IssuedValidity.choose(
              validity, caHost.server(), Optional.of(policy), now, ca.certificate().facts().notAfter());
      IssuedCertificate issued =
          IssuedCertificate.of(
              new CertificateIssuer(random)
                  .server(
                      request.profile(chosen.validity()), request.publicKey(), ca.certificate(), ca.key(),
                      now, caHost.ca().crl().flatMap(CrlSpec::url).map(u -> u.forCa(ca.certificate().facts()))));
      if (snapshot.files().containsKey(issued.fileName())) {
        throw new IllegalStateException("serial " + issued.serial() + " is already recorded");
      }
      chosen.note().ifPresent(notes::add);
      String metadata =
          new JsonWriter()
              .beginObject()
              .field("time", now.toString())
              .field(Generation.DESIRED_STATE, caHost.source().toString())
              .field(Generation.DESIRED_STATE_DIGEST, DesiredStateContent.digest(caHost).hex())
              .name("sign")
              .beginObject()
              .field("serial", issued.serial())
              .field("subject", issued.facts().subjectDn())
              .field("request", request.source().toString())
              .endObject()
              .endObject()
              .toString();
      byte[] record = issued.certificate().pem().getBytes(StandardCharsets.US_ASCII);
      records.index().put(issued.fileName(), Fingerprint.sha256(record), request.publicKey().keyFingerprint());
      String generation =
          store.commit(
              envelope,
              Map.of(issued.fileName(), record, IssuedIndex.FILE, records.index().format()),
              metadata,
              notes);
      return new Signed(true, issued, ca.certificate(), Optional.of(generation), notes);
    }
  }

  /** Checks the request and looks for a recorded certificate; writes nothing, takes no lock. */
  public Preview check(DesiredState caHost, SignRequest request, Optional<Duration> validity) {
    Instant now = clock.instant();
    CaStore store = new CaStore(caHost, clock);
    StoreSnapshot snapshot = store.read();
    CaStore.SigningCa ca = store.ca(snapshot, now, CaStore.Command.SIGN);
    SigningPolicy policy = checkPolicy(caHost, hostNames, request, ca, () -> compromisedKey(store, snapshot, request));
    List<IssuedCertificate> records =
        IssuedCertificates.forKey(snapshot, caHost.store().path(), request.publicKey()).records();
    CompromisedKeys.Known compromised = CompromisedKeys.find(store, snapshot, List.of(), List.of(), random);
    Optional<Signed> existing =
        reusable(caHost, store, snapshot, compromised, records, request, ca, now)
            .map(i -> new Signed(false, i, ca.certificate(), Optional.empty(), List.of()));
    return new Preview(
        existing,
        IssuedValidity.choose(
            validity, caHost.server(), Optional.of(policy), now, ca.certificate().facts().notAfter()));
  }

  /**
   * The recorded certificate to hand out again, if any, among the records of the request's key
   * ({@code issued}); refuses a request for a key whose certificate was revoked for keyCompromise
   * by any CA of the store, the current one or one gone ({@code compromised}; as Let's Encrypt
   * blocks such keys), since a new certificate for it would be as compromised.
   */
  private static Optional<IssuedCertificate> reusable(
      DesiredState caHost,
      CaStore store,
      StoreSnapshot snapshot,
      CompromisedKeys.Known compromised,
      List<IssuedCertificate> issued,
      SignRequest request,
      CaStore.SigningCa ca,
      Instant now) {
    Optional<CompromisedKeyRecord.Entry> blocked = compromised.of(request.publicKey());
    if (blocked.isPresent()) {
      throw CompromisedKeys.refusal(blocked.get(), store, snapshot, ca, request);
    }
    Revocations revocations = Revocations.read(snapshot, caHost.store().path());
    List<IssuedCertificate> valid =
        issued.stream().filter(i -> revocations.entry(i.facts().serialNumber()).isEmpty()).toList();
    return IssuedCertificates.reusable(
        valid, request, ca.certificate(), now, caHost.server().renewBefore(), caHost.renewal().jitter());
  }

  /**
   * The line a policy refusal adds when the request's key was also revoked for keyCompromise
   * (ffleet17: a refusal named only the policy, and the operator who widened it met the second
   * refusal next). Reading the record is best effort: the sign that gets past the policy looks
   * again and refuses the key.
   */
  private Optional<String> compromisedKey(CaStore store, StoreSnapshot snapshot, SignRequest request) {
    try {
      return CompromisedKeys.find(store, snapshot, List.of(), List.of(), random).of(request.publicKey())
          .map(blocked -> "the request's key is also refused: " + CompromisedKeys.blockedBy(blocked, snapshot)
              + "; a new request needs a new key too (hostpki apply --replace server on that host makes both)");
    } catch (HostpkiException unreadable) {
      return Optional.empty();
    }
  }

  private static SigningPolicy checkPolicy(
      DesiredState caHost, Optional<HostNames> hostNames, SignRequest request, CaStore.SigningCa ca,
      Supplier<Optional<String>> compromisedKey) {
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
    hostNames.ifPresent(names -> violations.addAll(names.violations(request)));
    // A name the policy refuses already needs the policy changed: the constraints (by default
    // the policy's own fence) speak only of the names the policy allows.
    Set<String> refusedByPolicy =
        violations.stream().filter(PolicyViolation::policy).map(PolicyViolation::subject).collect(Collectors.toSet());
    Optional<NameConstraints> inCertificate = nameConstraints(caHost, ca.certificate());
    List<PolicyViolation> outsideCertificate =
        inCertificate
            .map(c -> PolicyCheck.violations(c, "the CA certificate's name constraints", request))
            .orElse(List.of())
            .stream()
            .filter(v -> !refusedByPolicy.contains(v.subject()))
            .toList();
    violations.addAll(outsideCertificate);
    caHost.ca().nameConstraints()
        .filter(declared -> !declared.isEmpty() && !inCertificate.equals(Optional.of(declared)))
        .ifPresent(
            declared ->
                PolicyCheck.violations(declared, "ca.nameConstraints", request).stream()
                    .filter(v -> !refusedByPolicy.contains(v.subject()))
                    .forEach(violations::add));
    if (!violations.isEmpty()) {
      throw refused(caHost, request, distinct(violations), !outsideCertificate.isEmpty(), compromisedKey.get());
    }
    return policy.get();
  }

  /** A name refused by policy and by constraints alike is listed once per reason, not twice per name. */
  private static List<PolicyViolation> distinct(List<PolicyViolation> violations) {
    return violations.stream().distinct().toList();
  }

  private static Optional<NameConstraints> nameConstraints(DesiredState caHost, Certificate ca) {
    try {
      return ca.nameConstraints();
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(
          caHost.store().path().resolve(StoreLayout.CA_CERT) + ": " + e.getMessage() + "; the CA store is"
              + " damaged: restore the file (from a backup or an older generation of the store);"
              + " nothing was signed");
    }
  }

  /**
   * Everything refused, in one error: a line for each, then what was not signed and what would
   * help — a new request for what hostpki never issues, a broader ca.policy for the rest.
   */
  private static HostpkiException refused(
      DesiredState caHost, SignRequest request, List<PolicyViolation> violations, boolean beyondCaCertificate,
      Optional<String> compromisedKey) {
    List<String> details = new ArrayList<>();
    violations.stream().skip(1).limit(MAX_LISTED - 1).forEach(v -> details.add(v.message()));
    if (violations.size() > MAX_LISTED) {
      details.add(unlisted(violations.subList(MAX_LISTED, violations.size()), violations.size()));
    }
    boolean byPolicy = violations.stream().anyMatch(PolicyViolation::policy);
    boolean byRequest = violations.stream().anyMatch(v -> !v.policy());
    String help =
        byRequest && byPolicy
            ? "; make a new request on the host without what hostpki never issues, and extend"
                + " ca.policy in " + caHost.source() + " to allow the rest"
            : byRequest
                ? "; make a new request on the host without it"
                : "; to allow it, extend ca.policy in " + caHost.source();
    String dn = request.subjectDn();
    details.add(
        "nothing was signed for " + request.source() + " ("
            + (dn.isEmpty() ? "empty subject" : shortened(dn))
            + ")" + help);
    compromisedKey.ifPresent(details::add);
    if (beyondCaCertificate) {
      // ca.policy allows the name (one it refuses is not listed for the constraints): the
      // operator who widened the policy needs the CA's constraints widened too, not a new request.
      details.add(
          "ca.policy allows what the CA certificate's name constraints refuse: they were fixed when"
              + " the CA was made; to sign it, declare ca.nameConstraints that allow it in "
              + caHost.source() + " (the CA is re-issued through its rotation: set ca.rotation.overlap"
              + " so that clients trust the new CA before it signs)");
    }
    return new HostpkiException(violations.get(0).message(), details);
  }

  /**
   * The most refusals listed for one request (as validate lists at most 100 problems per file): a
   * request for 900 names outside the policy printed 900 lines; the rest are counted in one.
   */
  static final int MAX_LISTED = 20;

  /** {@code and 880 more names outside ca.policy are not listed (900 refusals in all; only the first 20 are)} */
  private static String unlisted(List<PolicyViolation> rest, int all) {
    boolean names = rest.stream().allMatch(v -> v.subject().startsWith("dNSName ") || v.subject().startsWith("iPAddress "));
    String outside =
        rest.stream().allMatch(v -> v.reason().startsWith("is outside ca.policy"))
            ? " outside ca.policy"
            : rest.stream().allMatch(v -> v.reason().startsWith("is outside --names")) ? " outside --names" : "";
    return "and " + rest.size() + " more " + (names ? "names" : "refusals") + outside + " are not listed ("
        + all + " refusals in all; only the first " + MAX_LISTED + " are)";
  }

  /** A subject as shown in a refusal: its first 200 characters, and its length when longer. */
  private static String shortened(String dn) {
    int length = dn.codePointCount(0, dn.length());
    return length <= 200 ? dn : dn.substring(0, dn.offsetByCodePoints(0, 200)) + "… (" + length + " characters)";
  }
}
