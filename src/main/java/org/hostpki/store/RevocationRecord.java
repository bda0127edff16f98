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
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RecordTime;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;

/**
 * What each CA of a store revoked, kept beside the generations ({@code STORE/.crl/revoked}, one
 * line per entry: the CA's key id, the serial in hex, the revocation time in epoch seconds, the
 * reason), so that {@code revoke} still knows a certificate was revoked once its CA has left the
 * store with its CRLs (a rotation's previous CA after its overlap, a CA replaced at once) and the
 * kept generations that held them are pruned: the fleet playbook repeats its revocations on every
 * run. Written after the commit of the CRL it copies, so that a crash leaves it short, never
 * claiming a revocation no CRL made.
 *
 * <p>A {@code rollback} to a generation whose CRLs no longer list a revocation of a CA still in the
 * store turns its line into {@code CA-KEY-ID SERIAL TIME undone}: the certificate counts as valid
 * again, and the CRLs of the generation rolled back from, still kept, must not answer for it (found
 * in session 15: a revoke after that CA left answered "already revoked", exit 0). Four fields, with
 * a reason no build reads: builds before this one skip such a line (and fall back to those CRLs).
 */
public final class RevocationRecord {
  private static final String FILE = "revoked";
  private static final String UNDONE = "undone";

  private RevocationRecord() {}

  /** The entry of {@code serial} the CA with this key id revoked, if the record has it. */
  public static Optional<RevokedCertificate> find(Path store, String caKeyId, BigInteger serial, SecureRandom random) {
    String key = caKeyId.toLowerCase(Locale.ROOT);
    return lines(store, random).stream()
        .map(l -> l.split(" "))
        .filter(f -> f.length == 4 && f[0].equals(key))
        .map(RevocationRecord::entry)
        .flatMap(Optional::stream)
        .filter(e -> e.serial().equals(serial))
        .findFirst();
  }

  /** An entry of the record: what the CA with this key id revoked. */
  public record Kept(String caKeyId, RevokedCertificate entry) {}

  /** Every entry the record has, of every CA. */
  public static List<Kept> entries(Path store, SecureRandom random) {
    return lines(store, random).stream()
        .map(l -> l.split(" "))
        .filter(f -> f.length == 4 && isKeyId(f[0]))
        .flatMap(f -> entry(f).map(e -> new Kept(f[0], e)).stream())
        .toList();
  }

  /** Records {@code entries} as what the CA with this key id revoked (under the store's lock). */
  public static void record(Path store, String caKeyId, List<RevokedCertificate> entries, SecureRandom random) {
    String key = caKeyId.toLowerCase(Locale.ROOT);
    Set<String> listed = new HashSet<>();
    entries.forEach(e -> listed.add(key + " " + e.serial().toString(16)));
    StringBuilder text = new StringBuilder();
    for (String line : lines(store, random)) {
      String[] f = line.split(" ");
      if (!line.startsWith(key + " ") || (isUndone(f) && !listed.contains(f[0] + " " + f[1]))) {
        text.append(line).append('\n');
      }
    }
    for (RevokedCertificate e : entries) {
      text.append(line(key, e));
    }
    write(store, text.toString(), random);
  }

  /**
   * Adds to the record what a CRL of the CA with this key id lists and the record lacks, keeping
   * every line it has: a revoke that a CRL answered (the previous CA's last CRL, one of a kept
   * generation, this CA's own when there was nothing to write) leaves what it found where it
   * outlives those CRLs. Revocations made by builds before the record, and one whose record a crash
   * after its commit cut short, are so kept before the generations holding their CRLs are pruned
   * (found in review: they were refused as never revoked once those were gone).
   */
  public static void add(Path store, String caKeyId, List<RevokedCertificate> entries, SecureRandom random) {
    String key = caKeyId.toLowerCase(Locale.ROOT);
    List<String> lines = lines(store, random);
    Set<String> known = new HashSet<>();
    Set<String> listed = new HashSet<>();
    entries.forEach(e -> listed.add(key + " " + e.serial().toString(16)));
    StringBuilder text = new StringBuilder();
    boolean added = false;
    for (String line : lines) {
      String[] f = line.split(" ");
      if (isUndone(f) && listed.contains(f[0] + " " + f[1])) {
        added = true; // a CRL lists it again (a rollback forward): the entry below replaces the mark
        continue;
      }
      if (f.length == 4) {
        known.add(f[0] + " " + f[1]);
      }
      text.append(line).append('\n');
    }
    for (RevokedCertificate e : entries) {
      if (known.add(key + " " + e.serial().toString(16))) {
        text.append(line(key, e));
        added = true;
      }
    }
    if (added) {
      write(store, text.toString(), random);
    }
  }

