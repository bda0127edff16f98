package org.hostpki.apply;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;

/**
 * What each PKCS#12 file of a store set holds, written by hostpki next to the files (in the same
 * generation, so committed with them) so that observing a converged store need not decode them:
 * opening one costs two PBKDF2 runs of 10,000 iterations, and a large trust store a second more.
 *
 * <p>An entry is used only when the file's bytes hash to the recorded digest and the configured
 * password matches the recorded salted hash; anything else (a hand-replaced file, a changed
 * password, no record, a record this version did not write) falls back to decoding the file.
 *
 * <p>The salted password hash leaks nothing the store does not already give away: the record is
 * mode 0600 like {@code server.key}, which holds the private key in clear in the same directory.
 * The salt is fresh per entry, so equal passwords do not give equal hashes across stores.
 *
 * <p>Format (UTF-8, one item a line, {@code \n} endings), canonical: a record is accepted only if
 * writing it back gives the same bytes, so any unexpected byte rejects it.
 *
 * <pre>
 * hostpki pkcs12-facts 1
 * file server.p12
 * sha256 HEX                    (of the file's bytes)
 * password-salt HEX             (16 bytes)
 * password-sha256 HEX           (SHA-256 of salt || password as UTF-8)
 * profile MODERN|LEGACY
 * key "ALIAS" FINGERPRINT        (optional: the key entry and its public key)
 * chain FINGERPRINT              (zero or more, leaf first, only after key)
 * trusted "ALIAS" FINGERPRINT    (zero or more, by alias)
 * end
 * </pre>
 *
 * Files appear at most once each, in name order; aliases are percent-encoded UTF-8 (every byte
 * outside {@code A-Z a-z 0-9 . _ -}).
 */
final class Pkcs12Record {
  /** The record's store file name: a dot-file, so no plan, status or export lists it. */
  static final String FILE_NAME = ".pkcs12-facts";

  /** The PKCS#12 files a record may describe. */
  static final List<String> FILES = List.of("server.p12", "truststore.p12");

  private static final String HEADER = "hostpki pkcs12-facts 1";
  private static final int SALT_LENGTH = 16;
  private static final HexFormat HEX = HexFormat.of();

  private final SortedMap<String, Entry> entries;

  /**
   * One file's entry.
   *
   * @param digest SHA-256 of the file's exact bytes
   * @param salt random bytes hashed before the password
   * @param passwordHash SHA-256 of salt and password (UTF-8)
   * @param facts what the file holds, read with that password
   */
  record Entry(Fingerprint digest, byte[] salt, byte[] passwordHash, Pkcs12Facts facts) {
    Entry {
      Objects.requireNonNull(digest, "digest");
      salt = salt.clone();
      passwordHash = passwordHash.clone();
      Objects.requireNonNull(facts, "facts");
    }

    /** An entry for a file just written, or just read, with this password. */
    static Entry of(byte[] content, char[] password, Pkcs12Facts facts, SecureRandom random) {
      byte[] salt = new byte[SALT_LENGTH];
      random.nextBytes(salt);
      return new Entry(Fingerprint.sha256(content), salt, saltedHash(salt, password), facts);
    }

    boolean describes(byte[] content, char[] password) {
      // The cheap comparison first: a password hash is only computed for the right file.
      return digest.equals(Fingerprint.sha256(content))
          && MessageDigest.isEqual(passwordHash, saltedHash(salt, password));
    }
  }

  Pkcs12Record(Map<String, Entry> entries) {
    for (String name : entries.keySet()) {
      if (!FILES.contains(name)) {
        throw new IllegalArgumentException("not a PKCS#12 file of the store: " + name);
      }
    }
    this.entries = new TreeMap<>(entries);
  }

  /** The facts of a file, when this record describes exactly these bytes with this password. */
  Optional<Pkcs12Facts> factsOf(String name, byte[] content, char[] password) {
    Entry entry = entries.get(name);
    if (entry == null || !entry.describes(content, password)) {
      return Optional.empty();
    }
    return Optional.of(entry.facts());
  }

  /** A record as written by {@link #format()}; empty for anything else. */
  static Optional<Pkcs12Record> parse(byte[] content) {
    Pkcs12Record record;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
      record = new Parser(text.split("\n", -1)).record();
    } catch (CharacterCodingException | RuntimeException e) {
      return Optional.empty();
    }
    // Canonical or nothing: whatever the parser let through that it would not write is refused.
    return Arrays.equals(record.format(), content) ? Optional.of(record) : Optional.empty();
  }

  byte[] format() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    entries.forEach(
        (name, entry) -> {
          sb.append("file ").append(name).append('\n');
          sb.append("sha256 ").append(entry.digest().hex()).append('\n');
          sb.append("password-salt ").append(HEX.formatHex(entry.salt())).append('\n');
          sb.append("password-sha256 ").append(HEX.formatHex(entry.passwordHash())).append('\n');
          Pkcs12Facts facts = entry.facts();
          sb.append("profile ").append(facts.profile().name()).append('\n');
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

  private static byte[] saltedHash(byte[] salt, char[] password) {
    ByteBuffer encoded;
    try {
      encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .encode(CharBuffer.wrap(password));
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("replacing encoder failed", e);
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(encoded.duplicate());
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    } finally {
      // The password's bytes do not outlive the hash.
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
    }
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
        expect(FILES.contains(name) && !entries.containsKey(name));
        Fingerprint digest = new Fingerprint(value("sha256"));
        byte[] salt = HEX.parseHex(value("password-salt"));
        byte[] hash = HEX.parseHex(value("password-sha256"));
        expect(salt.length == SALT_LENGTH && hash.length == 32);
        Pkcs12Profile profile = Pkcs12Profile.valueOf(value("profile"));
        Optional<Pkcs12Facts.KeyEntry> key = Optional.empty();
        if (lines[next].startsWith("key ")) {
          String[] parts = fields(value("key"), 2);
          List<Fingerprint> chain = new java.util.ArrayList<>();
          while (lines[next].startsWith("chain ")) {
            chain.add(new Fingerprint(value("chain")));
          }
          key = Optional.of(new Pkcs12Facts.KeyEntry(unquote(parts[0]), fingerprint(parts[1]), chain));
        }
        Map<String, Fingerprint> trusted = new LinkedHashMap<>();
        while (lines[next].startsWith("trusted ")) {
          String[] parts = fields(value("trusted"), 2);
          expect(trusted.put(unquote(parts[0]), fingerprint(parts[1])) == null);
        }
        expect(line().equals("end"));
        entries.put(name, new Entry(digest, salt, hash, new Pkcs12Facts(key, trusted, profile)));
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

    private static Fingerprint fingerprint(String hex) {
      return new Fingerprint(hex);
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

    private static void expect(boolean condition) {
      if (!condition) {
        throw new IllegalArgumentException("not a record hostpki writes");
      }
    }
  }
}
