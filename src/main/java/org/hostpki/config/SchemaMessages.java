package org.hostpki.config;

import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.TerminalText;
import tools.jackson.databind.JsonNode;

/**
 * Turns the validator's schema errors into messages that name the YAML path, what is wrong and the
 * fix. Messages for patterns and types are keyed by schema location, so a duration says how
 * durations are written instead of printing a regular expression.
 *
 * <p>Just over 400 lines on purpose: about a quarter is the tables of words for schema locations;
 * the rest is one short method for each kind of schema error.
 */
final class SchemaMessages {

  /** The hooks that are lists of commands. */
  private static final List<String> COMMAND_LISTS =
      List.of("/properties/hooks/properties/afterServerChange/type", "/properties/hooks/properties/onExpiring/type");
  private static final String JAVA = "/properties/trust/properties/install/properties/java";
  private static final String TRUSTED_CERTIFICATES = "/properties/trust/properties/certificates/";
  private static final String OUTPUT_PASSWORD = "/$defs/output/properties/password/const";
  /** Where a secret comes from: a value there may be the secret, so messages never repeat it. */
  private static final String SECRET = "/$defs/secret";
  /** What a key someone meant looks like: letters, digits, '_', '-', '.' and blanks. */
  private static final String KEY_LIKE = "[\\p{L}\\p{N}_. -]{1,64}";
  private static final String UNREPEATED = "hostpki does not repeat it: it may be the secret itself";

  /** What a value of a shared definition looks like, for "must be ..." messages. */
  private static final Map<String, String> NOUNS =
      Map.ofEntries(
          Map.entry("/properties/store", "a mapping with the store's path, e.g. {path: pki}"),
          Map.entry("/$defs/duration", "a duration such as 90d, 12h, 30m, 45s or P90D"),
          Map.entry("/$defs/renewBefore", "a duration such as 30d or 12h, or a share of the lifetime such as 33%"),
          Map.entry("/properties/renewal/properties/jitter", "a percentage such as 10%"),
          Map.entry("/$defs/expiryThreshold", "a duration such as 14d, a share of the lifetime such as 10%, due or margin"),
          Map.entry("/$defs/argv", "a command as a list of arguments, e.g. [systemctl, try-reload-or-restart, nginx]"),
          Map.entry("/$defs/subject", "a mapping of name attributes, e.g. {commonName: portal.example.com}"),
          Map.entry("/$defs/rsaSize", "a number of bits such as 3072"),
          Map.entry("/$defs/key", "a mapping such as {algorithm: EC, curve: P-256}"),
          Map.entry("/$defs/serverKey", "a mapping such as {algorithm: EC, curve: P-256}"),
          Map.entry("/$defs/trustedCertificate", "a mapping such as {name: ldap, file: ldap.pem}"),
          Map.entry(SECRET, "a mapping {env: VARIABLE} or {file: path}"),
          Map.entry("/$defs/listenAddress", "an address and port such as 0.0.0.0:80 or :80"),
          Map.entry("/$defs/fileMode", "a mode in quotes such as \"0640\""),
          Map.entry("/$defs/fileName", "a file name such as haproxy.pem"),
          Map.entry("/$defs/account", "a user or group name such as postgres, or its number in quotes"),
          Map.entry("/$defs/access", "a mapping such as {group: ssl-cert}"),
          Map.entry("/$defs/output", "a mapping such as {format: combined-pem, file: haproxy.pem}"),
          Map.entry(JAVA, "true, false, the path of a cacerts file, or a list of such paths"));

