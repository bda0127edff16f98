package org.hostpki.apply;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Pkcs12;

/**
 * What each PKCS#12 file of a store set holds, written by hostpki next to the files (in the same
 * generation, so committed with them) so that observing a converged store need not decode them:
 * decoding one costs two or three PBKDF2 runs of 10,000 iterations, and a large trust store a
 * second more.
 *
 * <p>An entry is used only when the file's bytes hash to the recorded digest and the configured
 * password is the one the files were written with. The record holds nothing derived from the
 * password: the password is checked against the MAC of a file it describes ({@link
 * Pkcs12#opensWith}), the file's own key derivation, which is the cheapest test of a password the
 * PKCS#12 files allow anyway, so the record gives no one a faster way to test guesses. That is
 * one derivation per observation, and none for a file this run has already opened or written
 * with the password. Anything else (a hand-replaced file, a changed password, no record, a record
 * this version did not write) falls back to decoding the files.
 *
 * <p>Version 1 (hostpki 0.1.0) also kept a salted SHA-256 of the password per file, a test of a
 * guess thousands of times faster than the PKCS#12 files' own. Such a record is still read (its
 * password lines are ignored: the MAC is checked as for version 2), {@link #isOutdated} says so,
 * and the next apply rewrites it.
 *
 * <p>Format (UTF-8, one item a line, {@code \n} endings), canonical: a record is accepted only if
 * writing it back gives the same bytes, so any unexpected byte rejects it.
 *
 * <pre>
 * hostpki pkcs12-facts 2
 * file server.p12
 * sha256 HEX                    (of the file's bytes)
 * profile MODERN|LEGACY
 * unprotected                    (optional: no MAC and nothing encrypted, as truststore.p12)
 * key "ALIAS" FINGERPRINT        (optional: the key entry and its public key)
 * chain FINGERPRINT              (zero or more, leaf first, only after key)
 * trusted "ALIAS" FINGERPRINT    (zero or more, by alias)
 * end
 * </pre>
 *
 * Files appear at most once each, in name order; aliases are percent-encoded UTF-8 (every byte
 * outside {@code A-Z a-z 0-9 . _ -}). Version 1 has {@code password-salt HEX} (16 bytes) and
 * {@code password-sha256 HEX} (32 bytes) after each {@code sha256} line.
 */
final class Pkcs12Record {
  private static final String HEADER = "hostpki pkcs12-facts 2";
  private static final String HEADER_V1 = "hostpki pkcs12-facts 1";
  private static final int V1_SALT_LENGTH = 16;
  private static final int V1_HASH_LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final SortedMap<String, Entry> entries;
  /**
   * The contents found to hash to their entry's digest, by file name: the same bytes asked again
   * (the password check, then the facts, of one observation; the second as a copy) are compared,
   * not hashed again. A large trust store is tens of megabytes, and comparing is far cheaper.
   */
  private final Map<String, byte[]> described = new ConcurrentHashMap<>();

  /** How many PKCS#12 files' bytes were hashed, in this JVM: for the test that pins it. */
  private static final LongAdder HASHED = new LongAdder();

  /**
   * One file's entry.
   *
   * @param digest SHA-256 of the file's exact bytes
   * @param facts what the file holds, read with the store password
   */
  record Entry(Fingerprint digest, Pkcs12Facts facts) {
    Entry {
      java.util.Objects.requireNonNull(digest, "digest");
      java.util.Objects.requireNonNull(facts, "facts");
    }

    /** An entry for a file just written, or just read, with the store password. */
    static Entry of(byte[] content, Pkcs12Facts facts) {
      return new Entry(sha256(content), facts);
    }

    /** An entry for a file just written, by the SHA-256 of its bytes (as the file has it). */
    static Entry ofDigest(byte[] sha256, Pkcs12Facts facts) {
      HASHED.increment();
      return new Entry(new Fingerprint(java.util.HexFormat.of().formatHex(sha256)), facts);
    }

    boolean describes(byte[] content) {
      return digest.equals(sha256(content));
    }
  }

  private static Fingerprint sha256(byte[] content) {
    HASHED.increment();
    return Fingerprint.sha256(content);
  }

  /** How many PKCS#12 files' bytes this JVM has hashed so far. */
  static long hashed() {
    return HASHED.sum();
  }

