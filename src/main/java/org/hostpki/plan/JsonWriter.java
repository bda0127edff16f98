package org.hostpki.plan;

import java.util.ArrayDeque;
import java.util.Deque;
import org.hostpki.model.TerminalText;

/**
 * A small streaming JSON writer: enough for plans and reports, and far cheaper to start than a
 * data-binding library in a short command-line run.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  private final Deque<Boolean> firstInScope = new ArrayDeque<>();
  private boolean afterName;

  public JsonWriter beginObject() {
    open("{");
    firstInScope.push(true);
    return this;
  }

  public JsonWriter endObject() {
    firstInScope.pop();
    out.append('}');
    return this;
  }

  public JsonWriter beginArray() {
    open("[");
    firstInScope.push(true);
    return this;
  }

  public JsonWriter endArray() {
    firstInScope.pop();
    out.append(']');
    return this;
  }

  public JsonWriter name(String name) {
    separator();
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String s) {
    if (s == null) {
      return raw("null");
    }
    separator();
    string(s);
    return this;
  }

  public JsonWriter value(long n) {
    return raw(Long.toString(n));
  }

  public JsonWriter value(boolean b) {
    return raw(Boolean.toString(b));
  }

  /** Embeds an already rendered JSON value (an object made by another renderer). */
  public JsonWriter json(String renderedJson) {
    return raw(renderedJson);
  }

  /** A name and a string value. */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  private JsonWriter raw(String token) {
    separator();
    out.append(token);
    return this;
  }

  private void open(String opening) {
    separator();
    out.append(opening);
  }

  private void separator() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (!firstInScope.isEmpty()) {
      if (!firstInScope.peek()) {
        out.append(',');
      }
      firstInScope.pop();
      firstInScope.push(false);
    }
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
          if (TerminalText.isUnsafe(c)) { // controls, DEL, C1, separators, bidi overrides
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
