package org.hostpki.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What the shell completion scripts offer, read from the command definitions so they cannot
 * drift: every command, option and positional parameter, and for each value what it takes —
 * the words the command accepts (an option's {@code completionCandidates}, lowercase as the
 * converters take them), file names ({@link Files}), host names ({@link Hosts}) or free text.
 * {@link CompletionScripts} writes it as bash, zsh and fish.
 */
final class Completion {
  private Completion() {}

  /** {@code completionCandidates} of an argument that names a file: the shells complete paths. */
  static final class Files implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Collections.emptyIterator();
    }
  }

  /** {@code completionCandidates} of an argument that names a host: the shells' known hosts. */
  static final class Hosts implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Collections.emptyIterator();
    }
  }

  /**
   * {@code completionCandidates} of a first parameter whose words may also come second, after the
   * parameter that follows it ({@code export host.yaml ca-cert}): until one of them is given, the
   * second place is offered them too.
   */
  interface AlsoSecond {}

  /** What a value is completed with. */
  enum Kind {
    /** Free text (a duration, a name): nothing is offered. */
    TEXT,
    WORDS,
    FILES,
    HOSTS,
    /** The names of hostpki's commands (the argument of {@code help}). */
    COMMANDS
  }

  /** What one value takes: its kind and, for {@link Kind#WORDS}, the words. */
  record Values(Kind kind, List<String> words, String label) {}

  /** An option: its names, a one-line description, and its value (null for a flag). */
  record Option(List<String> names, String description, Values value, boolean repeatable) {
    boolean takesValue() {
      return value != null;
    }

    List<String> shortNames() {
      return names.stream().filter(n -> !n.startsWith("--")).toList();
    }

    List<String> longNames() {
      return names.stream().filter(n -> n.startsWith("--")).toList();
    }
  }

  /**
   * A positional parameter: from {@code index} on, {@code unbounded} for any number of them;
   * {@code alsoSecond}: its words may come in the next parameter's place instead ({@link
   * AlsoSecond}).
   */
  record Positional(int index, boolean unbounded, Values value, boolean alsoSecond) {}

  /** A command: its name ("" for hostpki itself), what it does, its options and parameters. */
  record Command(String name, String description, List<Option> options, List<Positional> positionals) {
    /** Every option name, short ones first as the shells list them. */
    List<String> optionNames() {
      List<String> names = new ArrayList<>();
      options.forEach(o -> names.addAll(o.shortNames()));
      options.forEach(o -> names.addAll(o.longNames()));
      return names;
    }
  }

  /** The root command and its subcommands, in the order help lists them. */
  record Tree(Command root, List<Command> commands) {
    List<String> commandNames() {
      return commands.stream().map(Command::name).toList();
    }
  }

  static Tree of(CommandSpec root) {
    List<Command> commands = new ArrayList<>();
    for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
      commands.add(command(e.getKey(), e.getValue().getCommandSpec()));
    }
    return new Tree(command("", root), commands);
  }

  private static Command command(String name, CommandSpec spec) {
    List<Option> options = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (!o.hidden()) {
        options.add(
            new Option(
                List.of(o.names()),
                summary(withDefault(o)),
                o.arity().max() > 0 ? values(o) : null,
                o.isMultiValue()));
      }
    }
    boolean isHelp = spec.userObject() instanceof HelpCommand;
    List<Positional> positionals = new ArrayList<>();
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (!p.hidden()) {
        Values v = isHelp ? new Values(Kind.COMMANDS, List.of(), p.paramLabel()) : values(p);
        boolean alsoSecond = p.completionCandidates() instanceof AlsoSecond && v.kind() == Kind.WORDS;
        if (alsoSecond && p.index().min() != 0) {
          throw new IllegalStateException("only a first parameter's words may also come second: " + p.paramLabel());
        }
        positionals.add(
            new Positional(p.index().min(), p.index().isUnspecified() || p.index().max() == Integer.MAX_VALUE || p.arity().max() > 1, v, alsoSecond));
      }
    }
    // help lists a command by its header when it has one (picocli's help command does), else its description
    String[] header = spec.usageMessage().header();
    String[] about = header.length > 0 ? header : spec.usageMessage().description();
    return new Command(name, summary(about), List.copyOf(options), List.copyOf(positionals));
  }

  private static Values values(ArgSpec arg) {
    Iterable<String> candidates = arg.completionCandidates();
    String label = arg.paramLabel().replaceAll("^<|>$", "");
    if (candidates instanceof Files) {
      return new Values(Kind.FILES, List.of(), label);
    }
    if (candidates instanceof Hosts) {
      return new Values(Kind.HOSTS, List.of(), label);
    }
    if (candidates != null) {
      List<String> words = new ArrayList<>();
      candidates.forEach(words::add);
      if (!words.isEmpty()) {
        return new Values(Kind.WORDS, List.copyOf(words), label);
      }
    }
    return new Values(Kind.TEXT, List.of(), label);
  }

  private static String[] withDefault(OptionSpec o) {
    String value = o.defaultValue() == null ? "" : o.defaultValue();
    return java.util.Arrays.stream(o.description()).map(d -> d.replace("${DEFAULT-VALUE}", value)).toArray(String[]::new);
  }

  /** The first paragraph of a description, on one line: what the shells show beside a name. */
  private static String summary(String[] description) {
    if (description.length == 0) {
      return "";
    }
    String first = description[0].replace("%n", " ").replaceAll("\\s+", " ").strip();
    // shells show descriptions as labels, without a closing full stop
    return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
  }

  /** The words of an enum, lowercase, as {@code completionCandidates}. */
  static List<String> lowercase(Enum<?>[] constants) {
    List<String> words = new ArrayList<>();
    for (Enum<?> c : constants) {
      words.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return words;
  }
}