  Pkcs12Record(Map<String, Entry> entries) {
    for (String name : entries.keySet()) {
      if (!StoreLayout.PKCS12_FILES.contains(name)) {
        throw new IllegalArgumentException("not a PKCS#12 file of the store: " + name);
      }
    }
    this.entries = new TreeMap<>(entries);
  }

  /** The digest its entry for {@code name} records, if it has one. */
  Optional<Fingerprint> digestOf(String name) {
    return Optional.ofNullable(entries.get(name)).map(Entry::digest);
  }

  /** The facts of a file, when this record describes exactly these bytes. */
  Optional<Pkcs12Facts> factsOf(String name, byte[] content) {
    Entry entry = entries.get(name);
    if (entry == null || !describes(name, entry, content)) {
      return Optional.empty();
    }
    return Optional.of(entry.facts());
  }

  /** Whether the entry describes these bytes, hashing the same bytes once. */
  private boolean describes(String name, Entry entry, byte[] content) {
    if (Arrays.equals(described.get(name), content)) {
      return true;
    }
    if (!entry.describes(content)) {
      return false;
    }
    described.put(name, content);
    return true;
  }

  /**
   * Whether {@code password} opens the files this record describes: a file of {@code files} (as
   * the store holds them) that is byte for byte the content {@code opened} gives for its entry's
   * digest (opened or written with this password already, and known to hash to that digest)
   * answers at once, and is described without hashing it again; else the MAC of the first
   * described file answers. False when no described file can tell.
   */
  boolean opensWith(Map<String, byte[]> files, char[] password, Map<Fingerprint, byte[]> opened) {
    boolean openedAlready = false;
    for (String name : StoreLayout.PKCS12_FILES) {
      byte[] content = files.get(name);
      Entry entry = entries.get(name);
      if (content != null && entry != null && Arrays.equals(opened.get(entry.digest()), content)) {
        described.put(name, content);
        openedAlready = true;
      }
    }
    if (openedAlready) {
      return true;
    }
    List<byte[]> described = new ArrayList<>();
    for (String name : StoreLayout.PKCS12_FILES) {
      byte[] content = files.get(name);
      Entry entry = entries.get(name);
      if (content != null && entry != null && describes(name, entry, content)) {
        described.add(content);
      }
    }
    for (byte[] content : described) {
      Optional<Boolean> opens = Pkcs12.opensWith(content, password);
      if (opens.isPresent()) {
        return opens.get();
      }
    }
    return false;
  }

  /**
   * Whether these bytes are a record of a format that keeps a fast check of the password
   * (version 1), which the next apply replaces.
   */
  static boolean isOutdated(byte[] content) {
    byte[] header = (HEADER_V1 + "\n").getBytes(StandardCharsets.US_ASCII);
    return content.length >= header.length
        && Arrays.equals(Arrays.copyOf(content, header.length), header);
  }

