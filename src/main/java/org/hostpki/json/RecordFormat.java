package org.hostpki.json;

import java.nio.file.Path;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;
import tools.jackson.databind.JsonNode;

/**
 * The {@code format_version} of the store's JSON records (the hook ledger, a rollback's hold, the
 * install, access and ACME records). A record in a later format than this build reads was written
 * by a newer hostpki, and this one runs after a downgrade: it is refused as that, never taken for
 * a damaged record, whose fix — remove it — would lose what it holds (pending hooks, what was
 * installed where). Formats are whole numbers, raised only when a build could no longer read a
 * record right (a new field an older build may leave out keeps the format).
 */
public final class RecordFormat {
  private RecordFormat() {}

  /**
   * Refuses {@code root}, read from {@code file}, when its {@code format_version} is a later
   * format than {@code read}; anything else is left to the record's own checks.
   */
  public static void refuseNewer(JsonNode root, String read, Path file) {
    refuseNewer(root, read, file, "record format");
  }

  /**
   * As {@link #refuseNewer(JsonNode, String, Path)}, for a format of another kind ({@code store
   * format}: the store-wide marker).
   */
  public static void refuseNewer(JsonNode root, String read, Path file, String kind) {
    JsonNode version = root == null || !root.isObject() ? null : root.get("format_version");
    if (version == null || !version.isString() || !isLater(version.asString(), read)) {
      return;
    }
    throw new HostpkiException(
        file + " is in " + kind + " " + TerminalText.escape(version.asString())
            + ", which a newer hostpki wrote; this one reads format " + read + " (was hostpki"
            + " downgraded?): run a hostpki at least as new as the one that wrote it. The store was"
            + " left as it is.");
  }

  private static boolean isLater(String found, String read) {
    if (!found.matches("[1-9][0-9]{0,17}")) {
      return false;
    }
    return Long.parseLong(found) > Long.parseLong(read);
  }
}
