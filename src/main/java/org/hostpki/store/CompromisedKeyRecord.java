package org.hostpki.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RecordTime;

/**
 * The keys of the certificates a store's CAs revoked for keyCompromise, kept beside the
 * generations ({@code STORE/.crl/compromised-keys}, one line per revocation: the SHA-256 of the
 * certificate's SubjectPublicKeyInfo in hex, or {@code -} when that certificate could not be found
 * any more; the revoking CA's key id; the serial in hex; the revocation time in epoch seconds), so
 * that {@code sign} refuses such a key whatever CA is current: after {@code apply --replace ca},
 * a rotation's move, or a rollback to before the revocation (as step-ca and EJBCA users expect, and
 * as Let's Encrypt blocks such keys).
 *
 * <p>A file of its own, not a fifth field of {@link RevocationRecord}'s lines: builds before this
 * one read only lines of four fields there, so a fifth would make them read "never revoked", and
 * they rewrite a CA's lines with four. They leave this file alone. Nothing removes a line: a
 * rollback does not make a leaked key safe. Only a person may, by editing the file.
 */
public final class CompromisedKeyRecord {
  private static final String FILE = "compromised-keys";
  private static final String UNKNOWN = "-";

  private CompromisedKeyRecord() {}

  /**
   * One revocation for keyCompromise.
   *
   * @param key the digest of the revoked certificate's key; empty when that certificate was in
   *     neither {@code issued/} nor a kept generation when the revocation was found
   * @param caKeyId the revoking CA's key id, lower-case hex
   */
  public record Entry(Optional<Fingerprint> key, String caKeyId, BigInteger serial, Instant revoked) {
    public Entry {
      caKeyId = caKeyId.toLowerCase(Locale.ROOT);
    }

    /** The revocation, as {@code CA-KEY-ID SERIAL}: which it is, whatever its key. */
    public String revocation() {
      return caKeyId + " " + serial.toString(16);
    }
  }

  /** The file, for messages. */
  public static Path file(Path store) {
    return store.resolve(CrlNumberRecord.FOLDER).resolve(FILE);
  }

  /**
   * Every entry; a line spoilt by hand is skipped.
   *
   * @throws HostpkiException when the file cannot be read: sign then signs nothing, since it
   *     cannot know which keys are refused
   */
  public static List<Entry> read(Path store, SecureRandom random) {
    return lines(store, random).stream().flatMap(l -> parse(l).stream()).toList();
  }

  private static List<String> lines(Path store, SecureRandom random) {
    try {
      return RecordDirectory.in(store, random, CrlNumberRecord.FOLDER).readLines(FILE);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot read the record of keys revoked for keyCompromise " + file(store) + ": " + IoFailures.describe(e)
              + "; nothing was signed: without it hostpki cannot tell which keys it must refuse",
          e);
    }
  }

  private static Optional<Entry> parse(String line) {
    String[] f = line.strip().split(" ");
    if (f.length != 4 || !RevocationRecord.isKeyId(f[1])) {
      return Optional.empty();
    }
    try {
      // spoilt by hand (NumberFormatException is one; a time outside RecordTime's years another:
      // one in Instant's last year made sign and revoke stop with "internal error:
      // DateTimeException" where it is written, rvcore16): kept as it is, not read
      Optional<Fingerprint> key = f[0].equals(UNKNOWN) ? Optional.empty() : Optional.of(new Fingerprint(f[0]));
      BigInteger serial = new BigInteger(f[2], 16);
      return RecordTime.ofEpochSecond(Long.parseLong(f[3])).map(revoked -> new Entry(key, f[1], serial, revoked));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String line(Entry e) {
    return e.key().map(Fingerprint::hex).orElse(UNKNOWN) + " " + e.caKeyId() + " " + e.serial().toString(16) + " "
        + e.revoked().getEpochSecond();
  }

  /**
   * Adds {@code entries} the record lacks (under the store's lock); an entry whose key was unknown
   * takes the key when it is found after all. Lines are never removed.
   */
  public static void add(Path store, List<Entry> entries, SecureRandom random) {
    List<String> lines = lines(store, random);
    Set<String> withKey = new HashSet<>();
    lines.forEach(l -> parse(l).filter(e -> e.key().isPresent()).ifPresent(e -> withKey.add(e.revocation())));
    entries.stream().filter(e -> e.key().isPresent()).forEach(e -> withKey.add(e.revocation()));
    Set<String> seen = new HashSet<>();
    StringBuilder text = new StringBuilder();
    boolean changed = false;
    for (String l : lines) {
      Optional<Entry> e = parse(l);
      if (e.isPresent() && e.get().key().isEmpty() && withKey.contains(e.get().revocation())) {
        changed = true; // its key was found: the line with it replaces this one
      } else if (e.isEmpty() || seen.add(line(e.get()))) {
        text.append(l).append('\n'); // a spoilt line is kept as it is: a person may have meant it
      }
    }
    for (Entry e : entries) {
      if ((e.key().isPresent() || !withKey.contains(e.revocation())) && seen.add(line(e))) {
        text.append(line(e)).append('\n');
        changed = true;
      }
    }
    if (!changed) {
      return;
    }
    try {
      RecordDirectory.in(store, random, CrlNumberRecord.FOLDER)
          .replace(FILE, text.toString().getBytes(StandardCharsets.US_ASCII), false);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot keep the record of keys revoked for keyCompromise " + file(store) + ": " + IoFailures.describe(e),
          e);
    }
  }
}
