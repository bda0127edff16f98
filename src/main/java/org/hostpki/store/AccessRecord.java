package org.hostpki.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.json.JsonReader;
import org.hostpki.json.JsonWriter;
import org.hostpki.json.RecordFormat;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileKind;
import org.hostpki.model.FileMode;
import org.hostpki.model.StoreLayout;
import tools.jackson.databind.JsonNode;

/**
 * What a generation's writer declared for its files ({@code .access.json}): the owner, group and
 * mode of each file it gave a declared access ({@code store.access}, an output's own), written into
 * the generation with its set before the commit and never changed, like the set itself.
 *
 * <p>Why: the desired state may declare less later ({@code store.access} removed, an output's mode
 * narrowed). Reading checks each file against the desired state, so the live generation's {@code
 * server.key}, still {@code 0640 root:ssl-cert} as it was written, would be refused as widened by
 * someone else, and no run could get past the refusal to narrow it. With this record, reading
 * accepts what the generation itself declared (and plans the narrowing); what no declaration of
 * the generation allows — a key chmod-ed by hand — stays refused. A rollback reads the generation
 * it switches to by that generation's own record.
 *
 * <p>Written only when some file has a declared access: a store without declarations has none,
 * and reading a generation without it checks the files against the desired state alone.
 */
final class AccessRecord {
  /** Its name at the top of a generation; not part of the set, never carried over by a link. */
  static final String FILE_NAME = ".access.json";

  private static final String FORMAT_VERSION = "1";

  private AccessRecord() {}

  /** The record of these declarations, by file name. */
  static byte[] encode(SortedMap<String, FileAccess> declared) {
    JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT_VERSION);
    w.name("files").beginObject();
    declared.forEach(
        (name, access) -> {
          w.name(name).beginObject();
          w.name("owner").value(access.owner().orElse(null));
          w.name("group").value(access.group().orElse(null));
          w.field("mode", access.mode().toString());
          w.endObject();
        });
    w.endObject();
    return (w.endObject() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The declarations recorded in a generation directory, read without following links; none when
   * it has no record.
   *
   * @throws Damaged when the record is not a regular file or not what {@link #encode} writes
   */
  static Map<String, FileAccess> read(Path generation) throws IOException {
    Path file = generation.resolve(FILE_NAME);
    Optional<BasicFileAttributes> found = SafeFiles.entry(file);
    if (found.isEmpty()) {
      return Map.of();
    }
    if (!found.get().isRegularFile()) {
      throw new Damaged(file, "not a regular file");
    }
    try {
      JsonNode root = JsonReader.parse(new String(SafeFiles.readNoFollow(file), StandardCharsets.UTF_8));
      RecordFormat.refuseNewer(root, FORMAT_VERSION, file);
      if (root == null || !root.isObject() || !FORMAT_VERSION.equals(text(root, "format_version").orElse(""))) {
        throw new IllegalArgumentException("no format_version " + FORMAT_VERSION);
      }
      JsonNode files = root.get("files");
      if (files == null || !files.isObject()) {
        throw new IllegalArgumentException("no files");
      }
      SortedMap<String, FileAccess> declared = new TreeMap<>();
      for (Map.Entry<String, JsonNode> entry : files.properties()) {
        JsonNode access = entry.getValue();
        FileMode mode =
            FileMode.parse(text(access, "mode").orElse(""))
                .orElseThrow(() -> new IllegalArgumentException("no mode for " + entry.getKey()));
        if (neverDeclared(entry.getKey())) {
          throw new IllegalArgumentException("an access for " + entry.getKey() + ", which hostpki gives no one");
        }
        declared.put(entry.getKey(), new FileAccess(text(access, "owner"), text(access, "group"), mode));
      }
      return declared;
    } catch (IllegalArgumentException e) {
      throw new Damaged(file, e.getMessage());
    }
  }

  /**
   * A store file no declaration reaches: of the store's own files, {@code store.access} covers
   * {@code server.key} and {@code server.p12} alone ({@code ca.key} stays hostpki's), and no
   * output takes a store name. A record naming one was written by hand.
   */
  private static boolean neverDeclared(String name) {
    return StoreLayout.standard().kindOf(name) != FileKind.UNKNOWN
        && !name.equals(StoreLayout.SERVER_KEY)
        && !name.equals(StoreLayout.SERVER_PKCS12);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isString() || value.asString().isEmpty()) {
      throw new IllegalArgumentException(field + " is not a name");
    }
    return Optional.of(value.asString());
  }

  /** A record that is not what hostpki writes: the generation was altered by hand. */
  static final class Damaged extends IOException {
    private static final long serialVersionUID = 1L;

    final Path file;
    final String what;

    Damaged(Path file, String what) {
      super(file + ": " + what);
      this.file = file;
      this.what = what;
    }
  }
}