  /** Why a text does not match a pattern, in words; keyed by the pattern's schema location. */
  private static final Map<String, String> PATTERNS =
      Map.ofEntries(
          Map.entry(
              "/$defs/fileName/pattern",
              "is not a plain file name at the top of the store: use letters, digits, '.', '_', '-' and '+'"
                  + " (no folders, not starting with '.'), e.g. haproxy.pem"),
          Map.entry(
              "/$defs/fileMode/pattern",
              "is not a file mode; write three octal digits as chmod takes them, in quotes, e.g. \"0640\""),
          Map.entry(
              "/$defs/account/pattern",
              "is not a user or group name (letters, digits, '_', '.' and '-') or number"),
          Map.entry(
              "/$defs/duration/pattern",
              "is not a duration; write a whole number and a unit (90d, 12h, 30m, 45s) or ISO-8601 (P90D, PT12H)"),
          Map.entry(
              "/$defs/renewBefore/pattern",
              "is neither a duration nor a share of the lifetime; write a whole number and a unit (30d, 12h, 30m)"
                  + " or a percentage (33%)"),
          Map.entry(
              "/$defs/expiryThreshold/pattern",
              "is not a threshold; write a duration (14d, 36h), a share of the lifetime (10%), due (when"
                  + " its renewal falls due) or margin (its safety margin)"),
          Map.entry(
              "/properties/renewal/properties/jitter/pattern",
              "is not a percentage; write a number and '%', e.g. 10%"),
          Map.entry(
              "/$defs/window/properties/start/pattern",
              "is not a time of day; write HH:MM on the 24-hour clock, e.g. 02:00 (quoted: \"02:00\")"),
          Map.entry(
              "/$defs/window/properties/end/pattern",
              "is not a time of day; write HH:MM on the 24-hour clock, e.g. 05:00, or 24:00 for midnight"),
          Map.entry(
              "/$defs/subject/properties/country/pattern",
              "is not a country code; write the two upper-case letters of ISO 3166-1, e.g. US or DE"),
          Map.entry(
              "/$defs/subject/properties/emailAddress/pattern",
              "is not an email address"),
          Map.entry(
              "/$defs/secret/properties/env/pattern",
              "is not an environment variable name: letters, digits and '_', not starting with a digit"),
          Map.entry(
              "/$defs/trustedCertificate/properties/name/pattern",
              "is not a valid name; use letters, digits, '.', '_' and '-' only (it becomes trust/NAME.crt)"),
          Map.entry(
              "/$defs/listenAddress/pattern",
              "is not ADDRESS:PORT; write an IP address and a port (0.0.0.0:80, [::]:80), or :80 for every address"));

  /** The pattern of names and subject attributes: one line of plain text. */
  static final String ONE_LINE = "/$defs/oneLine/pattern";
  static final String PATH = "/$defs/path/pattern";

  private final JsonNode schema;
  private final YamlNode root;

  SchemaMessages(JsonNode schema, YamlNode root) {
    this.schema = schema;
    this.root = root;
  }

  /** A message and where it points. */
  record Located(Position at, String message) {}

  Located translate(Error error) {
    List<Object> segments = new ArrayList<>();
    for (int i = 0; i < error.getInstanceLocation().getNameCount(); i++) {
      segments.add(error.getInstanceLocation().getElement(i));
    }
    YamlNode node = root.find(segments).orElse(root);
    String location = schemaLocation(error);
    String keyword = error.getKeyword() == null ? "" : error.getKeyword();
    switch (keyword) {
      case "additionalProperties":
        return unknownKey(node, error.getProperty(), parentOf(location));
      case "required":
        return new Located(node.position(), missing(node, error.getProperty()));
      case "type":
        return new Located(node.position(), wrongType(node, location));
      case "const":
        if (location.equals(OUTPUT_PASSWORD)) {
          return new Located(
              node.position(),
              node.displayName() + " takes only none, for a file without a password; leave it out and"
                  + " the file is protected with store.password");
        }
        return new Located(
            node.position(),
            node.displayName() + " must be '" + schema.at(location).asString() + "', not "
                + node.describe());
      case "enum":
        return new Located(node.position(), notAllowed(node, schema.at(location)));
      case "pattern":
        return new Located(node.position(), mismatch(node, location));
      case "minLength":
      case "minItems":
      case "minProperties":
        return new Located(node.position(), empty(node, location));
      case "maxLength":
        return new Located(
            node.position(),
            node.displayName() + " is " + text(node).length() + " characters long; the limit is "
                + schema.at(location).asInt());
      case "maxItems":
        String listed =
            node.displayName() + " lists " + ((YamlNode.Sequence) node).items().size() + " entries; at most "
                + schema.at(location).asInt();
        if (location.startsWith(TRUSTED_CERTIFICATES)) {
          return new Located(
              node.position(),
              listed + " are declared one by one (the desired state stays a file people read); put the"
                  + " certificates into a folder, one file each, and name it in trust.directories,"
                  + " which holds any number");
        }
        // The lists of certificate names (ServerSpec.MAX_SUBJECT_ALT_NAMES).
        return new Located(
            node.position(),
            listed + " fit in one certificate (TLS clients refuse larger ones: OpenSSL stops at 100 KiB"
                + " for the certificates a server sends); spread the names over several certificates");
      case "minimum":
      case "maximum":
      case "multipleOf":
        return new Located(node.position(), outOfBounds(node, location, keyword));
      case "oneOf":
        return new Located(node.position(), oneOf(node, location, error));
      case "uniqueItems":
        return new Located(node.position(), repeated(node));
      default:
        return new Located(node.position(), node.displayName() + ": " + error.getMessage());
    }
  }

