package org.hostpki.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.TerminalText;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Parses YAML text into a {@link YamlNode} tree with positions, using the YAML 1.2 core schema (so
 * {@code NO} is text, not false).
 *
 * <p>Refused with a problem at the place: syntax errors, a second document, aliases ({@code
 * *name}: a desired-state file has no use for them, and refusing them outright rules out alias
 * bombs whatever their shape; anchors alone are harmless and allowed), nesting deeper than {@value
 * #MAX_DEPTH} levels, more than {@value #MAX_VALUES} values, duplicate keys, merge keys ({@code <<}: they copy keys in unseen, past the
 * duplicate-key check), keys that are not plain scalars, explicit tags other than the core
 * schema's, and a core tag on text that is not of its type ({@code !!int abc}, {@code !!bool yes}).
 */
final class YamlReader {
  // Over 400 lines on purpose: every refusal listed above needs the node and its mark at hand, and
  // the parser's own syntax errors are reworded here with the text they point into; the limits
  // (depth, values, tags) are checked on one walk of the tree, so they live with it.

  /** A desired state nests five levels at most; 64 leaves room and stops pathological input. */
  static final int MAX_DEPTH = 64;

  /**
   * A desired state holds a few hundred values (keys, texts, lists and mappings); with its lists at
   * their longest (1000 DNS names, 1000 addresses, 2000 trusted certificates of five values each)
   * about 15,000. More are refused as they are read: 1 MiB of {@code [1,1,1,...]} is half a million
   * values, each an error of the schema, which took a validate in CI half a minute and more than
   * 256 MiB of heap; the costliest file within this limit ({@code [{}, {}, ...]} as
   * trust.certificates, two schema errors each) is checked within 64 MiB of heap in about a second.
   */
  static final int MAX_VALUES = 20_000;

