package org.hostpki.json;

import java.math.BigInteger;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads a JSON document into the tree Jackson's {@code readTree} would give (the same node types:
 * int, long or big integer by size, double for decimals), without Jackson's ObjectMapper: how
 * hostpki reads the bundled JSON Schema, a saved plan and the store's JSON records.
 *
 * <p>Why: building an ObjectMapper costs a cold start tens of milliseconds (some 400 classes), more
 * than the rest of a converged run's JSON work. Everything here only needs the tree. Its texts are
 * {@link Text}s, whose {@code toString()} quotes them directly: the schema validator calls it for
 * every {@code enum} and {@code const} value while compiling, and a plain node's {@code
 * toString()} builds Jackson's default ObjectMapper to do it.
 *
 * <p>Strict JSON (RFC 8259) only, as Jackson reads it by default; anything else is a {@link
 * MalformedJsonException} saying where and what.
 */
public final class JsonReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String text;
  private int at;

  private JsonReader(String text) {
    this.text = text;
  }

  /** A document that is not JSON: where, and what is wrong there. */
  public static final class MalformedJsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedJsonException(String message) {
      super(message);
    }
  }

  /**
   * The tree of a JSON document (a byte order mark before it is skipped).
   *
   * @throws MalformedJsonException when it is not one strict JSON document
   */
  public static JsonNode parse(String text) {
    JsonReader reader = new JsonReader(text);
    if (text.startsWith("\uFEFF")) {
      reader.at = 1;
    }
    JsonNode root = reader.value(0);
    reader.skipWhitespace();
    if (reader.at < text.length()) {
      throw reader.invalid("content after the end of the document");
    }
    return root;
  }

  /**
   * The string a top-level member of a JSON object holds, reading the document only up to that
   * member: the ones before it are parsed, what follows is not. For a store record's leading
   * member, where the rest is a plan of any size (100,000 trusted certificates changed) that a
   * plan would otherwise parse whole on every run. Empty when the document is no object or the
   * member is not there or no string.
   *
   * @throws MalformedJsonException when the document is not JSON up to the member
   */
  public static Optional<String> leadingString(String text, String member) {
    JsonReader reader = new JsonReader(text);
    if (text.startsWith("\uFEFF")) {
      reader.at = 1;
    }
    reader.skipWhitespace();
    if (reader.peek() != '{') {
      return Optional.empty();
    }
    boolean more = reader.opens('}');
    while (more) {
      reader.skipWhitespace();
      if (reader.peek() != '"') {
        throw reader.invalid("expected a property name");
      }
      String key = reader.string();
      reader.skipWhitespace();
      reader.expect(':');
      JsonNode value = reader.value(1);
      if (key.equals(member)) {
        return value.isString() ? Optional.of(value.asString()) : Optional.empty();
      }
      more = reader.continues('}');
    }
    return Optional.empty();
  }

  /** A text whose {@code toString()} is its JSON form, as Jackson writes it. */
  public static final class Text extends StringNode {
    private static final long serialVersionUID = 1L;

    Text(String value) {
      super(value);
    }

    @Override
    public String toString() {
      return quoted(_value);
    }
  }

  /** {@code value} as a JSON string the way Jackson's default generator escapes it. */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * The deepest nesting read: hostpki's records nest a few levels; two frames per level, so that a
   * document nested 100,000 deep is an error here, not a StackOverflowError on a caller's stack.
   */
  private static final int MAX_DEPTH = 200;

  private JsonNode value(int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid("nesting too deep");
    }
    skipWhitespace();
    if (at >= text.length()) {
      throw invalid("unexpected end of the document");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return new Text(string());
      case 't':
        literal("true");
        return NODES.booleanNode(true);
      case 'f':
        literal("false");
        return NODES.booleanNode(false);
      case 'n':
        literal("null");
        return NODES.nullNode();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw invalid("unexpected character '" + c + "'");
    }
  }

  private ObjectNode object(int depth) {
    ObjectNode object = NODES.objectNode();
    boolean more = opens('}');
    while (more) {
      skipWhitespace();
      if (peek() != '"') {
        throw invalid("expected a property name");
      }
      String key = string();
      skipWhitespace();
      expect(':');
      object.set(key, value(depth + 1)); // a repeated key replaces the value, as in Jackson
      more = continues('}');
    }
    return object;
  }

  private ArrayNode array(int depth) {
    ArrayNode array = NODES.arrayNode();
    boolean more = opens(']');
    while (more) {
      array.add(value(depth + 1));
      more = continues(']');
    }
    return array;
  }

  /** Steps over an object's or array's opening: whether a member follows, or {@code closing} at once. */
  private boolean opens(char closing) {
    at++; // { or [
    skipWhitespace();
    if (peek() == closing) {
      at++;
      return false;
    }
    return true;
  }

  /** After a member: whether a comma announces another, or {@code closing} ends them. */
  private boolean continues(char closing) {
    skipWhitespace();
    if (peek() == ',') {
      at++;
      return true;
    }
    expect(closing);
    return false;
  }

  private String string() {
    at++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw invalid("unterminated string");
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw invalid("unescaped control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        throw invalid("unterminated string");
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw invalid("invalid escape '\\" + e + "'");
      }
    }
  }

  private char hex4() {
    if (at + 4 > text.length()) {
      throw invalid("unterminated \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(at++), 16);
      if (digit < 0) {
        throw invalid("invalid \\u escape");
      }
      value = value * 16 + digit;
    }
    return (char) value;
  }

  private JsonNode number() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    if (peek() == '0') {
      at++;
    } else if (!digits()) {
      throw invalid("invalid number");
    }
    boolean decimal = false;
    if (peek() == '.') {
      at++;
      decimal = true;
      if (!digits()) {
        throw invalid("invalid number");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      at++;
      decimal = true;
      if (peek() == '+' || peek() == '-') {
        at++;
      }
      if (!digits()) {
        throw invalid("invalid number");
      }
    }
    String number = text.substring(start, at);
    if (decimal) {
      return NODES.numberNode(Double.parseDouble(number));
    }
    BigInteger value = new BigInteger(number);
    if (value.bitLength() < Integer.SIZE) {
      return NODES.numberNode(value.intValue());
    }
    if (value.bitLength() < Long.SIZE) {
      return NODES.numberNode(value.longValue());
    }
    return NODES.numberNode(value);
  }

  /** Skips one or more digits; false when there is none. */
  private boolean digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at > start;
  }

  private void literal(String word) {
    if (!text.startsWith(word, at)) {
      throw invalid("unexpected word");
    }
    at += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw invalid("expected '" + c + "'");
    }
    at++;
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void skipWhitespace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }

  private MalformedJsonException invalid(String what) {
    return new MalformedJsonException("not valid JSON at character " + at + ": " + what);
  }
}