  /**
   * A list of commands written as one command's words ({@code beforeChange: [/bin/sleep, "25"]}):
   * each word fails as "not a list of arguments", and the advice for each ({@code [/bin/sleep]},
   * {@code [25]}) would make two commands of one. One message for the list instead, with the list
   * to write. Only when no word holds a blank: {@code [systemctl reload nginx, other]} is two
   * commands written as text, which each word's own advice splits right.
   *
   * @return the message, at the list, for a type error of such a list's item
   */
  Optional<Located> flatCommand(Error error) {
    int count = error.getInstanceLocation().getNameCount();
    if (!"type".equals(error.getKeyword()) || !schemaLocation(error).equals("/$defs/argv/type") || count == 0
        || !(error.getInstanceLocation().getElement(count - 1) instanceof Integer)) {
      return Optional.empty();
    }
    List<Object> segments = new ArrayList<>();
    for (int i = 0; i < count - 1; i++) {
      segments.add(error.getInstanceLocation().getElement(i));
    }
    if (!(root.find(segments).orElse(null) instanceof YamlNode.Sequence list)) {
      return Optional.empty();
    }
    List<String> words = new ArrayList<>();
    for (YamlNode item : list.items()) {
      if (!(item instanceof YamlNode.Scalar s) || s.kind() == YamlNode.Scalar.Kind.NULL || s.text().isEmpty()
          || !s.text().equals(s.text().strip()) || s.text().chars().anyMatch(Character::isWhitespace)) {
        return Optional.empty();
      }
      // a word YAML would not read as text (25, true, a text with ':' or quotes) is quoted
      words.add(s.kind() == YamlNode.Scalar.Kind.STRING && s.text().matches("[A-Za-z_./-][A-Za-z0-9_./=+@%-]*")
          && !s.text().matches("(?i)true|false|yes|no|on|off|null|~|\\.inf|\\.nan")
              ? s.text()
              : '"' + s.text().replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return Optional.of(new Located(
        list.position(),
        list.displayName() + " must be a list of commands, each a list of arguments, not the words of one"
            + " command; write [[" + String.join(", ", words) + "]] (one command) or one list per command"));
  }

  /** Whether a key looks like one someone meant (letters, digits, '_', '-', '.' and blanks), so may be repeated. */
  static boolean keyLike(String key) {
    return key.matches(KEY_LIKE);
  }

  private Located unknownKey(YamlNode node, String key, String objectLocation) {
    List<String> allowed = new ArrayList<>(schema.at(objectLocation + "/properties").propertyNames());
    Position at = node instanceof YamlNode.Mapping m ? m.keyPosition(key) : node.position();
    String where = node.path().isEmpty() ? "at the top level" : "in " + node.path();
    if (objectLocation.equals(SECRET)) {
      // an unquoted password in braces ('password: {hunter2}') reads as a key of the secret's mapping
      return new Located(
          at, "unknown key " + where + " (" + UNREPEATED + "); the keys here are: "
              + String.join(", ", allowed) + ", as in {env: VARIABLE} or {file: path}");
    }
    Optional<String> meant = Spelling.closest(key, allowed);
    if (!keyLike(key) && meant.isEmpty()) {
      // a line of another file given as the desired state (/etc/shadow's 'root:$6$...:7::' reads
      // as a key): not into a terminal that may not read that file itself (sudo hostpki check).
      // A key a few letters from one of these (a typo, 'dnsNames::') is repeated: it holds no more.
      return new Located(
          at, "unknown key " + where + ", not a name any desired state uses (hostpki does not repeat"
              + " it: is this the desired-state file?); the keys here are: " + String.join(", ", allowed));
    }
    String hint =
        meant.map(s -> "; did you mean '" + s + "'?")
            .orElse("; the keys here are: " + String.join(", ", allowed));
    return new Located(at, "unknown key '" + TerminalText.escape(key) + "' " + where + hint);
  }

  private static String missing(YamlNode node, String key) {
    if (node.path().isEmpty()) {
      String example = key.equals("apiVersion") ? " (apiVersion: hostpki/v1)" : "";
      return "missing required key '" + key + "'" + example;
    }
    return node.path() + " is missing the required key '" + key + "'";
  }

  private String wrongType(YamlNode node, String location) {
    JsonNode type = schema.at(location);
    String expected = type.isString() ? type.asString() : "";
    String noun = NOUNS.getOrDefault(parentOf(location), typeNoun(expected));
    if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.NULL) {
      return node.displayName() + " is empty; it must be " + noun;
    }
    if (location.startsWith(SECRET) && node instanceof YamlNode.Scalar) {
      // the value is likely the secret itself: not into logs, journald or an Ansible task's output
      return node.displayName() + " must be " + noun + ", not a value written here (" + UNREPEATED
          + "); put the secret in a file only root can read, or in an environment variable";
    }
    String message = node.displayName() + " must be " + noun + ", not " + node.describe();
    if (location.startsWith("/$defs/fileMode") && node instanceof YamlNode.Scalar s
        && s.kind() == YamlNode.Scalar.Kind.INTEGER) {
      // YAML 1.2 reads an unquoted 0640 as the decimal 640; Ansible's YAML 1.1 as octal.
      return node.displayName() + " must be a mode in quotes, \"" + s.text() + "\", not the number "
          + s.text() + ": unquoted, YAML reads it as a decimal or octal number depending on its version";
    }
    if ((location.startsWith("/$defs/duration") || location.startsWith("/$defs/renewBefore"))
        && node instanceof YamlNode.Scalar s
        && s.kind() == YamlNode.Scalar.Kind.INTEGER && s.text().matches("[0-9]+")) {
      return message + "; did you mean " + s.text() + "d?";
    }
    if (location.startsWith("/properties/renewal/properties/jitter") && node instanceof YamlNode.Scalar) {
      return message + "; write it with a percent sign";
    }
    if (expected.equals("integer") && node instanceof YamlNode.Scalar s && s.text().matches("[0-9]+")) {
      return message + "; write it without quotes: " + s.text();
    }
    if (expected.equals("string") && node instanceof YamlNode.Scalar s) {
      return message + "; quote it if it is meant as text: \"" + s.text() + "\"";
    }
    if (location.startsWith("/$defs/argv") && node instanceof YamlNode.Scalar s) {
      return node.displayName() + " must be a list of arguments, not " + node.describe()
          + "; hooks run without a shell, so write [" + String.join(", ", s.text().strip().split("\\s+")) + "]";
    }
    if (COMMAND_LISTS.contains(location) && node instanceof YamlNode.Scalar s) {
      return node.displayName() + " must be a list of commands, each a list of arguments, not "
          + node.describe() + "; write [[" + String.join(", ", s.text().strip().split("\\s+")) + "]]";
    }
    if (expected.equals("array") && node instanceof YamlNode.Scalar s) {
      return message + "; write a list: [" + s.text() + "]";
    }
    return message;
  }

  private static String typeNoun(String jsonType) {
    return switch (jsonType) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "string" -> "text";
      case "boolean" -> "true or false";
      case "integer" -> "a whole number";
      default -> "a " + jsonType;
    };
  }