  /**
   * Whether a rollback undid the revocation of {@code serial} by the CA with this key id: then no
   * kept CRL answers for it (the generation rolled back from still holds one that lists it).
   */
  public static boolean undone(Path store, String caKeyId, BigInteger serial, SecureRandom random) {
    String key = caKeyId.toLowerCase(Locale.ROOT) + " " + serial.toString(16);
    return lines(store, random).stream()
        .map(l -> l.split(" "))
        .anyMatch(f -> isUndone(f) && (f[0] + " " + f[1]).equals(key));
  }

  /**
   * Marks these entries undone (under the store's lock, after a rollback's switch): the generation
   * made current lists them on none of its CRLs.
   */
  public static void undo(Path store, List<Kept> undone, SecureRandom random) {
    if (undone.isEmpty()) {
      return;
    }
    Set<String> marked = new HashSet<>();
    undone.forEach(k -> marked.add(k.caKeyId().toLowerCase(Locale.ROOT) + " " + k.entry().serial().toString(16)));
    StringBuilder text = new StringBuilder();
    for (String line : lines(store, random)) {
      String[] f = line.split(" ");
      if (f.length == 4 && !isUndone(f) && marked.contains(f[0] + " " + f[1])) {
        text.append(f[0]).append(' ').append(f[1]).append(' ').append(f[2]).append(' ').append(UNDONE).append('\n');
      } else {
        text.append(line).append('\n');
      }
    }
    write(store, text.toString(), random);
  }

  private static boolean isUndone(String[] fields) {
    return fields.length == 4 && fields[3].equals(UNDONE);
  }

  private static String line(String key, RevokedCertificate e) {
    return key + " " + e.serial().toString(16) + " " + e.revocationDate().getEpochSecond() + " " + e.reason().word()
        + "\n";
  }

  private static void write(Path store, String text, SecureRandom random) {
    try {
      RecordDirectory.in(store, random, CrlNumberRecord.FOLDER)
          .replace(FILE, text.getBytes(StandardCharsets.US_ASCII), false);
    } catch (IOException e) {
      throw failure(store, e);
    }
  }

  private static List<String> lines(Path store, SecureRandom random) {
    try {
      return RecordDirectory.in(store, random, CrlNumberRecord.FOLDER).readLines(FILE);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot read the revocation record " + store.resolve(CrlNumberRecord.FOLDER).resolve(FILE) + ": "
              + IoFailures.describe(e),
          e);
    }
  }

  private static Optional<RevokedCertificate> entry(String[] fields) {
    try {
      // a line spoilt by hand: the CRLs of the kept generations may know. A time outside
      // RecordTime's years is one (a time in Instant's last year made sign and revoke stop with
      // "internal error: DateTimeException" where it is written, rvcore16)
      Optional<Instant> revoked = RecordTime.ofEpochSecond(Long.parseLong(fields[2]));
      BigInteger serial = new BigInteger(fields[1], 16);
      return revoked.flatMap(at -> RevocationReason.byWord(fields[3]).map(reason -> new RevokedCertificate(serial, at, reason)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a line's first field is a key id as hostpki writes it (hex): a line spoilt by hand is
   * skipped, so that what it holds (a terminal escape) never reaches a message or another record.
   */
  static boolean isKeyId(String field) {
    return !field.isEmpty() && field.length() <= 128 && field.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128);
  }

  private static HostpkiException failure(Path store, IOException e) {
    return new HostpkiException(
        "cannot keep the revocation record " + store.resolve(CrlNumberRecord.FOLDER).resolve(FILE) + ": "
            + IoFailures.describe(e),
        e);
  }
}
