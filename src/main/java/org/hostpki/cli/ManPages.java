package org.hostpki.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The manual pages hostpki(1), from the picocli command definitions (the same texts as
 * {@code --help}), and hostpki.yaml(5), from the descriptions in the desired-state JSON Schema: a
 * manual that cannot drift from the program. The build writes them (see {@link DistributionFiles}).
 */
final class ManPages {
  private ManPages() {}

  private static final String MANUAL = "hostpki manual";

  /** hostpki(1). */
  static String hostpki(CommandSpec root, String version, String date) {
    Troff t = new Troff().title("hostpki", 1, date, "hostpki " + version, MANUAL);
    t.section("NAME").raw("hostpki \\- " + Troff.escape(sentence(root.usageMessage().description())));
    synopsis(t, root);
    t.section("DESCRIPTION");
    t.paragraph(
        "hostpki keeps a host's TLS identity right without a person in the loop. A desired-state file"
            + " (see hostpki.yaml(5)) describes an internal CA, a server certificate for this host and the"
            + " certificates the host trusts; hostpki compares it with the store on disk and the live host"
            + " identity (host name, domain, IP addresses), shows a minimal plan of what changes and why,"
            + " and applies it atomically. A second run changes nothing.");
    for (OptionSpec o : root.options()) {
      option(t, o);
    }

    t.section("COMMANDS");
    for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
      CommandSpec spec = e.getValue().getCommandSpec();
      t.subsection("hostpki " + e.getKey());
      t.raw(".PP").raw(synopsis(e.getValue()));
      for (String paragraph : spec.usageMessage().description()) {
        if (!plain(paragraph).isEmpty()) {
          t.paragraph(plain(paragraph));
        }
      }
      for (PositionalParamSpec p : spec.positionalParameters()) {
        if (!p.hidden()) {
          t.tagged(p.paramLabel(), plain(String.join(" ", p.description())));
        }
      }
      for (OptionSpec o : spec.options()) {
        if (!o.hidden() && o.scopeType() != CommandLine.ScopeType.INHERIT) {
          option(t, o);
        }
      }
      footer(t, List.of(spec.usageMessage().footer()));
    }

    t.section("EXIT STATUS");
    t.tightlyTagged(List.of(
        Map.entry("0", "Success; for plan also with changes pending."),
        Map.entry("1", "An error: an invalid desired state, an unreadable store, a refused apply. Nothing on disk changed. Also a run that would have exited 0 but could not write its standard output (a full disk): what it did to the store stands (a 2, 3 or 64 stays)."),
        Map.entry("2", "Changes or hooks are pending (only plan --detailed-exitcode, apply --check, sign --check and revoke --check); for check, changes are pending."),
        Map.entry("3", "The store is at the desired state, but a hook failed (apply, rollback): it is recorded, and the next apply, watch tick or timer run runs it again. Or a trust.install target could not be read or changed (apply): it is left as it was while the store and the other targets went ahead, and the next run tries it again; for check, a target cannot be read or a hook is pending."),
        Map.entry("64", "A usage error: an unknown option or command, a missing or malformed argument.")));

    t.section("ENVIRONMENT");
    t.tagged("HOSTPKI_PASSWORD", "A conventional variable for the store password; the desired state names the variable it reads (store.password.env).");
    t.tagged("NO_COLOR", "When set to a non-empty value (https://no-color.org), no colours on a terminal (as --no-color).");
    t.tagged(DesiredStateFile.VARIABLE, "The desired-state file a command reads when it names none (no FILE, no -f); else "
        + DesiredStateFile.DEFAULT + ". The command says which it read (note: desired state ...).");
    t.tagged("TERM", "dumb, empty or unset: no colours and no progress line on a terminal, as its escape sequences may not be known there.");
    t.tagged("COLUMNS", "The width help is wrapped at; by default the terminal's width.");
    t.tagged("LC_ALL, LC_CTYPE, LANG", "File names and arguments are read as UTF-8: a C or POSIX locale (systemd's and cron's default) runs as C.UTF-8, and hooks inherit LC_CTYPE=C.UTF-8; an LC_ALL set on purpose is kept.");
    t.tagged("JAVA_HOME", "The Java runtime (17 or later) to run with; by default java on PATH.");
    t.tagged("HOSTPKI_JAVA_OPTS", "Further options for the Java virtual machine, e.g. -XX:TieredStopAtLevel=4 for a faster first RSA key generation.");
    t.tagged("HOSTPKI_CDS", "off: do not use or make the start-up archive (lib/hostpki.jsa), an AppCDS archive the launcher makes on first use from a plan over a scratch store.");