  private static String notAllowed(YamlNode node, JsonNode values) {
    List<String> allowed = new ArrayList<>();
    values.values().forEach(v -> allowed.add(v.asString()));
    String given = node instanceof YamlNode.Scalar s ? "'" + s.text() + "'" : node.describe();
    String hint =
        node instanceof YamlNode.Scalar s
            ? Spelling.closest(s.text(), allowed).map(c -> "; did you mean '" + c + "'?").orElse("")
            : "";
    return node.displayName() + " " + given + " is not one of: " + String.join(", ", allowed) + hint;
  }

  private static String mismatch(YamlNode node, String location) {
    if (location.equals(ONE_LINE)) {
      return notOneLine(node, "names and subject attributes are one line of plain text (they end up in certificates, logs and terminals)");
    }
    if (location.equals(PATH)) {
      return notOneLine(node, "a path is one line of plain text (it ends up in logs and terminals)");
    }
    String why = PATTERNS.get(location);
    if (location.startsWith(SECRET)) {
      return node.displayName() + " " + why + " (" + UNREPEATED + ")";
    }
    String given = "'" + TerminalText.escape(YamlNode.Scalar.abbreviated(text(node))) + "'";
    return why != null
        ? node.displayName() + " " + given + " " + why
        : node.displayName() + " " + given + " does not have the expected form";
  }

