package org.hostpki.json;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.TerminalText;

/**
 * Writes one compact JSON document, in order, as it goes: hostpki's only way to write JSON (every
 * {@code --output json} document, saved plans, store records). The contract's forms are written
 * here once: timestamps as RFC 3339 in UTC, durations as ISO 8601, fingerprints as lower-case hex.
 *
 * <p>Strings are escaped for JSON and for terminals at once: besides what JSON requires, every
 * character {@link TerminalText} would escape (DEL, the C1 controls, the line and paragraph
 * separators, the bidi overrides and isolates) and a lone surrogate are written as {@code
 * \}{@code uNNNN}, which every JSON reader reads back as the same character. So a document that
 * quotes a hostile certificate subject can be printed to a terminal, or a log, as it is.
 *
 * <p>Misuse (a value where a name is due, an unclosed object) is a programming error and throws
 * {@link IllegalStateException}.
 */
public final class JsonWriter {
  /** Text written into {@link #sink} once it holds this many characters. */
  private static final int PIECE = 8192;

  private final StringBuilder out = new StringBuilder(256);
  /** Per open object or array: whether nothing has been written into it yet. */
  private final Deque<Scope> scopes = new ArrayDeque<>();
  /** Where a {@link #to streamed} document goes as it is written; null: kept whole in {@link #out}. */
  private final java.io.Writer sink;
  /** Whether the top-level value was begun. */
  private boolean begun;

  /** A document kept whole: {@link #toString}, {@link #line}. */
  public JsonWriter() {
    this.sink = null;
  }

  private JsonWriter(java.io.Writer sink) {
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
  }

  /**
   * A document written into {@code sink} in pieces of about 8,192 characters as it is written,
   * never whole in memory (a store's {@code .generation.json} after an apply of 100,000 trusted
   * certificates is 45 MB): {@link #finish} writes the rest. A failure of the sink is thrown as
   * an {@link java.io.UncheckedIOException} from the method that wrote the piece.
   */
  public static JsonWriter to(java.io.Writer sink) {
    return new JsonWriter(sink);
  }

  /** Writes the rest of a {@link #to streamed} document, which must be complete, and flushes its sink. */
  public void finish() throws java.io.IOException {
    if (sink == null) {
      throw new IllegalStateException("not a streamed JSON document: use toString");
    }
    if (!scopes.isEmpty() || !begun) {
      throw new IllegalStateException("the JSON document is not complete: " + out);
    }
    sink.append(out);
    out.setLength(0);
    sink.flush();
  }

  private static final class Scope {
    final boolean object;
    boolean empty = true;
    boolean nameWritten;

    Scope(boolean object) {
      this.object = object;
    }
  }

  public JsonWriter beginObject() {
    return begin(true, '{');
  }

  public JsonWriter endObject() {
    close(true, '}');
    return this;
  }

  public JsonWriter beginArray() {
    return begin(false, '[');
  }

  public JsonWriter endArray() {
    close(false, ']');
    return this;
  }

  /** The name of the next member of the open object. */
  public JsonWriter name(String name) {
    Scope scope = scopes.peek();
    if (scope == null || !scope.object || scope.nameWritten) {
      throw new IllegalStateException("a name belongs in an object, before its value: " + name);
    }
    if (!scope.empty) {
      out.append(',');
    }
    scope.empty = false;
    scope.nameWritten = true;
    string(name);
    out.append(':');
    return this;
  }

  /** A string, or {@code null}. */
  public JsonWriter value(String s) {
    if (s == null) {
      return nullValue();
    }
    beforeValue();
    string(s);
    return this;
  }

  public JsonWriter value(long n) {
    return raw(Long.toString(n));
  }

  public JsonWriter value(boolean b) {
    return raw(Boolean.toString(b));
  }

  /** A point in time as RFC 3339 in UTC ({@code 2036-12-03T00:21:00Z}), or {@code null}. */
  public JsonWriter value(Instant time) {
    return value(time == null ? null : timestamp(time));
  }

  /** A span of time as ISO 8601 ({@code P398D}, {@code PT12H}), or {@code null}. */
  public JsonWriter value(Duration span) {
    return value(span == null ? null : duration(span));
  }

  /** A SHA-256 fingerprint as 64 lower-case hex digits, or {@code null}. */
  public JsonWriter value(Fingerprint fingerprint) {
    return value(fingerprint == null ? null : fingerprint.hex());
  }

  public JsonWriter nullValue() {
    return raw("null");
  }

  /** A value as read ({@link JsonReader#parse}): a record's part kept whole when it is written again. */
  public JsonWriter value(tools.jackson.databind.JsonNode node) {
    return raw(node.toString());
  }

  /** An array of strings. */
  public JsonWriter strings(Collection<String> values) {
    beginArray();
    values.forEach(this::value);
    return endArray();
  }

  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  /** A string member, {@code null} when empty. */
  public JsonWriter field(String name, Optional<String> value) {
    return name(name).value(value.orElse(null));
  }

  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, Instant value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, Duration value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, Fingerprint value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, Collection<String> values) {
    return name(name).strings(values);
  }

  /** The document, which must be complete. */
  @Override
  public String toString() {
    if (sink != null) {
      throw new IllegalStateException("a streamed JSON document is not kept: use finish");
    }
    if (!scopes.isEmpty() || out.length() == 0) {
      throw new IllegalStateException("the JSON document is not complete: " + out);
    }
    return out.toString();
  }

  /** The document and a line end: what a command prints. */
  public String line() {
    return this + "\n";
  }

  /** {@code 2036-12-03T00:21:00Z}: RFC 3339 in UTC, with a fraction of a second only when there is one. */
  public static String timestamp(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time);
  }

  /** ISO 8601: {@code P398D} for whole days, else {@code PT36H}, {@code PT90M}, {@code PT1.5S}. */
  public static String duration(Duration span) {
    if (!span.isZero() && !span.isNegative() && span.getNano() == 0 && span.getSeconds() % 86400 == 0) {
      return "P" + span.getSeconds() / 86400 + "D";
    }
    return span.toString();
  }

  /** A streamed document's text so far goes to its sink once it is a piece. */
  private void spill() {
    if (sink == null || out.length() < PIECE) {
      return;
    }
    try {
      sink.append(out); // only after a whole token: no surrogate pair is split
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.setLength(0);
  }

  private JsonWriter raw(String token) {
    beforeValue();
    out.append(token);
    spill();
    return this;
  }

  private void beforeValue() {
    Scope scope = scopes.peek();
    if (scope == null) {
      if (begun) {
        throw new IllegalStateException("a JSON document has one top-level value");
      }
      begun = true;
      return;
    }
    if (scope.object) {
      if (!scope.nameWritten) {
        throw new IllegalStateException("a value in an object needs a name first");
      }
      scope.nameWritten = false;
      return;
    }
    if (!scope.empty) {
      out.append(',');
    }
    scope.empty = false;
  }

  private JsonWriter begin(boolean object, char opening) {
    beforeValue();
    out.append(opening);
    scopes.push(new Scope(object));
    return this;
  }

  private void close(boolean object, char closing) {
    Scope scope = scopes.poll();
    if (scope == null || scope.object != object || scope.nameWritten) {
      throw new IllegalStateException("nothing to close with " + closing + " here: " + out);
    }
    out.append(closing);
    spill();
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (TerminalText.isUnsafe(c) || isLoneSurrogate(s, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
    spill();
  }

  /** A surrogate without its pair has no UTF-8 form: it is written as an escape instead. */
  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
