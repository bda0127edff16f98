package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.StoreLayout;

/**
 * {@code issued/index}: for each {@code issued/SERIAL.crt}, the SHA-256 of the file and of the key
 * it certifies, so that {@code sign} parses only the records for the request's key instead of every
 * record of the fleet (bench/fleet-sign.sh: parsing them was 38% of a sign at 1,000 records).
 *
 * <p>A cache, never the truth: an entry counts only while the file still has the bytes it was made
 * from, and a record without one (a store from before the index, a record revoke added, a file
 * restored by hand) is parsed as before. It is written in the generation of the record it lists,
 * so it is as crash-safe as the record, and a rollback takes the index of its generation.
 *
 * <pre>
 * hostpki issued-index 1
 * SERIAL FILE-SHA256 KEY-SHA256
 * </pre>
 */
final class IssuedIndex {
  static final String FILE = StoreLayout.ISSUED_DIRECTORY + "/index";
  private static final String HEADER = "hostpki issued-index 1";

  /** An entry: the record file's digest and its key's ({@link org.hostpki.pki.SubjectPublicKey#keyFingerprint()}). */
  record Entry(Fingerprint file, Fingerprint key) {}

  private final SortedMap<String, Entry> entries; // by record file name

  private IssuedIndex(SortedMap<String, Entry> entries) {
    this.entries = entries;
  }

  static IssuedIndex empty() {
    return new IssuedIndex(new TreeMap<>());
  }

  /** The index as stored; empty when there is none or it is not one this version wrote. */
  static IssuedIndex parse(Optional<byte[]> content) {
    SortedMap<String, Entry> entries = new TreeMap<>();
    if (content.isEmpty()) {
      return new IssuedIndex(entries);
    }
    String[] lines = new String(content.get(), StandardCharsets.UTF_8).split("\n");
    if (lines.length == 0 || !lines[0].equals(HEADER)) {
      return new IssuedIndex(entries);
    }
    for (int i = 1; i < lines.length; i++) {
      // By hand, not split or a regular expression: a fleet's index has thousands of lines.
      String line = lines[i];
      int first = line.indexOf(' ');
      int second = line.indexOf(' ', first + 1);
      if (first < 1 || second < 0 || !isSerial(line, first)) {
        continue; // a damaged line: that record is parsed instead
      }
      try {
        entries.put(
            fileName(line.substring(0, first)),
            new Entry(new Fingerprint(line.substring(first + 1, second)), new Fingerprint(line.substring(second + 1))));
      } catch (IllegalArgumentException e) {
        // not two digests: that record is parsed instead
      }
    }
    return new IssuedIndex(entries);
  }

  /** The key of the record file with these bytes, when the index knows it. */
  Optional<Fingerprint> key(String fileName, Fingerprint file) {
    Entry entry = entries.get(fileName);
    return entry != null && entry.file().equals(file) ? Optional.of(entry.key()) : Optional.empty();
  }

  /** Records the entry for the record file, replacing one of the same name. */
  void put(String fileName, Fingerprint file, Fingerprint key) {
    entries.put(fileName, new Entry(file, key));
  }

  /** Drops the entries of records that are no longer there (a rollback, a record deleted). */
  void retain(Map<String, ?> files) {
    entries.keySet().retainAll(files.keySet());
  }

  byte[] format() {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    entries.forEach(
        (name, entry) ->
            text.append(serialOf(name)).append(' ').append(entry.file().hex()).append(' ')
                .append(entry.key().hex()).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isSerial(String line, int end) {
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static String fileName(String serial) {
    return StoreLayout.ISSUED_DIRECTORY + "/" + serial + ".crt";
  }

  private static String serialOf(String fileName) {
    String base = fileName.substring(fileName.lastIndexOf('/') + 1);
    return base.substring(0, base.length() - ".crt".length());
  }
}
