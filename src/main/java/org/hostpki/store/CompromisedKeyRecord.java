package org.hostpki.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;

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
    Optional<byte[]> content;
    try {
      content = RecordDirectory.in(store, random, CrlNumberRecord.FOLDER).read(FILE);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot read the record of keys revoked for keyCompromise " + file(store) + ": " + IoFailures.describe(e)
              + "; nothing was signed: without it hostpki cannot tell which keys it must refuse",
          e);
    }
    List<Entry> entries = new ArrayList<>();
    content.map(b -> new String(b, StandardCharsets.US_ASCII)).orElse("").lines().forEach(line -> {
      String[] f = line.strip().split(" ");
      if (f.length == 4) {
        try {
          Optional<Fingerprint> key = f[0].equals(UNKNOWN) ? Optional.empty() : Optional.of(new Fingerprint(f[0]));
          entries.add(new Entry(key, f[1], new BigInteger(f[2], 16), Instant.ofEpochSecond(Long.parseLong(f[3]))));
        } catch (IllegalArgumentException e) {
          // spoilt by hand (NumberFormatException is one): the revocations it came from are found again
        }
      }
    });
    return entries;
  }

  /**
   * Adds {@code entries} the record lacks (under the store's lock); an entry whose key was unknown
   * takes the key when it is found after all. Lines are never removed.
   */
  public static void add(Path store, List<Entry> entries, SecureRandom random) {
    List<Entry> known = read(store, random);
    Set<String> withKey = new HashSet<>();
    known.stream().filter(e -> e.key().isPresent()).forEach(e -> withKey.add(e.revocation()));
    Set<String> seen = new HashSet<>();
    List<Entry> all = new ArrayList<>();
    boolean changed = false;
    for (Entry e : known) {
      if (e.key().isEmpty() && withKey.contains(e.revocation())) {
        continue;
      }
      if (e.key().isEmpty() && entries.stream().anyMatch(n -> n.key().isPresent() && n.revocation().equals(e.revocation()))) {
        changed = true;
        continue;
      }
      if (seen.add(e.revocation() + " " + e.key().map(Fingerprint::hex).orElse(UNKNOWN))) {
        all.add(e);
      }
    }
    for (Entry e : entries) {
      if (seen.add(e.revocation() + " " + e.key().map(Fingerprint::hex).orElse(UNKNOWN))
          && (e.key().isPresent() || !withKey.contains(e.revocation()))) {
        all.add(e);
        changed = true;
      }
    }
    if (!changed) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Entry e : all) {
      text.append(e.key().map(Fingerprint::hex).orElse(UNKNOWN)).append(' ').append(e.caKeyId()).append(' ')
          .append(e.serial().toString(16)).append(' ').append(e.revoked().getEpochSecond()).append('\n');
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
