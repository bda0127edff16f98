package org.hostpki.acme;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hostpki.json.JsonReader;
import org.hostpki.json.JsonWriter;
import org.hostpki.json.RecordFormat;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.KeySpec;
import org.hostpki.model.RecordTime;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.RecordDirectory;
import tools.jackson.databind.JsonNode;

/**
 * The ACME record of one CA directory in a store: {@code STORE/.acme/HOST-HASH/} holding the
 * account key {@value #KEY_FILE} (0600, PKCS#8 PEM, EC P-256) and {@value #STATE_FILE} (the account
 * URL, the last order, the last failure). One folder per directory URL, so moving between a CA's
 * staging and production directories keeps both accounts.
 *
 * <p>The key is written (and synced) before the account is created at the CA, and the URL right
 * after: an order that fails later, or a crash in between, never leads to a second account (a
 * new-account request with a key the CA knows returns the existing account, RFC 8555 7.3.1).
 */
public final class AccountRecord {
  public static final String KEY_FILE = "acme-account.key";
  public static final String STATE_FILE = "account.json";
  static final String FORMAT_VERSION = "1";


  private final RecordDirectory directory;
  private final String directoryUrl;

  private AccountRecord(RecordDirectory directory, String directoryUrl) {
    this.directory = directory;
    this.directoryUrl = directoryUrl;
  }

  /** The record for this CA directory in this store; nothing is read or made yet. */
  public static AccountRecord in(Path store, URI directoryUrl, SecureRandom random) {
    return new AccountRecord(
        RecordDirectory.in(store, random, RecordDirectory.ACME, folderName(directoryUrl)), directoryUrl.toString());
  }