    t.section("FILES");
    t.tagged("/etc/hostpki/host.yaml", "The usual place of the desired state (see hostpki.yaml(5)); the systemd units read it.");
    t.tagged("/usr/share/hostpki/schema/", "The JSON Schemas of desired-state files and of the JSON that --output json prints.");
    t.tagged("/usr/share/hostpki/lib/", "The jars; hostpki.jsa, the start-up archive, is made there on installation.");

    t.section("SEE ALSO");
    t.raw(Troff.bold("hostpki.yaml") + "(5), " + Troff.bold("openssl") + "(1), " + Troff.bold("systemd.timer") + "(5)");
    return t.toString();
  }

  /**
   * hostpki(1)'s SYNOPSIS, from hostpki's own options (as git(1) writes its): a command with the
   * options that go before it or after it ({@code --debug}, {@code --no-color}), then each option
   * that prints something and exits ({@code --help}, {@code --version}) on a line of its own.
   */
  private static void synopsis(Troff t, CommandSpec root) {
    StringBuilder run = new StringBuilder(Troff.bold("hostpki"));
    List<String> alone = new ArrayList<>();
    for (OptionSpec o : root.options()) {
      if (o.hidden()) {
        continue;
      }
      String names = String.join(" | ", Arrays.stream(o.names()).map(Troff::bold).toList());
      if (o.usageHelp() || o.versionHelp()) {
        alone.add(Troff.bold("hostpki") + " " + names);
      } else {
        run.append(" [").append(names).append(']');
      }
    }
    run.append(' ').append(Troff.italic("COMMAND")).append(" [").append(Troff.italic("OPTIONS")).append(']');
    t.section("SYNOPSIS").raw(run.toString());
    for (String line : alone) {
      t.raw(".br").raw(line);
    }
  }

  private static String synopsis(CommandLine command) {
    // picocli's synopsis, as --help shows it, on one line
    String text = command.getHelp().synopsis(0).replaceAll("\\s+", " ").strip();
    if (text.startsWith("Usage: ")) {
      text = text.substring("Usage: ".length());
    }
    return Troff.escape(text);
  }

  private static void option(Troff t, OptionSpec o) {
    String names = String.join(", ", o.names());
    if (o.arity().max() > 0) {
      names += " " + o.paramLabel();
    }
    String description = plain(String.join(" ", o.description()))
        .replace("${DEFAULT-VALUE}", o.defaultValue() == null ? "" : o.defaultValue());
    t.tagged(names, description);
  }

  /** An exit code under a footer's "Exit codes:": {@code "  3   a hook failed"}. */
  private static final Pattern EXIT_CODE = Pattern.compile(" {2}([0-9]+) +(.+)");

  /**
   * A footer: paragraphs as text; exit codes as tagged paragraphs without space between them,
   * filled to the page's width; other indented lines (examples) as they are.
   */
  private static void footer(Troff t, List<String> lines) {
    boolean exitCodes = false;
    for (int i = 0; i < lines.size(); ) {
      if (exitCodes && EXIT_CODE.matcher(lines.get(i)).matches()) {
        List<Map.Entry<String, String>> codes = new ArrayList<>();
        for (Matcher code; i < lines.size() && (code = EXIT_CODE.matcher(lines.get(i))).matches(); i++) {
          codes.add(Map.entry(code.group(1), code.group(2)));
        }
        t.tightlyTagged(codes);
      } else if (lines.get(i).startsWith("  ")) {
        List<String> literal = new ArrayList<>();
        for (; i < lines.size() && lines.get(i).startsWith("  ")
            && !(exitCodes && EXIT_CODE.matcher(lines.get(i)).matches()); i++) {
          literal.add(lines.get(i).substring(2));
        }
        t.literal(literal);
      } else {
        String line = lines.get(i++);
        if (!line.isBlank()) {
          t.paragraph(line);
          exitCodes = line.startsWith("Exit codes");
        }
      }
    }
  }

  /**
   * A picocli text as a page shows it: its format specifiers ({@code %n}, {@code %%}), which
   * {@code --help} expands, expanded (check's thresholds say 10%%), and no blank ends.
   */
  static String plain(String text) {
    return text.replace("%n", " ").replace("%%", "%").strip();
  }

  private static String sentence(String[] description) {
    String first = description.length == 0 ? "" : description[0].strip();
    return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
  }

  // ---------------------------------------------------------------- hostpki.yaml(5)

  /** hostpki.yaml(5): every key of the schema, with its type, allowed values, default and description. */
  static String hostpkiYaml(JsonNode schema, String example, String version, String date) {
    Troff t = new Troff().title("hostpki.yaml", 5, date, "hostpki " + version, MANUAL);
    t.section("NAME").raw("hostpki.yaml \\- the desired state of a host's TLS identity, for hostpki(1)");
    t.section("SYNOPSIS").raw("/etc/hostpki/host.yaml");
    t.section("DESCRIPTION");
    t.paragraph(text(schema, "description"));
    t.paragraph(
        "The file is YAML. Its format is defined by the JSON Schema /usr/share/hostpki/schema/hostpki-v1.schema.json"
            + " (schema/hostpki-v1.schema.json in the release tarball), from which this page is written;"
            + " editors that speak the yaml-language-server $schema comment complete and check the file as you"
            + " type. hostpki validate FILE checks it, with file, line and column for every problem.");
    t.section("EXAMPLE");
    t.literal(example.lines().toList());
    t.section("KEYS");
    t.paragraph("Keys are written as paths: store.password.env is the key env inside password inside store.");
    keys(t, schema, schema, "");
    t.section("SEE ALSO");
    t.raw(Troff.bold("hostpki") + "(1)");
    return t.toString();
  }

  private static void keys(Troff t, JsonNode root, JsonNode node, String prefix) {
    JsonNode properties = node.path("properties");
    List<String> required = new ArrayList<>();
    node.path("required").forEach(r -> required.add(r.asString()));
    for (Map.Entry<String, JsonNode> e : properties.properties()) {
      String path = prefix + e.getKey();
      JsonNode property = e.getValue();
      JsonNode resolved = resolve(root, property);
      t.tagged(path + " (" + type(root, resolved) + (required.contains(e.getKey()) ? ", required" : "") + ")", describe(root, property, resolved));
      if (resolved.has("properties")) {
        keys(t, root, resolved, path + ".");
      }
      JsonNode items = resolve(root, resolved.path("items"));
      if (items.has("properties")) {
        keys(t, root, items, path + "[].");
      }
    }
  }

  private static String describe(JsonNode root, JsonNode property, JsonNode resolved) {
    StringBuilder d = new StringBuilder(text(property, "description"));
    if (d.length() == 0) {
      d.append(text(resolved, "description"));
    }
    List<String> values = new ArrayList<>();
    resolved.path("enum").forEach(v -> values.add(v.asString()));
    if (resolved.has("const")) {
      values.add(resolved.get("const").asString());
    }
    if (!values.isEmpty() && values.size() > 0) {
      d.append(d.length() > 0 ? " " : "").append(values.size() == 1 ? "Value: " : "One of: ").append(String.join(", ", values)).append('.');
    }
    JsonNode def = property.has("default") ? property.get("default") : resolved.path("default");
    // A description that gives the default in its own words (with why) is not told it again.
    if (!def.isMissingNode() && !d.toString().contains("Default:")) {
      d.append(" Default: ").append(def.isString() ? def.asString() : def.toString()).append('.');
    }
    return d.toString();
  }

  private static String type(JsonNode root, JsonNode node) {
    if (node.has("type")) {
      JsonNode type = node.get("type");
      if (type.isArray()) {
        List<String> types = new ArrayList<>();
        type.forEach(x -> types.add(x.asString()));
        return String.join(" or ", types);
      }
      if (type.asString().equals("array")) {
        JsonNode items = resolve(root, node.path("items"));
        return items.has("type") || items.has("enum") ? "list of " + type(root, items) : "list";
      }
      return type.asString();
    }
    if (node.has("enum") || node.has("const")) {
      return "string";
    }
    if (node.has("oneOf") || node.has("anyOf")) {
      List<String> types = new ArrayList<>();
      for (JsonNode alternative : node.has("oneOf") ? node.get("oneOf") : node.get("anyOf")) {
        String ty = type(root, resolve(root, alternative));
        if (!types.contains(ty)) {
          types.add(ty);
        }
      }
      return String.join(" or ", types);
    }
    return "any";
  }

  /**
   * A {@code $ref} into {@code $defs}, followed, with the keywords beside it taking precedence
   * (a path is {@code {"$ref": "#/$defs/path", "type": "string"}}: its type is the node's own, as
   * JSON Schema 2019-09 reads siblings of $ref); anything else as it is.
   */
  private static JsonNode resolve(JsonNode root, JsonNode node) {
    JsonNode ref = node.path("$ref");
    if (ref.isString() && ref.asString().startsWith("#/$defs/")) {
      JsonNode target = resolve(root, root.path("$defs").path(ref.asString().substring("#/$defs/".length())));
      if (!(target instanceof ObjectNode definition) || node.size() == 1) {
        return target;
      }
      ObjectNode merged = definition.deepCopy();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getKey().equals("$ref")) {
          merged.set(e.getKey(), e.getValue());
        }
      }
      return merged;
    }
    return node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isString() ? v.asString() : "";
  }
}
