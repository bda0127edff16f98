package org.hostpki.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.hostpki.json.JsonReader;
import org.hostpki.json.JsonWriter;
import org.hostpki.json.RecordFormat;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;
import tools.jackson.databind.JsonNode;

/**
 * The store-wide format marker, {@code STORE/.hostpki-store.json}: {@code {"format_version": "1",
 * "written_by": "hostpki 0.1.0, commit …"}}. Each JSON record has a {@code format_version} of its
 * own, but that cannot cover what an older build would misread or delete outside such a record: a
 * file a newer build adds to the set (an older one removes it as undeclared, as builds before
 * 2d7e3604 did with {@code ca-previous.crl}), a file whose meaning changed, the plain-text {@code
 * .crl/} records. So the store as a whole carries the highest format a writer of it knew.
 *
 * <ul>
 *   <li>Every command that reads a store, read-only ones too, refuses one whose marker is newer
 *       than {@link #STORE_FORMAT}, before it reads anything else, in {@link RecordFormat}'s words.
 *   <li>Every writer raises the marker to its own format under the store's lock before its commit
 *       (a new set, a rollback's switch), and never lowers it. A future format whose change lies
 *       in a record outside the generations ({@code .crl/}, {@code .acme/}, {@code .install/})
 *       must raise it before writing that record too.
 *   <li>It lives beside the generations, like {@code .install/}, so a rollback never lowers it.
 *   <li>A store without it is format 1: nothing is rewritten by a reader; the next commit writes it.
 *   <li>Bump {@link #STORE_FORMAT} only for a change an older build would misread or delete; a
 *       new field an older build leaves out keeps the format.
 * </ul>
 *
 * Builds before the marker cannot be protected by it: README "Upgrading, and going back to an older
 * hostpki" keeps their list. The file is replaced as a whole (a new file beside it, synced,
 * renamed over it, the store directory synced), so a crash leaves the old or the new marker.
 */
public final class StoreFormat {
  /** The store format this build reads and writes. */
  public static final int STORE_FORMAT = 1;

  /** The marker's name in a store. */
  public static final String FILE = ".hostpki-store.json";

  /** The name a new marker is written under before it is renamed over {@link #FILE}. */
  static final String TEMPORARY = FILE + ".tmp";

  /** What the marker holds at most: it is a few dozen bytes. */
  private static final int MOST_BYTES = 4096;

  private StoreFormat() {}

  /**
   * Refuses the store when its marker names a newer format than this build's; a store without one
   * (or a folder that is not one yet) passes.
   *
   * @throws HostpkiException naming the marker and the fix, with the store left as it is
   */
  public static void requireReadable(Path store) {
    found(store);
  }

  /**
   * Raises the marker to this build's format when it is missing or lower (under the store's lock,
   * last before a commit); refuses a newer one as {@link #requireReadable} does.
   *
   * @throws IOException when the marker cannot be written: the caller says the store is unchanged
   */
  static void raiseIn(Path store) throws IOException {
    if (found(store).orElse(0L) >= STORE_FORMAT) {
      return;
    }
    Path temporary = store.resolve(TEMPORARY);
    Files.deleteIfExists(temporary); // a crash's leftover; the caller holds the lock
    SafeFiles.replaceVia(temporary, store.resolve(FILE), render().getBytes(StandardCharsets.UTF_8), false);
  }

  /** The format the marker names; empty without one. */
  private static Optional<Long> found(Path store) {
    Path file = store.resolve(FILE);
    byte[] content;
    try {
      if (Files.isSymbolicLink(file)) {
        throw new HostpkiException(
            file + " is a symbolic link; hostpki reads its store format marker only from a file"
                + " it wrote. Remove it (rm " + file + ") and run again");
      }
      content = SafeFiles.readHeadNoFollow(file, MOST_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.exists(store, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      boolean notAFile =
          Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
      throw new HostpkiException(
          "cannot read the store format marker " + file + ": " + IoFailures.describe(e)
              + "; the store was left as it is"
              + (notAFile ? ". hostpki writes it as a file: move that out of the store ("
                  + ShellCommand.of("mv", file, store.getParent() + "/") + ") and run again" : ""),
          e);
    }
    JsonNode root;
    try {
      root = content.length > MOST_BYTES ? null : JsonReader.parse(new String(content, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      root = null;
    }
    JsonNode version = root == null || !root.isObject() ? null : root.get("format_version");
    if (version == null || !version.isString() || !version.asString().matches("[1-9][0-9]{0,17}")) {
      throw new HostpkiException(
          file + " is not a store format marker hostpki wrote (it must hold {\"format_version\":"
              + " \"N\", ...}). If it was damaged by hand and this hostpki is the newest that ran on"
              + " the store, remove it (rm " + file + ") and the next apply writes it again; the"
              + " store was left as it is");
    }
    RecordFormat.refuseNewer(root, String.valueOf(STORE_FORMAT), file, "store format");
    return Optional.of(Long.parseLong(version.asString()));
  }

  static String render() {
    return new JsonWriter()
        .beginObject()
        .field("format_version", String.valueOf(STORE_FORMAT))
        .field("written_by", thisBuild())
        .endObject()
        .line();
  }

  /**
   * This build in the words {@code hostpki version} uses ("hostpki 0.1.0, commit 6f1d0c2"), from
   * the build's facts the jar carries (pom.xml "build-info", read by cli's VersionReport too).
   */
  private static String thisBuild() {
    Properties build = new Properties();
    try (InputStream in = StoreFormat.class.getResourceAsStream("/org/hostpki/cli/build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      // as without the file: the build is unknown
    }
    return "hostpki " + known(build.getProperty("version")).orElse("development")
        + ", commit " + known(build.getProperty("commit")).orElse("unknown");
  }

  private static Optional<String> known(String value) {
    return Optional.ofNullable(value)
        .map(String::strip)
        .filter(v -> !v.isEmpty() && !v.equals("unknown") && !v.contains("${"));
  }
}
