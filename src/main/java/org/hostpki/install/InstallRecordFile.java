package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.json.JsonReader;
import org.hostpki.json.JsonWriter;
import org.hostpki.json.RecordFormat;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.RecordTime;
import org.hostpki.model.TerminalText;
import org.hostpki.store.RecordDirectory;
import tools.jackson.databind.JsonNode;

/**
 * The install record as a file: {@code STORE/.install/record.json}, a record beside the
 * generations ({@link RecordDirectory}) and not in one, because it records what is outside the
 * store: a rollback of the store's files does not undo an install, so it must not roll the record
 * back either. Replaced whole in one rename, mode 0600 in a 0700 folder (it names the password's
 * source, never the password).
 *
 * <pre>
 * {"format_version": "1",
 *  "stores": {"web-3f9a0c1d": "/var/lib/hostpki/web"},
 *  "targets": [
 *    {"target": "system", "entries": [{"name": "ca", "sha256": "3f9a…"}]},
 *    {"target": "java:/opt/app/jre/lib/security/cacerts", "password": {"env": "CACERTS_PASSWORD"},
 *     "entries": [{"name": "ca", "sha256": "3f9a…"}, {"name": "trust-ldap", "sha256": "…"}]},
 *    {"target": "nss:/home/app/.pki/nssdb", "entries": [{"name": "ca", "sha256": "3f9a…"}]}],
 *  "failed": [
 *    {"target": "java:/opt/app/jre/lib/security/cacerts", "since": "2026-12-07T15:21:14Z",
 *     "at": "2026-12-07T16:21:14Z", "attempts": 2, "error": ["install/java:…: … was locked by …"]}]}
 * </pre>
 *
 * {@code stores} (each tag whose entries the record names, with the real path of its store, this
 * one's included) tells a copy of a store in another folder from a store that moved ({@link
 * #stores}); an older build ignores it and leaves it out when it writes the record.
 *
 * <p>{@code failed} (the last failed change of a target, kept until one succeeds) is there only when
 * a change failed: a record without it is as an older build writes it, and an older build reads
 * a record with it (it ignores what it does not know) and drops it when it writes the record.
 */
public final class InstallRecordFile {
  /** The record's folder in the store. */
  public static final String FOLDER = ".install";

  public static final String FILE = "record.json";
  public static final String FORMAT_VERSION = "1";

  private InstallRecordFile() {}

