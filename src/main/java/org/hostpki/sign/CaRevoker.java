package org.hostpki.sign;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.PreviousCaCrl;
import org.hostpki.model.StoreLayout;
import org.hostpki.apply.CrlNumbers;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DesiredStateContent;
import org.hostpki.model.DateText;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.RevocationList;
import org.hostpki.json.JsonWriter;
import org.hostpki.store.CompromisedKeyRecord;
import org.hostpki.store.Generation;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreCommit;
import org.hostpki.store.StoreSnapshot;

/**
 * Revokes a certificate the CA host issued: records it in the store's CRL ({@code ca.crl}),
 * written in a new store generation under the store's lock, with the {@code issued/} records.
 *
 * <p>Each CRL gets the next CRL number ({@link CrlNumbers}: the moment it is made in nanoseconds,
 * and more than any CRL of the kept generations and the store's record, so neither a rollback nor
 * a store gone back with the VM makes a number repeat), thisUpdate set back a little for members
 * whose clock is behind ({@link Backdate#thisUpdate}), nextUpdate {@code ca.crl.validity} after
 * now, and the revocations of this CA, oldest first; entries stay after the certificates expire
 * (RFC 5280 allows dropping them; a fleet's CRL stays small and the record whole). They are copied
 * to the store's {@link RevocationRecord} too, for {@link RevokedElsewhere} once this CA has left.
 *
 * <p>Revoking what was revoked before, for the same reason, changes nothing (so automation can
 * repeat it) unless the CRL is due for renewal (a third of its validity left, or past it): then
 * a new CRL with the same entries is written. No reason asked means whatever reason it was
 * revoked for (Ansible and Terraform users repeat a task as it is), and unspecified for a new
 * revocation. For another reason asked it is refused: a revocation is final, and its reason is not
 * rewritten — except to keyCompromise, when the key of a certificate revoked for another reason is
 * found to have leaked: the entry keeps its revocation date and takes the new reason, as the
 * Mozilla Root Store Policy (6.1.1) asks of public CAs, so that {@code sign} refuses that key from
 * then on and relying parties see why.
 */
// Over 400 lines on purpose: what revoke decides for this CA's CRL (decide, Decision) and what it
// writes (revoke, metadata, the record) read together; what other CAs' CRLs settle is split off to
// RevokedElsewhere, and the targets' refusals to RevocationTargets.
public final class CaRevoker {
  private final Clock clock;
  private final SecureRandom random;
  private final Consumer<String> waiting;

  public CaRevoker(Clock clock, SecureRandom random) {
    this(clock, random, words -> {});
  }