  /** A record as written by {@link #format()}, or by version 1; empty for anything else. */
  static Optional<Pkcs12Record> parse(byte[] content) {
    Pkcs12Record record;
    byte[] canonical = content;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
      if (text.startsWith(HEADER_V1 + "\n")) {
        text = withoutV1PasswordLines(text);
        canonical = text.getBytes(StandardCharsets.UTF_8);
      }
      record = new Parser(text.split("\n", -1)).record();
    } catch (CharacterCodingException | RuntimeException e) {
      return Optional.empty();
    }
    // Canonical or nothing: whatever the parser let through that it would not write is refused.
    return Arrays.equals(record.format(), canonical) ? Optional.of(record) : Optional.empty();
  }

  /**
   * A version 1 record as version 2 would write it: the header changed and each entry's two
   * password lines, checked for their shape, left out.
   */
  private static String withoutV1PasswordLines(String text) {
    String[] lines = text.split("\n", -1);
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      String before = lines[i - 1];
      if (line.startsWith("password-salt ")) {
        Parser.expect(before.startsWith("sha256 "));
        Parser.expect(HEX.parseHex(line.substring(14)).length == V1_SALT_LENGTH);
      } else if (line.startsWith("password-sha256 ")) {
        Parser.expect(before.startsWith("password-salt "));
        Parser.expect(HEX.parseHex(line.substring(16)).length == V1_HASH_LENGTH);
      } else {
        // Each entry had both lines, right after its digest.
        Parser.expect(!before.startsWith("sha256 ") && !before.startsWith("password-salt "));
        sb.append('\n').append(line);
      }
    }
    return sb.toString();
  }

  byte[] format() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    entries.forEach(
        (name, entry) -> {
          sb.append("file ").append(name).append('\n');
          sb.append("sha256 ").append(entry.digest().hex()).append('\n');
          Pkcs12Facts facts = entry.facts();
          sb.append("profile ").append(facts.profile().name()).append('\n');
          if (!facts.passwordProtected()) {
            sb.append("unprotected\n");
          }
          facts
              .keyEntry()
              .ifPresent(
                  key -> {
                    sb.append("key ")
                        .append(quote(key.alias()))
                        .append(' ')
                        .append(key.publicKeyFingerprint().hex())
                        .append('\n');
                    key.chain().forEach(f -> sb.append("chain ").append(f.hex()).append('\n'));
                  });
          facts
              .trustedEntries()
              .forEach(
                  (alias, f) ->
                      sb.append("trusted ")
                          .append(quote(alias))
                          .append(' ')
                          .append(f.hex())
                          .append('\n'));
          sb.append("end\n");
        });
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String alias) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : alias.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-') {
        sb.append(c);
      } else {
        sb.append('%').append(HEX.toHexDigits(b).toUpperCase(java.util.Locale.ROOT));
      }
    }
    return sb.append('"').toString();
  }

  /** Reads lines in the one order {@link #format()} writes them; any surprise throws. */
  private static final class Parser {
    private final String[] lines;
    private int next;

    Parser(String[] lines) {
      this.lines = lines;
    }

    Pkcs12Record record() {
      expect(line().equals(HEADER));
      Map<String, Entry> entries = new LinkedHashMap<>();
      while (next < lines.length - 1) {
        String name = value("file");
        expect(StoreLayout.PKCS12_FILES.contains(name) && !entries.containsKey(name));
        Fingerprint digest = new Fingerprint(value("sha256"));
        Pkcs12Profile profile = Pkcs12Profile.valueOf(value("profile"));
        boolean passwordProtected = !lines[next].equals("unprotected");
        if (!passwordProtected) {
          next++;
        }
        Optional<Pkcs12Facts.KeyEntry> key = Optional.empty();
        if (lines[next].startsWith("key ")) {
          String[] parts = fields(value("key"), 2);
          List<Fingerprint> chain = new ArrayList<>();
          while (lines[next].startsWith("chain ")) {
            chain.add(new Fingerprint(value("chain")));
          }
          key = Optional.of(new Pkcs12Facts.KeyEntry(unquote(parts[0]), new Fingerprint(parts[1]), chain));
        }
        Map<String, Fingerprint> trusted = new LinkedHashMap<>();
        while (lines[next].startsWith("trusted ")) {
          String[] parts = fields(value("trusted"), 2);
          expect(trusted.put(unquote(parts[0]), new Fingerprint(parts[1])) == null);
        }
        expect(line().equals("end"));
        entries.put(name, new Entry(digest, new Pkcs12Facts(key, trusted, profile, passwordProtected)));
      }
      expect(next == lines.length - 1 && lines[next].isEmpty());
      return new Pkcs12Record(entries);
    }

    private String line() {
      return lines[next++];
    }

    private String value(String keyword) {
      String line = line();
      expect(line.startsWith(keyword + " "));
      return line.substring(keyword.length() + 1);
    }

    private static String[] fields(String value, int count) {
      String[] parts = value.split(" ", -1);
      expect(parts.length == count);
      return parts;
    }

    private static String unquote(String quoted) {
      expect(quoted.length() >= 2 && quoted.startsWith("\"") && quoted.endsWith("\""));
      String inner = quoted.substring(1, quoted.length() - 1);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < inner.length(); i++) {
        char c = inner.charAt(i);
        if (c == '%') {
          expect(i + 2 < inner.length());
          bytes.write(HEX.fromHexDigits(inner, i + 1, i + 3));
          i += 2;
        } else {
          bytes.write(c);
        }
      }
      // Invalid UTF-8 decodes to replacement characters and so fails the canonical check.
      return bytes.toString(StandardCharsets.UTF_8);
    }

    static void expect(boolean condition) {
      if (!condition) {
        throw new IllegalArgumentException("not a record hostpki writes");
      }
    }
  }
}