  /** The record in {@code store}; empty when there is none yet. */
  public static InstallRecord read(Path store) {
    Path file = store.resolve(FOLDER).resolve(FILE);
    Optional<byte[]> bytes;
    try {
      bytes = folder(store).read(FILE);
    } catch (IOException e) {
      throw new HostpkiException("cannot read the install record " + file + ": " + e.getMessage());
    }
    if (bytes.isEmpty()) {
      return InstallRecord.empty();
    }
    try {
      JsonNode root = JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8));
      RecordFormat.refuseNewer(root, FORMAT_VERSION, file);
      return parse(root, store.getFileSystem());
    } catch (IllegalArgumentException e) {
      throw new HostpkiException(
          file + " is not a hostpki install record (" + e.getMessage()
              + "); it says what hostpki installed where (system, Java, NSS), so that a target no longer named is"
              + " cleaned up: restore it from a backup, or remove it once nothing hostpki installed is left");
    }
  }

  /**
   * The stores whose entries the record in {@code store} names, by tag: the real path each had
   * when it wrote the record ({@code "stores"}; empty for a record an older build wrote). A copy of
   * a store (a backup restored into another folder) finds there the store it was copied from.
   */
  public static SortedMap<String, String> stores(Path store) {
    SortedMap<String, String> out = new TreeMap<>();
    try {
      Optional<byte[]> bytes = folder(store).read(FILE);
      JsonNode stores = bytes.isEmpty() ? null : JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8)).get("stores");
      if (stores != null && stores.isObject()) {
        for (String tag : stores.propertyNames()) {
          JsonNode path = stores.get(tag);
          // a path no file can have (a NUL by hand) stopped every plan with "cannot use the file
          // name '/x\x00y'", naming no record (thostile16): that store is not known
          if (path.isString() && path.asString().startsWith("/") && path.asString().indexOf('\0') < 0) {
            out.put(tag, path.asString());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // read() says what is wrong with the record; without it no other store is known
    }
    return out;
  }

  /**
   * Whether the store at {@code other} holds a record that names {@code name} in {@code target}:
   * that store is there and counts the entry as its own. A record that cannot be read counts as
   * naming it (the entry is left alone).
   */
  public static boolean names(Path other, InstallTarget target, String name) {
    if (!Files.exists(other.resolve(FOLDER).resolve(FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      return read(other).installed(target).map(i -> i.entries().containsKey(name)).orElse(false);
    } catch (HostpkiException e) {
      return true;
    }
  }

  /**
   * Replaces the record in {@code store} in one rename, with the real path of this store and of
   * the other stores whose entries it still names (as {@link #stores} read them).
   */
  public static void write(Path store, InstallRecord record) {
    SortedMap<String, String> stores = new TreeMap<>();
    SortedMap<String, String> known = stores(store);
    record.targets().values().forEach(i -> i.entries().keySet().forEach(
        name -> InstallEntryNames.tagOf(name).filter(known::containsKey).ifPresent(t -> stores.put(t, known.get(t)))));
    String real = InstallTargets.realPath(store);
    stores.put(InstallEntryNames.tag(real), real);
    try {
      folder(store).replace(FILE, render(record, stores).getBytes(StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new HostpkiException("cannot write the install record " + store.resolve(FOLDER).resolve(FILE) + ": " + e.getMessage());
    }
  }

  private static RecordDirectory folder(Path store) {
    return RecordDirectory.in(store, new SecureRandom(), FOLDER);
  }

  static String render(InstallRecord record) {
    return render(record, new TreeMap<>());
  }

  static String render(InstallRecord record, SortedMap<String, String> stores) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    if (!stores.isEmpty()) {
      w.name("stores").beginObject();
      stores.forEach((tag, path) -> w.field(tag, path));
      w.endObject();
    }
    w.name("targets").beginArray();
    for (Map.Entry<InstallTarget, InstallRecord.Installed> t : record.targets().entrySet()) {
      w.beginObject();
      w.field("target", t.getKey().address());
      t.getValue().password().ifPresent(p -> {
        w.name("password").beginObject();
        if (p instanceof PasswordSource.Env env) {
          w.field("env", env.variable());
        } else {
          w.field("file", ((PasswordSource.File) p).path().toString());
        }
        w.endObject();
      });
      w.name("entries").beginArray();
      t.getValue().entries().forEach(
          (name, fingerprint) -> w.beginObject().field("name", name).field("sha256", fingerprint).endObject());
      w.endArray();
      w.endObject();
    }
    w.endArray();
    if (!record.failures().isEmpty()) {
      w.name("failed").beginArray();
      record.failures().forEach((target, f) -> {
        w.beginObject().field("target", target.address()).field("since", f.since().toString())
            .field("at", f.at().toString()).field("attempts", f.attempts());
        if (f.hook()) {
          w.field("hook", true); // an older build reads it as a failed change of the target
        }
        w.name("error").beginArray();
        f.error().forEach(w::value);
        w.endArray().endObject();
      });
      w.endArray();
    }
    return w.endObject().line();
  }

  static InstallRecord parse(JsonNode root, FileSystem fileSystem) {
    if (root == null || !root.isObject() || !FORMAT_VERSION.equals(text(root, "format_version"))) {
      throw new IllegalArgumentException("no format_version " + FORMAT_VERSION);
    }
    SortedMap<InstallTarget, InstallRecord.Installed> targets = new TreeMap<>();
    for (JsonNode t : array(root, "targets")) {
      InstallTarget target =
          InstallTarget.fromAddress(text(t, "target"), fileSystem)
              .orElseThrow(() -> new IllegalArgumentException("unknown target '" + text(t, "target") + "'"));
      SortedMap<String, Fingerprint> entries = new TreeMap<>();
      for (JsonNode e : array(t, "entries")) {
        String name = text(e, "name");
        if (!InstallEntryNames.isValid(name) || entries.put(name, new Fingerprint(text(e, "sha256"))) != null) {
          throw new IllegalArgumentException("a bad or repeated entry name '" + name + "' in " + target);
        }
      }
      if (targets.put(target, new InstallRecord.Installed(entries, password(t.get("password"), fileSystem))) != null) {
        throw new IllegalArgumentException("the target " + target + " is there twice");
      }
    }
    return new InstallRecord(targets, failures(root, fileSystem));
  }

  /**
   * The failed changes, each one skipped where it is bad: they only say why a target's last
   * change failed, and one bad entry (an edit, a newer build's field) must not make the whole
   * record, which says what hostpki installed where, unreadable (rvcore15). The target's next
   * attempt records its failure again.
   */
  private static SortedMap<InstallTarget, InstallRecord.Failure> failures(JsonNode root, FileSystem fileSystem) {
    SortedMap<InstallTarget, InstallRecord.Failure> out = new TreeMap<>();
    JsonNode failed = root.get("failed");
    if (failed == null || !failed.isArray()) {
      return out;
    }
    for (JsonNode f : failed) {
      failure(f, fileSystem).ifPresent(failure -> out.putIfAbsent(failure.getKey(), failure.getValue()));
    }
    return out;
  }

  private static Optional<Map.Entry<InstallTarget, InstallRecord.Failure>> failure(JsonNode f, FileSystem fileSystem) {
    Optional<InstallTarget> target = InstallTarget.fromAddress(text(f, "target"), fileSystem);
    JsonNode lines = f.get("error");
    JsonNode attempts = f.get("attempts");
    if (target.isEmpty() || lines == null || !lines.isArray() || attempts == null || !attempts.isInt()) {
      return Optional.empty();
    }
    List<String> error = new ArrayList<>();
    for (JsonNode line : lines) {
      // the tool's words: escaped when written, escaped again (a no-op then) as the file may
      // have been edited
      error.add(TerminalText.escape(line.isString() ? line.asString() : line.toString()));
    }
    // a time outside RecordTime's years (Instant.parse takes years up to a billion) made every
    // plan, check and status stop with "internal error: DateTimeException" where the failure's
    // time is written (thostile16): such an entry is spoilt by hand, skipped
    Optional<Instant> since = RecordTime.parse(text(f, "since"));
    Optional<Instant> at = RecordTime.parse(text(f, "at"));
    if (since.isEmpty() || at.isEmpty()) {
      return Optional.empty();
    }
    boolean hook = f.get("hook") != null && f.get("hook").isBoolean() && f.get("hook").asBoolean();
    try {
      return Optional.of(Map.entry(target.get(),
          new InstallRecord.Failure(since.get(), at.get(), attempts.asInt(), error, hook)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<PasswordSource> password(JsonNode password, FileSystem fileSystem) {
    if (password == null || password.isNull()) {
      return Optional.empty();
    }
    if (!text(password, "env").isEmpty()) {
      return Optional.of(new PasswordSource.Env(text(password, "env")));
    }
    try {
      Path file = fileSystem.getPath(text(password, "file"));
      if (file.isAbsolute()) {
        return Optional.of(new PasswordSource.File(file));
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    throw new IllegalArgumentException("a password source that is neither env nor an absolute file");
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new IllegalArgumentException("no list '" + field + "'");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isString() ? "" : value.asString();
  }
}