  private CaRevoker(Clock clock, SecureRandom random, Consumer<String> waiting) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.waiting = Objects.requireNonNull(waiting, "waiting");
  }

  /** A revoker that tells {@code waiting} whom it waits for when another writer holds the lock. */
  public CaRevoker tellingWaits(Consumer<String> waiting) {
    return new CaRevoker(clock, random, waiting);
  }

  /** Which certificate to revoke. */
  public sealed interface Target {
    /** A serial number, of a certificate recorded in {@code issued/}. */
    record Serial(BigInteger serial) implements Target {}

    /**
     * A certificate from a file, which this CA must have signed; one missing from {@code
     * issued/} (its record lost to a rollback, say) is recorded there too.
     */
    record Given(Path file, Certificate certificate) implements Target {}
  }

  /**
   * What a revoke did, or with {@link #check} would do.
   *
   * @param changed a new CRL was (or would be) written
   * @param alreadyRevoked the certificate was revoked before, for the same reason
   * @param reasonBefore the reason it was revoked for before, when this revoke changed it to
   *     keyCompromise
   * @param serial upper-case hex, as {@code openssl x509 -serial} prints it
   * @param subject the revoked certificate's subject, when it is known
   * @param entry the CRL entry
   * @param crl the CRL now in the store; with check, the current one
   * @param generation the store generation written
   * @param notes what the user should know: the certificate expired already, a record added
   * @param standing which CA's CRL revokes it: this CA's, the previous CA's last ({@code
   *     ca-previous.crl}), that of its CA gone, or none because it expired and its CA left
   */
  public record Revoked(
      boolean changed,
      boolean alreadyRevoked,
      Optional<RevocationReason> reasonBefore,
      String serial,
      Optional<String> subject,
      RevokedCertificate entry,
      Optional<RevocationList> crl,
      Optional<String> generation,
      List<String> notes,
      Standing standing) {
    public Revoked {
      Objects.requireNonNull(reasonBefore, "reasonBefore");
      Objects.requireNonNull(standing, "standing");
      notes = List.copyOf(notes);
    }

    /** Only the CRL was renewed: the certificate had been revoked before. */
    public boolean crlRenewed() {
      return changed && alreadyRevoked;
    }
  }

  /**
   * Which CRL revokes a certificate, for a revoke that names one this CA did not sign but the store
   * did (like {@code kubectl delete --ignore-not-found}, automation repeats a revoke after a CA
   * rotation without failing: nothing is changed, exit 0).
   */
  public enum Standing {
    /** This CA's {@code ca.crl}: a revocation is written there. */
    THIS_CA,
    /**
     * The previous CA's last CRL, {@code ca-previous.crl}, lists it already (revoked before the
     * rotation's move); its key is gone, so nothing more can be written.
     */
    PREVIOUS_CA_CRL,
    /**
     * Its CA left this store (replaced at once, or a rotation's previous CA after its overlap)
     * after revoking it: the store's revocation record, or a CRL of that CA still kept, lists it.
     */
    REVOKED_BEFORE_ITS_CA_LEFT,
    /**
     * It expired, and its CA left this store: every client refuses it, no CRL of that CA can be
     * written. (One still valid that its CA never revoked is refused: clients that trust that CA
     * by hand accept it.)
     */
    ISSUER_GONE
  }

  /**
   * Revokes the certificate and writes the new CRL.
   *
   * @param lockTimeout how long to wait for another writer of the CA store
   * @throws HostpkiException for an unknown serial, a certificate this CA did not issue, one
   *     revoked before for another reason, a missing or unusable CA; nothing was changed then
   */
  public Revoked revoke(
      DesiredState caHost, Target target, RevocationReason reason, Duration lockTimeout) {
    return revoke(caHost, target, Optional.of(reason), lockTimeout);
  }

  /**
   * Revokes the certificate and writes the new CRL; without a reason, one revoked before is
   * accepted whatever its reason, and a new revocation names none (unspecified).
   */
  public Revoked revoke(
      DesiredState caHost, Target target, Optional<RevocationReason> reason, Duration lockTimeout) {
    CaStore store = new CaStore(caHost, clock);
    decide(caHost, store, store.read(), target, reason, clock.instant()); // refusals need no lock
    try (StoreCommit envelope = store.begin(lockTimeout, CaStore.Command.REVOKE, waiting)) {
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      StoreSnapshot snapshot = envelope.live();
      Decision decision = decide(caHost, store, snapshot, target, reason, now);
      if (!decision.writes()) {
        decision.current().ifPresent(answered -> keepAnswer(store, answered));
        return decision.result(Optional.empty(), Optional.empty());
      }
      CrlSpec settings = caHost.ca().crlOrDefaults();
      Instant nextUpdate = now.plus(settings.validity());
      RevocationList crl =
          RevocationList.issue(
              decision.ca().certificate(),
              decision.ca().key(),
              CrlNumbers.next(snapshot, store.directory(), now, random),
              Backdate.thisUpdate(now, nextUpdate),
              nextUpdate,
              decision.entries(),
              random);
      Map<String, byte[]> added = new LinkedHashMap<>();
      added.put(Revocations.FILE, crl.pem().getBytes(StandardCharsets.US_ASCII));
      decision.record().ifPresent(
          r -> added.put(r.fileName(), r.certificate().pem().getBytes(StandardCharsets.US_ASCII)));
      decision.keptAsPrevious().ifPresent(old -> added.put(StoreLayout.CA_PREVIOUS_CRL, old));
      List<String> notes = new ArrayList<>(decision.notes());
      boolean first = snapshot.file(Revocations.FILE).isEmpty();
      String generation = store.commit(envelope, added, metadata(decision, crl, first, caHost, now), notes);
      recordRevocations(store, decision.ca(), crl, notes);
      if (decision.entry().reason() == RevocationReason.KEY_COMPROMISE) {
        recordKeys(store, snapshot, crl, decision.record(), notes);
      }
      return new Revoked(
          true, decision.alreadyRevoked(), decision.reasonBefore(), decision.serial(), decision.subject(),
          decision.entry(), Optional.of(crl), Optional.of(generation), notes, Standing.THIS_CA);
    }
  }

  /** What a revoke would do; writes nothing, takes no lock. */
  public Revoked check(DesiredState caHost, Target target, RevocationReason reason) {
    return check(caHost, target, Optional.of(reason));
  }

  /** What a revoke would do, with the reason asked or none ({@link #revoke(DesiredState, Target, Optional, Duration)}). */
  public Revoked check(DesiredState caHost, Target target, Optional<RevocationReason> reason) {
    CaStore store = new CaStore(caHost, clock);
    StoreSnapshot snapshot = store.read();
    Decision decision =
        decide(caHost, store, snapshot, target, reason, clock.instant().truncatedTo(ChronoUnit.SECONDS));
    return decision.result(decision.current(), Optional.empty());
  }

  /**
   * What to write.
   *
   * @param entries the entries of the new CRL
   * @param current the store's CRL when it is this CA's
   * @param record a certificate to add to {@code issued/}
   * @param keptAsPrevious the old {@code ca.crl}, to keep as {@code ca-previous.crl} ({@link
   *     PreviousCaCrl})
   */
  private record Decision(
      CaStore.SigningCa ca,
      String serial,
      Optional<String> subject,
      RevokedCertificate entry,
      boolean alreadyRevoked,
      Optional<RevocationReason> reasonBefore,
      boolean writes,
      List<RevokedCertificate> entries,
      Optional<RevocationList> current,
      Optional<IssuedCertificate> record,
      Optional<byte[]> keptAsPrevious,
      List<String> notes,
      Standing standing) {

    Decision(
        CaStore.SigningCa ca, String serial, Optional<String> subject, RevokedCertificate entry,
        boolean alreadyRevoked, Optional<RevocationReason> reasonBefore, boolean writes,
        List<RevokedCertificate> entries, Optional<RevocationList> current, Optional<IssuedCertificate> record,
        Optional<byte[]> keptAsPrevious, List<String> notes) {
      this(ca, serial, subject, entry, alreadyRevoked, reasonBefore, writes, entries, current, record,
          keptAsPrevious, notes, Standing.THIS_CA);
    }

    /** Nothing to write: another CA's CRL revokes it, or its CA is trusted no more. */
    static Decision settled(
        CaStore.SigningCa ca, IssuedCertificate revoking, RevokedCertificate entry,
        Optional<RevocationList> crl, Standing standing, List<String> notes) {
      return new Decision(
          ca, revoking.serial(), Optional.of(revoking.facts().subjectDn()), entry,
          standing != Standing.ISSUER_GONE, Optional.empty(), false, List.of(), crl, Optional.empty(),
          Optional.empty(), notes, standing);
    }

    Revoked result(Optional<RevocationList> crl, Optional<String> generation) {
      return new Revoked(
          writes, alreadyRevoked, reasonBefore, serial, subject, entry, crl.or(() -> current), generation, notes,
          standing);
    }
  }

  private Decision decide(
      DesiredState caHost,
      CaStore store,
      StoreSnapshot snapshot,
      Target target,
      Optional<RevocationReason> reason,
      Instant now) {
    if (reason.isPresent() && !reason.get().revocable()) {
      throw new IllegalArgumentException("not a reason hostpki revokes for: " + reason);
    }
    CaStore.SigningCa ca = store.ca(snapshot, now, CaStore.Command.REVOKE);
    List<IssuedCertificate> issued = IssuedCertificates.read(snapshot, store.path());
    Optional<RevokedElsewhere.Settled> settled =
        RevokedElsewhere.find(store, snapshot, ca, issued, target, reason, now, random);
    if (settled.isPresent()) {
      RevokedElsewhere.Settled s = settled.get();
      List<String> notes = new ArrayList<>(s.notes());
      if (s.entry().reason() == RevocationReason.KEY_COMPROMISE) {
        // a repeat revoke of a gone CA's keyCompromise certificate names the key's others too
        List<RevokedCertificate> ended = new ArrayList<>();
        Revocations.read(snapshot, store.path()).crl().filter(c -> c.isSignedBy(ca.certificate()))
            .ifPresent(c -> ended.addAll(c.facts().revoked()));
        s.crl().ifPresent(c -> ended.addAll(c.facts().revoked()));
        notes.addAll(
            SameKeyCertificates.notes(
                caHost, store, snapshot, ca.certificate(), issued, s.revoking(), ended, now, random));
      }
      return Decision.settled(ca, s.revoking(), s.entry(), s.crl(), s.standing(), notes);
    }
    Optional<IssuedCertificate> record = Optional.empty();
    IssuedCertificate revoking;
    List<String> notes = new ArrayList<>();
    if (target instanceof Target.Given given) {
      revoking = RevocationTargets.given(caHost, snapshot, ca, issued, given, now);
      if (issued.stream().noneMatch(i -> i.serial().equals(revoking.serial()))) {
        record = Optional.of(revoking);
        notes.add(
            "the certificate was not in the record of issued certificates; it is recorded now as "
                + revoking.fileName());
      }
    } else {
      BigInteger serial = ((Target.Serial) target).serial();
      revoking = RevocationTargets.recorded(caHost, snapshot, ca, issued, serial, now);
    }
    if (!now.isBefore(revoking.facts().notAfter())) {
      notes.add(
          "the certificate expired on " + DateText.of(revoking.facts().notAfter())
              + ": clients refuse it anyway; it is on the CRL all the same");
    }
    Revocations revocations = Revocations.read(snapshot, store.path());
    Optional<RevocationList> current = revocations.crl().filter(c -> c.isSignedBy(ca.certificate()));
    Optional<byte[]> keptAsPrevious = Optional.empty();
    if (revocations.crl().isPresent()
        && current.isEmpty()
        && PreviousCaCrl.leftAsCaCrl(
            revocations.crl().get().facts(), ca.certificate().facts(),
            snapshot.file(StoreLayout.CA_PREVIOUS_CERT).flatMap(CaRevoker::firstFacts),
            snapshot.file(StoreLayout.CA_PREVIOUS_CRL).isPresent())) {
      // A store an older build moved: ca.crl is still the previous CA's, and its revocations have
      // no other home; they stay with their CA as ca-previous.crl, as apply would keep them.
      keptAsPrevious = snapshot.file(Revocations.FILE);
      notes.add(
          store.path().resolve(Revocations.FILE) + " was the previous CA's ("
              + revocations.crl().get().facts().issuerDn() + ", " + StoreLayout.CA_PREVIOUS_CERT
              + "): it is kept as it is as " + StoreLayout.CA_PREVIOUS_CRL + ", and the new "
              + Revocations.FILE + " lists what this CA revoked");
    } else if (revocations.crl().isPresent() && current.isEmpty()) {
      notes.add(
          store.path().resolve(Revocations.FILE) + " was issued by another CA ("
              + revocations.crl().get().facts().issuerDn() + ", replaced since); the new CRL lists only"
              + " what this CA revoked");
    }
    List<RevokedCertificate> entries =
        new ArrayList<>(current.map(c -> c.facts().revoked()).orElse(List.of()));
    BigInteger serial = revoking.facts().serialNumber();
    Optional<RevokedCertificate> before = entries.stream().filter(e -> e.serial().equals(serial)).findFirst();
    Optional<String> subject = Optional.of(revoking.facts().subjectDn());
    if (reason.equals(Optional.of(RevocationReason.KEY_COMPROMISE))
        || reason.isEmpty() && before.filter(b -> b.reason() == RevocationReason.KEY_COMPROMISE).isPresent()) {
      // the key is out: other certificates for it are named, not revoked unasked (rvfinal15)
      notes.addAll(
          SameKeyCertificates.notes(caHost, store, snapshot, ca.certificate(), issued, revoking, entries, now, random));
    }
    if (before.isPresent() && reason.equals(Optional.of(RevocationReason.KEY_COMPROMISE))
        && before.get().reason() != RevocationReason.KEY_COMPROMISE) {
      RevokedCertificate entry =
          new RevokedCertificate(serial, before.get().revocationDate(), RevocationReason.KEY_COMPROMISE);
      entries.set(entries.indexOf(before.get()), entry);
      return new Decision(
          ca, revoking.serial(), subject, entry, false, Optional.of(before.get().reason()), true, entries,
          current, record, keptAsPrevious, notes);
    }
    if (before.isPresent()) {
      if (reason.isPresent() && before.get().reason() != reason.get()) {
        throw new HostpkiException(
            "serial " + revoking.serial() + " (" + revoking.facts().subjectDn() + ") was revoked on "
                + DateText.of(before.get().revocationDate()) + " for " + before.get().reason()
                + "; revoking it again for " + reason.get() + " is refused: a revocation is final and"
                + " hostpki does not rewrite its reason, except to keyCompromise when the key is found to"
                + " have leaked (leave the reason out to repeat the revocation as it stands). Nothing was"
                + " changed");
      }
      boolean due = current.flatMap(c -> c.facts().renewalTime()).map(t -> !now.isBefore(t)).orElse(false);
      return new Decision(
          ca, revoking.serial(), subject, before.get(), true, Optional.empty(), due || record.isPresent(), entries,
          current, record, keptAsPrevious, notes);
    }
    RevokedCertificate entry = new RevokedCertificate(serial, now, reason.orElse(RevocationReason.UNSPECIFIED));
    entries.add(entry);
    entries.sort(
        Comparator.comparing(RevokedCertificate::revocationDate).thenComparing(RevokedCertificate::serial));
    return new Decision(
        ca, revoking.serial(), subject, entry, false, Optional.empty(), true, entries, current, record,
        keptAsPrevious, notes);
  }

  /**
   * Copies the CRL's entries to the store's {@link RevocationRecord}, after the commit: once this CA
   * has left the store with its CRLs, a repeated revoke still finds them there. A failure is a
   * note, not an error: the revocation is committed, and the kept generations hold the CRL a while.
   */
  private void recordRevocations(CaStore store, CaStore.SigningCa ca, RevocationList crl, List<String> notes) {
    Optional<String> keyId = ca.certificate().facts().subjectKeyId();
    if (keyId.isEmpty()) {
      return; // hostpki's CAs have one; a CA without one is found by its CRLs of the kept generations
    }
    try {
      RevocationRecord.record(store.directory().directory(), keyId.get(), crl.facts().revoked(), random);
    } catch (HostpkiException e) {
      notes.add(e.getMessage() + "; the revocation is committed all the same");
    }
  }

  /**
   * Records the keys of the CRL's keyCompromise entries in the store's {@link
   * CompromisedKeyRecord}, after the commit: {@code sign} refuses them whatever CA is current. A
   * failure is a note (the next sign looks for the key again, in {@code issued/} and the kept
   * generations).
   */
  private void recordKeys(
      CaStore store, StoreSnapshot before, RevocationList crl, Optional<IssuedCertificate> recorded, List<String> notes) {
    try {
      CompromisedKeys.Known known = CompromisedKeys.find(
          store, before, List.of(crl), recorded.map(IssuedCertificate::certificate).stream().toList(), random);
      notes.addAll(known.notes());
      CompromisedKeyRecord.add(store.directory().directory(), known.found(), random);
    } catch (HostpkiException e) {
      notes.add(e.getMessage() + "; the revocation is committed all the same, and sign looks for its key again");
    }
  }

  /**
   * What the CRL that answered a revoke with nothing to write lists, added to the store's {@link
   * RevocationRecord} (under the lock): it outlives that CRL. A failure changes no answer, and the
   * next revoke tries again.
   */
  private void keepAnswer(CaStore store, RevocationList answered) {
    answered.facts().authorityKeyId().ifPresent(keyId -> {
      try {
        RevocationRecord.add(store.directory().directory(), keyId, answered.facts().revoked(), random);
      } catch (HostpkiException e) {
        // the record is a cache of what CRLs said; this revoke's answer came from the CRL itself
      }
    });
  }

  /** The generation's record; {@code firstCrl} when the store held no {@code ca.crl} before. */
  private static String metadata(
      Decision decision, RevocationList crl, boolean first, DesiredState caHost, Instant now) {
    JsonWriter w =
        new JsonWriter()
            .beginObject()
            .field("time", now.toString())
            .field(Generation.DESIRED_STATE, caHost.source().toString())
            .field(Generation.DESIRED_STATE_DIGEST, DesiredStateContent.digest(caHost).hex());
    if (decision.alreadyRevoked()) {
      w.name("crl").beginObject();
    } else {
      w.name("revoke").beginObject();
      w.field("serial", decision.serial());
      decision.subject().ifPresent(s -> w.field("subject", s));
      w.field("reason", decision.entry().reason().word());
      decision.reasonBefore().ifPresent(r -> w.field("previousReason", r.word()));
    }
    w.field("crlNumber", crl.facts().number().orElseThrow().toString());
    if (first) {
      w.field("firstCrl", true);
    }
    decision.record().ifPresent(r -> w.field("recorded", r.fileName()));
    return w.endObject().endObject().toString();
  }

  private static Optional<CertificateFacts> firstFacts(byte[] pem) {
    return RevokedElsewhere.firstCertificate(pem).map(Certificate::facts);
  }

  /**
   * A serial number as people copy it: hex digits, upper or lower case, optionally with {@code
   * 0x}, with colons between bytes ({@code openssl x509 -text}) or after {@code serial=} ({@code
   * openssl x509 -serial}).
   */
  public static Optional<BigInteger> parseSerial(String text) {
    String s = text.strip();
    if (s.toLowerCase(Locale.ROOT).startsWith("serial=")) {
      s = s.substring("serial=".length());
    }
    if (s.toLowerCase(Locale.ROOT).startsWith("0x")) {
      s = s.substring(2);
    }
    s = s.replace(":", "");
    if (s.isEmpty() || s.length() > 42 || !s.matches("[0-9A-Fa-f]+")) {
      return Optional.empty(); // RFC 5280: at most 20 octets
    }
    return Optional.of(new BigInteger(s, 16));
  }
}
