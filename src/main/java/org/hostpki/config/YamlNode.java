package org.hostpki.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A YAML node as read from a desired-state file, with where it is and its path in words ({@code
 * ca.subject.country}, {@code server.dnsNames[1]}), so every message can point at it.
 */
sealed interface YamlNode {

  /** The dotted path of this node; empty for the top level. */
  String path();

  Position position();

  /** What the node holds, in words: {@code a mapping}, {@code the text 'x'}, {@code the number 5}. */
  String describe();

  /** The same data as JSON, for schema validation. */
  JsonNode toJson(JsonNodeFactory json);

  /** The node at a JSON pointer's segments (property names and indexes), if there is one. */
  default Optional<YamlNode> find(List<Object> segments) {
    YamlNode node = this;
    for (Object segment : segments) {
      if (node instanceof Mapping m) {
        node = m.get(String.valueOf(segment)).orElse(null);
      } else if (node instanceof Sequence s && segment instanceof Integer i && i < s.items().size()) {
        node = s.items().get(i);
      } else {
        node = null;
      }
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(node);
  }

  /** The path in messages: the dotted path, or {@code the top level}. */
  default String displayName() {
    return path().isEmpty() ? "the top level" : path();
  }

  /** A key and its value in a mapping; {@code keyPosition} is where the key is written. */
  record Entry(String key, Position keyPosition, YamlNode value) {}

  /** A mapping; keys are unique (duplicates are reported while reading) and keep file order. */
  record Mapping(String path, Position position, Map<String, Entry> entries) implements YamlNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    Optional<YamlNode> get(String key) {
      return Optional.ofNullable(entries.get(key)).map(Entry::value);
    }

    Optional<Mapping> mapping(String key) {
      return get(key).filter(Mapping.class::isInstance).map(Mapping.class::cast);
    }

    Optional<Sequence> sequence(String key) {
      return get(key).filter(Sequence.class::isInstance).map(Sequence.class::cast);
    }

    Optional<Scalar> scalar(String key) {
      return get(key).filter(Scalar.class::isInstance).map(Scalar.class::cast);
    }

    /** Where a key is written; the mapping's own position when it has no such key. */
    Position keyPosition(String key) {
      Entry e = entries.get(key);
      return e == null ? position : e.keyPosition();
    }

    /** The child path of a key: {@code ca} + {@code subject} = {@code ca.subject}. */
    String childPath(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    @Override
    public String describe() {
      return "a mapping";
    }

    @Override
    public JsonNode toJson(JsonNodeFactory json) {
      ObjectNode object = json.objectNode();
      entries.forEach((key, entry) -> object.set(key, entry.value().toJson(json)));
      return object;
    }
  }

  record Sequence(String path, Position position, List<YamlNode> items) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }

    @Override
    public JsonNode toJson(JsonNodeFactory json) {
      ArrayNode array = json.arrayNode(items.size());
      items.forEach(item -> array.add(item.toJson(json)));
      return array;
    }
  }

  /** A scalar with the type the YAML 1.2 core schema gives it. */
  record Scalar(String path, Position position, Kind kind, String text) implements YamlNode {

    enum Kind {
      STRING,
      INTEGER,
      FLOAT,
      BOOLEAN,
      NULL
    }

    /** The text of a string scalar; empty for numbers, booleans and null. */
    Optional<String> string() {
      return kind == Kind.STRING ? Optional.of(text) : Optional.empty();
    }

    Optional<Boolean> bool() {
      return kind == Kind.BOOLEAN ? Optional.of(text.equalsIgnoreCase("true")) : Optional.empty();
    }

    Optional<BigInteger> integer() {
      if (kind != Kind.INTEGER) {
        return Optional.empty();
      }
      String t = text.startsWith("+") ? text.substring(1) : text;
      if (t.startsWith("0x")) {
        return Optional.of(new BigInteger(t.substring(2), 16));
      }
      if (t.startsWith("0o")) {
        return Optional.of(new BigInteger(t.substring(2), 8));
      }
      return Optional.of(new BigInteger(t));
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> "the text '" + abbreviated(text) + "'";
        case INTEGER, FLOAT -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "nothing";
      };
    }

    @Override
    public JsonNode toJson(JsonNodeFactory json) {
      return switch (kind) {
        case STRING -> json.stringNode(text);
        case INTEGER -> json.numberNode(integer().orElseThrow());
        case FLOAT -> floatValue(json);
        case BOOLEAN -> json.booleanNode(bool().orElseThrow());
        case NULL -> json.nullNode();
      };
    }

    /** Long texts (a PEM block) shortened for messages, on one line. */
    static String abbreviated(String text) {
      String oneLine = text.replace("\n", "\\n");
      return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
    }

    private JsonNode floatValue(JsonNodeFactory json) {
      String t = text.toLowerCase(java.util.Locale.ROOT);
      if (t.endsWith(".inf")) {
        return json.numberNode(t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
      }
      if (t.equals(".nan")) {
        return json.numberNode(Double.NaN);
      }
      BigDecimal value;
      try {
        value = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
      } catch (NumberFormatException e) {
        // An exponent beyond an int (1e99999999999): beyond any setting's range too. One that is
        // that far negative is as good as zero.
        boolean tiny = t.matches(".*e-.*");
        return tiny ? json.numberNode(BigDecimal.ZERO)
            : json.numberNode(t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
      }
      if (value.abs().compareTo(LONG_RANGE) >= 0) {
        // The schema validator compares a decimal with an integer bound through a long, and throws
        // for one beyond that range; no setting can use such a number, so it counts as infinite.
        return json.numberNode(value.signum() < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
      }
      return json.numberNode(value);
    }

    private static final BigDecimal LONG_RANGE = new BigDecimal(BigInteger.ONE.shiftLeft(63));
  }
}