  private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);
  /** The types of YAML's tag repository (yaml.org/type), named by {@code !!}: no one's secret. */
  private static final Set<String> YAML_TAGS =
      Set.of("str", "int", "float", "bool", "null", "binary", "timestamp", "map", "seq", "omap",
          "pairs", "set", "merge", "value", "yaml");
  private static final ScalarResolver CORE = new CoreSchema().getScalarResolver();

  private final Problems problems;

  YamlReader(Problems problems) {
    this.problems = problems;
  }

  /**
   * The document's top-level node, or empty when the text cannot be read as YAML or holds no
   * document (the reason is in the problems).
   */
  Optional<YamlNode> read(String text) {
    LoadSettings settings =
        LoadSettings.builder()
            .setSchema(new CoreSchema())
            .setAllowNonScalarKeys(true) // refused below, with a position
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(1)
            .build();
    Optional<Node> root;
    try {
      Parser parser = new GuardedParser(new ParserImpl(settings, new StreamReader(settings, text)));
      root = new GuardedComposer(settings, parser).getSingleNode();
    } catch (Refused e) {
      problems.error(e.at, e.getMessage());
      return Optional.empty();
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      problems.error(mark.map(YamlReader::position).orElse(Position.NONE), syntaxMessage(e, text));
      return Optional.empty();
    } catch (YamlEngineException e) {
      problems.fileError("invalid YAML: " + e.getMessage());
      return Optional.empty();
    }
    return root.map(node -> convert(node, ""));
  }

  private static String syntaxMessage(MarkedYamlEngineException e, String text) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    if (problem.contains("(TAB)")) {
      return "invalid YAML: a tab cannot indent YAML; indent with spaces";
    }
    if (problem.contains("found another document")) {
      return "a desired-state file holds one YAML document; remove this second one";
    }
    // A key indented by a wrong number of spaces, in the parser's words "expected <block end>,
    // but found '<block mapping start>'", or "mapping values are not allowed here" with advice
    // to quote: said as what to fix.
    if (problem.matches("expected <block end>, but found '<block (mapping|sequence) start>'")) {
      return "invalid YAML: this line is indented less than the line above it, but more than the"
          + " key it would belong to; indent it by as many spaces as the keys or list items it goes with";
    }
    if (problem.equals("mapping values are not allowed here") && e.getProblemMark().isPresent()
        && indentedKey(text, e.getProblemMark().get())) {
      return "invalid YAML: this line is indented more than the key above it, so it reads as more"
          + " of that key's value; indent it by as many spaces as the key above (or as the keys it goes with)";
    }
    StringBuilder message = new StringBuilder("invalid YAML: ").append(problem);
    if (problem.equals("mapping values are not allowed here")) {
      message.append(" (a value that contains ': ' needs quotes)");
    }
    if (e.getContext() != null && e.getContextMark().isPresent()) {
      message
          .append(" (")
          .append(e.getContext())
          .append(" that starts at ")
          .append(position(e.getContextMark().get()))
          .append(')');
    }
    return message.toString();
  }

  private YamlNode convert(Node node, String path) {
    Position at = position(node);
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar, path, at);
    }
    if (node instanceof SequenceNode sequence) {
      checkTag(node, Tag.SEQ, at);
      List<YamlNode> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        items.add(convert(item, path + "[" + items.size() + "]"));
      }
      return new YamlNode.Sequence(path, at, items);
    }
    MappingNode mapping = (MappingNode) node;
    checkTag(node, Tag.MAP, at);
    Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Position keyAt = position(tuple.getKeyNode());
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.error(keyAt, "a key must be a plain name, not " + kind(tuple.getKeyNode()));
        continue;
      }
      String key = keyNode.getValue();
      checkSurrogates(key, "a key in " + displayName(path), keyAt);
      YamlNode.Entry earlier = entries.get(key);
      if (earlier != null) {
        problems.error(
            keyAt,
            SchemaMessages.keyLike(key)
                ? "duplicate key '" + key + "' in " + displayName(path) + "; it is already set at "
                    + earlier.keyPosition()
                // a line of another file given as the desired state (/etc/shadow's, twice)
                : "duplicate key in " + displayName(path) + ", not a name any desired state uses"
                    + " (hostpki does not repeat it: is this the desired-state file?); it is already"
                    + " set at " + earlier.keyPosition());
        continue;
      }
      String childPath = path.isEmpty() ? key : path + "." + key;
      entries.put(key, new YamlNode.Entry(key, keyAt, convert(tuple.getValueNode(), childPath)));
    }
    return new YamlNode.Mapping(path, at, entries);
  }

  private YamlNode scalar(ScalarNode node, String path, Position at) {
    checkSurrogates(node.getValue(), path.isEmpty() ? "the text" : path, at);
    Tag tag = node.getTag();
    YamlNode.Scalar.Kind kind;
    if (tag.equals(Tag.INT)) {
      kind = YamlNode.Scalar.Kind.INTEGER;
    } else if (tag.equals(Tag.FLOAT)) {
      kind = YamlNode.Scalar.Kind.FLOAT;
    } else if (tag.equals(Tag.BOOL)) {
      kind = YamlNode.Scalar.Kind.BOOLEAN;
    } else if (tag.equals(Tag.NULL)) {
      kind = YamlNode.Scalar.Kind.NULL;
    } else {
      kind = YamlNode.Scalar.Kind.STRING;
      // A plain << is resolved as the merge tag wherever it stands; as a value it is text (as a
      // key, the composer refused it).
      boolean plainMerge = tag.equals(Tag.MERGE) && node.getScalarStyle() == ScalarStyle.PLAIN;
      if (!SCALAR_TAGS.contains(tag) && !plainMerge) {
        unsupportedTag(tag, at);
      }
    }
    if (kind != YamlNode.Scalar.Kind.STRING && !fitsTag(tag, node.getValue())) {
      // Only an explicit tag can disagree with the text: refused here, read as text after that.
      problems.error(
          at,
          "'" + TerminalText.escape(node.getValue()) + "' is tagged " + tagName(tag) + " but is not "
              + switch (kind) {
                case INTEGER -> "a whole number";
                case FLOAT -> "a number";
                case BOOLEAN -> "true or false";
                default -> "null (~, null or nothing)";
              }
              + "; remove the tag and write a plain value");
      kind = YamlNode.Scalar.Kind.STRING;
    }
    return new YamlNode.Scalar(path, at, kind, node.getValue());
  }

  /**
   * Refuses half a surrogate pair, which a double-quoted text can hold by an escape ({@code
   * "\\uD800"}) and no UTF-8 file can: it is no character. Passed on, it became '?' in a path and
   * stopped apply with an internal error in a certificate's subject, after validate and plan had
   * said nothing.
   */
  private void checkSurrogates(String text, String what, Position at) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        problems.error(
            at,
            String.format(
                Locale.ROOT,
                "%s holds \\u%04X at character %d: half of a UTF-16 surrogate pair, no character;"
                    + " write the character itself, or its whole code point as one escape (\\U0001F512)",
                what, (int) c, text.codePointCount(0, i) + 1));
        return;
      }
    }
  }

  /** Whether the text reads as the tag's type by itself, as the core schema resolves plain text. */
  private static boolean fitsTag(Tag tag, String text) {
    Tag plain = CORE.resolve(text, true);
    return plain.equals(tag) || (tag.equals(Tag.FLOAT) && plain.equals(Tag.INT));
  }

  private void checkTag(Node node, Tag expected, Position at) {
    if (!node.getTag().equals(expected)) {
      unsupportedTag(node.getTag(), at);
    }
  }

  private void unsupportedTag(Tag tag, Position at) {
    problems.error(
        at, "the YAML tag '" + tagName(tag) + "' is not supported in a desired-state file; write a plain value"
            + (tagName(tag).endsWith("!...") ? " (in quotes if it starts with '!')" : ""));
  }

  /**
   * A tag's name as the file wrote it. A local tag other than Ansible's {@code !vault}, and a
   * {@code !!} tag YAML does not define, is not repeated: an unquoted password starting with '!'
   * or '!!' reads as one.
   */
  private static String tagName(Tag tag) {
    if (tag.getValue().startsWith(Tag.PREFIX)) {
      String name = tag.getValue().substring(Tag.PREFIX.length());
      return YAML_TAGS.contains(name) ? "!!" + name : "!!...";
    }
    return tag.getValue().equals("!vault") ? tag.getValue() : "!...";
  }

  private static String kind(Node node) {
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  private static String displayName(String path) {
    return path.isEmpty() ? "the top level" : path;
  }

  private static Position position(Node node) {
    return node.getStartMark().map(YamlReader::position).orElse(Position.NONE);
  }

  /**
   * Whether the ':' at {@code mark} ends a key that is all its line holds before it, on an
   * indented line: a key the line above's value runs into ("  validity: 90d" then
   * "    renewBefore: 30d"), not a value holding ': ' ("validity: note: ten years").
   */
  private static boolean indentedKey(String text, Mark mark) {
    List<String> lines = text.lines().toList();
    if (mark.getLine() < 1 || mark.getLine() >= lines.size()) {
      return false;
    }
    String line = lines.get(mark.getLine());
    String before = line.substring(0, Math.min(mark.getColumn(), line.length()));
    return before.startsWith(" ") && !before.isBlank() && !before.strip().contains(" ") && !before.contains(":")
        && !before.strip().startsWith("-");
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** Stops parsing at the first alias or at too deep a nesting. */
  private static final class Refused extends RuntimeException {
    private final Position at;

    Refused(Event event, String message) {
      this(event.getStartMark().map(YamlReader::position).orElse(Position.NONE), message);
    }

    Refused(Position at, String message) {
      super(message, null, false, false);
      this.at = at;
    }
  }

  /**
   * Refuses a merge key ({@code <<}) before the composer merges: merged keys would bypass the
   * duplicate-key check (a key set twice, once through the merge, silently takes one value).
   */
  private static final class GuardedComposer extends Composer {
    GuardedComposer(LoadSettings settings, Parser parser) {
      super(settings, parser);
    }

    @Override
    protected Node composeKeyNode(MappingNode node) {
      Node key = super.composeKeyNode(node);
      if (key.getTag().equals(Tag.MERGE)) {
        throw new Refused(
            position(key),
            "YAML merge keys (<<) are not allowed in a desired-state file; write the keys out in this"
                + " mapping itself");
      }
      return key;
    }
  }

  /** Watches the parser's events before the composer builds nodes from them. */
  private static final class GuardedParser implements Parser {
    private final Parser parser;
    private int depth;
    private int values;

    GuardedParser(Parser parser) {
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event event = parser.next();
      switch (event.getEventId()) {
        case Alias:
          throw new Refused(
              event,
              // the alias's name is not repeated: an unquoted password starting with '*' reads as one
              "YAML aliases (values starting with '*') are not allowed in a desired-state file; write"
                  + " the value out in full, in quotes if it starts with '*'");
        case MappingStart:
        case SequenceStart:
          if (++depth > MAX_DEPTH) {
            throw new Refused(
                event, "the YAML nests deeper than " + MAX_DEPTH + " levels; a desired state needs at most 5");
          }
          countValue(event);
          break;
        case Scalar:
          countValue(event);
          break;
        case MappingEnd:
        case SequenceEnd:
          depth--;
          break;
        default:
          break;
      }
      return event;
    }

    private void countValue(Event event) {
      if (++values > MAX_VALUES) {
        throw new Refused(
            event,
            "the YAML holds more than " + MAX_VALUES + " values (keys, texts, lists and mappings);"
                + " a desired state holds a few hundred: is this the desired-state file? (Many trusted"
                + " certificates go into a folder named in trust.directories, one file each.)");
      }
    }
  }
}