  /**
   * Which character a name, subject attribute or path must not hold, and where: a NUL or a line
   * break there would end up in a certificate, and a line break or an escape sequence in every
   * log and terminal that shows it.
   *
   * @param rule why, and what the value must be
   */
  private static String notOneLine(YamlNode node, String rule) {
    String text = text(node);
    int at = Math.max(0, TerminalText.firstUnsafe(text));
    int c = at < text.length() ? text.codePointAt(at) : 0;
    String kind =
        c < 0x20 || (c >= 0x7f && c <= 0x9f)
            ? "a control character"
            : c == 0x2028 || c == 0x2029
                ? "a line separator"
                : (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                    ? "a bidirectional override"
                    : "an invisible formatting character";
    return String.format(
        Locale.ROOT,
        "%s '%s' holds U+%04X, %s, at character %d; %s: remove it",
        node.displayName(), TerminalText.escape(YamlNode.Scalar.abbreviated(text)), c, kind,
        text.codePointCount(0, at) + 1, rule);
  }

  private static String empty(YamlNode node, String location) {
    if (location.startsWith("/$defs/argv")) {
      return node.displayName() + " is an empty command; write the program and its arguments, e.g. [systemctl, try-reload-or-restart, nginx]";
    }
    if (location.startsWith("/$defs/subject")) {
      return node.displayName() + " is empty; give at least a commonName, or remove it";
    }
    return node.displayName() + " must not be empty";
  }

  /** A number beyond a bound; an RSA size in the words of key sizes. */
  private String outOfBounds(YamlNode node, String location, String keyword) {
    String bound = schema.at(location).asString();
    if (location.startsWith("/$defs/rsaSize")) {
      return node.displayName() + " " + text(node)
          + switch (keyword) {
            case "minimum" -> " is too small for an RSA key; use at least " + bound
                + " bits (3072 is the default)";
            case "maximum" -> " is too large for an RSA key; use at most " + bound
                + " bits (3072 is the default; 4096 is the usual large size)";
            default -> " is not an RSA key size hostpki can make: use a multiple of " + bound
                + " bits, such as 2048, 3072 (the default) or 4096";
          };
    }
    return node.displayName() + " is " + text(node)
        + switch (keyword) {
          case "minimum" -> "; the minimum is " + bound;
          case "maximum" -> "; the maximum is " + bound;
          default -> "; it must be a multiple of " + bound;
        };
  }

  /** Every oneOf here is "exactly one of these keys": say which ones. */
  private String oneOf(YamlNode node, String location, Error error) {
    List<String> keys = new ArrayList<>();
    for (JsonNode branch : schema.at(location)) {
      branch.path("required").values().forEach(k -> keys.add("'" + k.asString() + "'"));
    }
    String choice = String.join(" or ", keys);
    boolean none = error.getArguments() != null
        && error.getArguments().length > 0
        && "0".equals(String.valueOf(error.getArguments()[0]));
    return none
        ? node.displayName() + " needs " + choice
        : node.displayName() + " takes " + choice + ", not both";
  }

  /** The first item a list holds twice, at that item. */
  private static String repeated(YamlNode node) {
    if (node instanceof YamlNode.Sequence list) {
      List<String> seen = new ArrayList<>();
      for (YamlNode item : list.items()) {
        String value = text(item);
        if (seen.contains(value)) {
          return node.displayName() + " lists '" + YamlNode.Scalar.abbreviated(value) + "' twice; give each once";
        }
        seen.add(value);
      }
    }
    return node.displayName() + " lists an item twice; give each once";
  }

  private static String text(YamlNode node) {
    return node instanceof YamlNode.Scalar s ? s.text() : node.describe();
  }

  /** The schema location as a JSON pointer into the schema document: {@code /$defs/x/type}. */
  private static String schemaLocation(Error error) {
    String s = error.getSchemaLocation().toString();
    int hash = s.indexOf('#');
    return hash < 0 ? "" : s.substring(hash + 1);
  }

  private static String parentOf(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? "" : pointer.substring(0, slash);
  }
}