  /** {@code acme-v02.api.letsencrypt.org-1a2b3c4d}: readable, and distinct per URL. */
  static String folderName(URI directoryUrl) {
    String host = directoryUrl.getHost() == null ? "acme" : directoryUrl.getHost().toLowerCase(Locale.ROOT);
    host = host.replaceAll("[^a-z0-9.-]", "_");
    if (directoryUrl.getPort() > 0) {
      host += "_" + directoryUrl.getPort();
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(directoryUrl.toString().getBytes(StandardCharsets.UTF_8));
      return host + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  public Path path() {
    return directory.path();
  }

  /** The account key, if one was made. */
  public Optional<KeyMaterial> key() {
    Optional<byte[]> pem = read(() -> directory.readSecret(KEY_FILE));
    if (pem.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyMaterial.fromPem(pem.get()));
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(
          path().resolve(KEY_FILE) + " " + e.getMessage() + "; it is the ACME account key: restore it from"
              + " a backup, or remove the folder " + path() + " to make a new account");
    }
  }

  /** The account key, made (EC P-256) and written first when there is none. */
  public KeyMaterial keyOrCreate(SecureRandom random) throws IOException {
    Optional<KeyMaterial> existing = key();
    if (existing.isPresent()) {
      return existing.get();
    }
    KeyMaterial made = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    directory.replace(KEY_FILE, made.pkcs8Pem(), true);
    return made;
  }

  /** The recorded state; a fresh one when nothing is recorded yet. */
  public AccountState state() {
    Optional<byte[]> bytes = read(() -> directory.read(STATE_FILE));
    if (bytes.isEmpty()) {
      return AccountState.fresh(directoryUrl);
    }
    try {
      JsonNode root = JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8));
      RecordFormat.refuseNewer(root, FORMAT_VERSION, path().resolve(STATE_FILE));
      return parse(root);
    } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
      throw new HostpkiException(
          path().resolve(STATE_FILE) + " is damaged (" + e.getMessage().lines().findFirst().orElse("")
              + "); remove it: the account key stays, and the next order finds the account again");
    }
  }

  /**
   * Saves the state; with an account URL, also the fingerprint of the key beside it, so that a key
   * replaced later is known not to be that account's ({@link #isAccountOf}).
   */
  public void save(AccountState state) throws IOException {
    Optional<String> keySha256 =
        state.accountUrl().isPresent() ? key().map(k -> k.publicKey().fingerprint().hex()) : Optional.empty();
    directory.replace(STATE_FILE, json(state, keySha256).line().getBytes(StandardCharsets.UTF_8), false);
  }

  /**
   * Whether the recorded account URL was saved with this key beside it; true for a record written
   * before the fingerprint was (nothing to tell).
   */
  public boolean isAccountOf(KeyMaterial key) {
    Optional<byte[]> bytes = read(() -> directory.read(STATE_FILE));
    if (bytes.isEmpty()) {
      return true;
    }
    try {
      return optional(JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8)), "account_key_sha256")
          .map(k -> k.equals(key.publicKey().fingerprint().hex())).orElse(true);
    } catch (IllegalArgumentException e) {
      return true; // state() says what is damaged
    }
  }

  private interface Read {
    Optional<byte[]> get() throws IOException;
  }

  private Optional<byte[]> read(Read read) {
    try {
      return read.get();
    } catch (IOException e) {
      throw new HostpkiException("cannot read the ACME record in " + path() + ": " + e.getMessage());
    }
  }

  private static JsonWriter json(AccountState s, Optional<String> keySha256) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("directory", s.directory());
    s.accountUrl().ifPresent(u -> w.field("account_url", u));
    keySha256.ifPresent(k -> w.field("account_key_sha256", k));
    s.lastOrder().ifPresent(
        o ->
            w.name("last_order")
                .beginObject()
                .field("completed", o.completed())
                .field("order_url", o.orderUrl())
                .field("certificate_url", o.certificateUrl())
                .field("identifiers", o.identifiers())
                .field("leaf_sha256", o.leafSha256())
                .field("earlier_leaves_sha256", o.earlierLeavesSha256())
                .endObject());
    s.failure().ifPresent(
        f -> {
          w.name("last_failure").beginObject();
          w.field("at", f.at());
          w.field("in_a_row", f.inARow());
          w.field("kind", f.kind().name().toLowerCase(Locale.ROOT));
          w.field("message", f.message());
          f.problemType().ifPresent(t -> w.field("problem_type", t));
          f.retryAfter().ifPresent(t -> w.field("retry_after", t));
          w.field("next_attempt", f.nextAttempt());
          w.endObject();
        });
    return w.endObject();
  }

  private AccountState parse(JsonNode root) {
    Optional<AccountState.LastOrder> order = Optional.empty();
    JsonNode o = root.path("last_order");
    if (o.isObject()) {
      List<String> ids = new ArrayList<>();
      o.path("identifiers").values().forEach(v -> ids.add(v.asString()));
      List<String> earlier = new ArrayList<>();
      o.path("earlier_leaves_sha256").values().forEach(v -> earlier.add(v.asString())); // absent before 2026-12
      order =
          Optional.of(
              new AccountState.LastOrder(
                  time(o, "completed"), text(o, "order_url"), text(o, "certificate_url"), ids,
                  text(o, "leaf_sha256"), earlier));
    }
    Optional<AccountState.LastFailure> failure = Optional.empty();
    JsonNode f = root.path("last_failure");
    if (f.isObject()) {
      failure =
          Optional.of(
              new AccountState.LastFailure(
                  time(f, "at"),
                  f.path("in_a_row").asInt(1),
                  AcmeFailure.Kind.valueOf(text(f, "kind").toUpperCase(Locale.ROOT)),
                  text(f, "message"),
                  optional(f, "problem_type"),
                  // what the CA asked for, kept as it said it: a Retry-After of the year 99999
                  // (believed for a week at most: next_attempt) is no time a date is written for
                  optional(f, "retry_after").map(Instant::parse).filter(RecordTime::holds),
                  time(f, "next_attempt")));
    }
    return new AccountState(text(root, "directory"), optional(root, "account_url"), order, failure);
  }

  /**
   * A time of the record: outside RecordTime's years (Instant.parse takes a year of a billion,
   * which status and plan cannot write a date for) the record is damaged.
   */
  private static Instant time(JsonNode n, String key) {
    return RecordTime.parse(text(n, key))
        .orElseThrow(() -> new IllegalArgumentException("'" + key + "' is not a time of the years 1970 to 9999"));
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.path(key);
    if (!v.isString()) {
      throw new IllegalArgumentException("'" + key + "' is missing");
    }
    return v.asString();
  }

  private static Optional<String> optional(JsonNode n, String key) {
    JsonNode v = n.path(key);
    return v.isString() ? Optional.of(v.asString()) : Optional.empty();
  }
}
