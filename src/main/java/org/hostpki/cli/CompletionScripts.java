package org.hostpki.cli;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hostpki.cli.Completion.Command;
import org.hostpki.cli.Completion.Kind;
import org.hostpki.cli.Completion.Option;
import org.hostpki.cli.Completion.Positional;
import org.hostpki.cli.Completion.Tree;
import org.hostpki.cli.Completion.Values;

/**
 * The completion scripts for bash, zsh and fish, written from a {@link Completion.Tree}. Each is
 * native to its shell: bash's {@code complete -F} (file names through {@code compgen -f} with
 * {@code -o filenames}, no bash-completion package needed), zsh's {@code _arguments} (with the
 * descriptions beside each command and option) and fish's {@code complete}.
 */
final class CompletionScripts {
  private CompletionScripts() {}

  /** Words go into shell code unquoted: only what needs no quoting in any of the three shells. */
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9-][A-Za-z0-9._-]*");

  private static String words(List<String> words) {
    for (String w : words) {
      if (!PLAIN_WORD.matcher(w).matches()) {
        throw new IllegalStateException("completion word needs quoting: " + w);
      }
    }
    return String.join(" ", words);
  }

  // ---------------------------------------------------------------- bash

  static String bash(Tree tree) {
    StringBuilder b = new StringBuilder();
    b.append("# hostpki completion for bash, written from hostpki's command definitions.\n")
        .append("# Load it with: source <(hostpki completion bash)\n")
        .append("# or install it as /usr/share/bash-completion/completions/hostpki\n\n");

    b.append("# _hostpki_value COMMAND OPTION: what the option's value is (files, hosts, commands,\n")
        .append("# words W..., text); nothing when the option takes no value.\n")
        .append("_hostpki_value() {\n  case \"$1 $2\" in\n");
    for (Command c : all(tree)) {
      for (Option o : c.options()) {
        if (o.takesValue()) {
          String patterns = o.names().stream().map(n -> "\"" + c.name() + " " + n + "\"").collect(Collectors.joining("|"));
          b.append("    ").append(patterns).append(") echo \"").append(bashWhat(o.value())).append("\" ;;\n");
        }
      }
    }
    b.append("  esac\n}\n\n");

    b.append("# _hostpki_positional COMMAND N FIRST: what the command's N-th parameter (from 0) is;\n")
        .append("# FIRST is the first one given.\n")
        .append("_hostpki_positional() {\n  case $1 in\n");
    for (Command c : tree.commands()) {
      if (c.positionals().isEmpty()) {
        continue;
      }
      b.append("    ").append(c.name()).append(")\n");
      String keyword = "if";
      Positional before = null;
      for (Positional p : c.positionals()) {
        b.append("      ").append(keyword).append(" (( $2 ").append(p.unbounded() ? ">=" : "==").append(' ').append(p.index())
            .append(" )); then ");
        if (before != null && before.alsoSecond()) {
          // export host.yaml ca-cert: the first parameter's words, until one of them is given
          b.append("case \" ").append(words(before.value().words())).append(" \" in *\" $3 \"*) echo \"")
              .append(bashWhat(p.value())).append("\" ;; *) echo \"").append(bashWhat(before.value())).append("\" ;; esac\n");
        } else {
          b.append("echo \"").append(bashWhat(p.value())).append("\"\n");
        }
        keyword = "elif";
        before = p;
      }
      b.append("      fi ;;\n");
    }
    b.append("  esac\n}\n\n");

    b.append("_hostpki_options() {\n  case $1 in\n");
    for (Command c : all(tree)) {
      b.append("    \"").append(c.name()).append("\") echo \"").append(words(c.optionNames())).append("\" ;;\n");
    }
    b.append("  esac\n}\n\n");

    b.append("_hostpki() {\n")
        .append("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
        .append("  local command=\"\" option=\"\" what=\"\" word i=1 n=0 dashes=\"\" first=\"\"\n")
        .append("  COMPREPLY=()\n")
        .append("  # The command, and how many parameters precede the cursor; an option's value is not a\n")
        .append("  # parameter (bash splits --option=VALUE into --option, =, VALUE); after --, every word is.\n")
        .append("  while (( i < COMP_CWORD )); do\n")
        .append("    word=${COMP_WORDS[i]}\n")
        .append("    if [[ -z $dashes && -n $command && $word == \"--\" ]]; then\n")
        .append("      dashes=yes\n")
        .append("    elif [[ -z $dashes && $word == -* ]]; then\n")
        .append("      if [[ ${COMP_WORDS[i+1]} == \"=\" ]]; then\n")
        .append("        (( i += 2 ))\n")
        .append("      elif [[ -n $(_hostpki_value \"$command\" \"$word\") ]]; then\n")
        .append("        (( i += 1 ))\n")
        .append("      fi\n")
        .append("    elif [[ -z $command ]]; then\n")
        .append("      command=$word\n")
        .append("    else\n")
        .append("      (( n == 0 )) && first=$word\n")
        .append("      (( n += 1 ))\n")
        .append("    fi\n")
        .append("    (( i += 1 ))\n")
        .append("  done\n")
        .append("  if [[ -n $dashes ]]; then\n")
        .append("    :\n")
        .append("  elif [[ $cur == \"=\" && $prev == -* ]]; then\n")
        .append("    option=$prev cur=\"\"\n")
        .append("  elif [[ $prev == \"=\" ]] && (( COMP_CWORD > 1 )); then\n")
        .append("    option=${COMP_WORDS[COMP_CWORD-2]}\n")
        .append("  elif [[ $prev == -* ]]; then\n")
        .append("    option=$prev\n")
        .append("  fi\n")
        .append("  [[ -n $option ]] && what=$(_hostpki_value \"$command\" \"$option\")\n")
        .append("  if [[ -z $what ]]; then\n")
        .append("    if [[ -z $dashes && $cur == -* ]]; then\n")
        .append("      what=\"words $(_hostpki_options \"$command\")\"\n")
        .append("    elif [[ -z $command ]]; then\n")
        .append("      what=commands\n")
        .append("    else\n")
        .append("      what=$(_hostpki_positional \"$command\" \"$n\" \"$first\")\n")
        .append("    fi\n")
        .append("  fi\n")
        .append("  case $what in\n")
        .append("    files)\n")
        .append("      compopt -o filenames 2>/dev/null\n")
        .append("      mapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n")
        .append("    hosts) mapfile -t COMPREPLY < <(compgen -A hostname -- \"$cur\") ;;\n")
        .append("    commands) mapfile -t COMPREPLY < <(compgen -W \"").append(words(tree.commandNames())).append("\" -- \"$cur\") ;;\n")
        .append("    words\\ *) mapfile -t COMPREPLY < <(compgen -W \"${what#words }\" -- \"$cur\") ;;\n")
        .append("  esac\n")
        .append("  return 0\n")
        .append("}\n\n")
        .append("complete -F _hostpki hostpki\n");
    return b.toString();
  }

  private static String bashWhat(Values v) {
    return switch (v.kind()) {
      case TEXT -> "text";
      case FILES -> "files";
      case HOSTS -> "hosts";
      case COMMANDS -> "commands";
      case WORDS -> "words " + words(v.words());
    };
  }

  private static List<Command> all(Tree tree) {
    List<Command> all = new java.util.ArrayList<>();
    all.add(tree.root());
    all.addAll(tree.commands());
    return all;
  }

  // ---------------------------------------------------------------- zsh

  static String zsh(Tree tree) {
    StringBuilder b = new StringBuilder();
    b.append("#compdef hostpki\n")
        .append("# hostpki completion for zsh, written from hostpki's command definitions.\n")
        .append("# Load it with: source <(hostpki completion zsh)   (after compinit, e.g. in ~/.zshrc)\n")
        .append("# or install it as _hostpki in a folder of $fpath (/usr/share/zsh/vendor-completions).\n\n");

    b.append("_hostpki() {\n")
        .append("  local curcontext=$curcontext state state_descr line ret=1\n")
        .append("  typeset -A opt_args\n")
        .append("  _arguments -C -s -S \\\n");
    for (Option o : tree.root().options()) {
      b.append("    ").append(zshOption(o, true)).append(" \\\n");
    }
    b.append("    '1: :_hostpki_commands' \\\n")
        .append("    '*:: :->command' && ret=0\n")
        .append("  if [[ $state == command ]]; then\n")
        .append("    curcontext=${curcontext%:*:*}:hostpki-$words[1]:\n")
        .append("    case $words[1] in\n");
    for (Command c : tree.commands()) {
      b.append("      ").append(c.name()).append(")\n        _arguments -s -S");
      for (Option o : c.options()) {
        b.append(" \\\n          ").append(zshOption(o, false));
      }
      Positional before = null;
      for (Positional p : c.positionals()) {
        String action = before != null && before.alsoSecond() ? secondFunction(c) : zshAction(p.value());
        b.append(" \\\n          '").append(p.unbounded() ? "*" : Integer.toString(p.index() + 1)).append(':')
            .append(zshQuote(p.value().label())).append(':').append(action).append('\'');
        before = p;
      }
      b.append(" && ret=0 ;;\n");
    }
    b.append("    esac\n  fi\n  return ret\n}\n\n");

    for (Command c : tree.commands()) {
      if (c.positionals().size() > 1 && c.positionals().get(0).alsoSecond()) {
        // export host.yaml ca-cert: the first parameter's words, until one of them is given
        Values first = c.positionals().get(0).value();
        Values second = c.positionals().get(1).value();
        b.append(secondFunction(c)).append("() {\n")
            .append("  if (( ${${(@)words[2,CURRENT-1]}[(I)(").append(String.join("|", first.words())).append(")]} )); then\n")
            .append("    ").append(zshCall(second)).append("\n")
            .append("  else\n")
            .append("    ").append(zshCall(first)).append("\n")
            .append("  fi\n}\n\n");
      }
    }

    b.append("_hostpki_commands() {\n  local -a commands=(\n");
    for (Command c : tree.commands()) {
      b.append("    '").append(c.name()).append(':').append(zshQuote(c.description())).append("'\n");
    }
    b.append("  )\n  _describe -t commands 'hostpki command' commands\n}\n\n");

    // Autoloaded from $fpath the file is _hostpki's body: define, then complete. Sourced: register.
    b.append("if [[ $funcstack[1] == _hostpki ]]; then\n")
        .append("  _hostpki \"$@\"\n")
        .append("else\n")
        .append("  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit }\n")
        .append("  compdef _hostpki hostpki\n")
        .append("fi\n");
    return b.toString();
  }

  /** The zsh function that completes the second parameter of a command whose first may come second. */
  private static String secondFunction(Command c) {
    return "_hostpki_" + c.name().replace('-', '_') + "_second";
  }

  private static String zshOption(Option o, boolean root) {
    StringBuilder s = new StringBuilder();
    boolean help = o.names().contains("--help") || o.names().contains("--version");
    if (help) {
      s.append("'(- *)'"); // nothing else after --help or --version
    } else if (o.repeatable()) {
      s.append("'*'");
    } else if (o.names().size() > 1) {
      s.append("'(").append(String.join(" ", o.names())).append(")'");
    }
    String description = "[" + zshQuote(o.description()).replace("[", "\\[").replace("]", "\\]") + "]";
    String value = o.takesValue() ? ":" + zshQuote(o.value().label()) + ":" + zshAction(o.value()) : "";
    if (o.names().size() > 1) {
      s.append('{')
          .append(o.names().stream().map(n -> n + (o.takesValue() ? (n.startsWith("--") ? "=" : "+") : "")).collect(Collectors.joining(",")))
          .append('}');
    } else {
      String n = o.names().get(0);
      s.append(n).append(o.takesValue() ? (n.startsWith("--") ? "=" : "+") : "");
    }
    s.append('\'').append(description).append(value).append('\'');
    return s.toString();
  }

  /** A value's action in an {@code _arguments} spec: words in parentheses, else {@link #zshCall}. */
  private static String zshAction(Values v) {
    return switch (v.kind()) {
      case TEXT -> " ";
      case WORDS -> "(" + words(v.words()) + ")";
      default -> zshCall(v);
    };
  }

  /** {@link #zshAction} as a command, for a function of ours. */
  private static String zshCall(Values v) {
    return switch (v.kind()) {
      case TEXT -> ":";
      case FILES -> "_files";
      case HOSTS -> "_hosts";
      case COMMANDS -> "_hostpki_commands";
      case WORDS -> "compadd -- " + words(v.words());
    };
  }

  /** Text inside a single-quoted zsh word, where ':' separates the parts of a spec. */
  private static String zshQuote(String text) {
    return text.replace("'", "'\\''").replace(":", "\\:");
  }

  // ---------------------------------------------------------------- fish

  static String fish(Tree tree) {
    StringBuilder b = new StringBuilder();
    b.append("# hostpki completion for fish, written from hostpki's command definitions.\n")
        .append("# Load it with: hostpki completion fish | source\n")
        .append("# or install it as ~/.config/fish/completions/hostpki.fish\n")
        .append("# (/usr/share/fish/vendor_completions.d/hostpki.fish for every user).\n\n")
        .append("complete -c hostpki -e\n")
        .append("complete -c hostpki -f\n");
    String top = "__fish_use_subcommand";
    for (Option o : tree.root().options()) {
      b.append(fishOption(top, o));
    }
    for (Command c : tree.commands()) {
      b.append("complete -c hostpki -n ").append(top).append(" -a ").append(c.name())
          .append(" -d ").append(fishQuote(c.description())).append('\n');
    }
    for (Command c : tree.commands()) {
      b.append('\n');
      String in = "__fish_seen_subcommand_from " + c.name();
      for (Option o : c.options()) {
        b.append(fishOption(in, o));
      }
      List<String> before = List.of(); // the words of the parameter before, if it takes words
      for (Positional p : c.positionals()) {
        String condition = in;
        List<String> offered = p.value().kind() == Kind.WORDS ? p.value().words() : p.value().kind() == Kind.COMMANDS ? tree.commandNames() : List.of();
        if (!p.unbounded() && !offered.isEmpty()) {
          condition += "; and not __fish_seen_subcommand_from " + words(offered);
        }
        if (!before.isEmpty()) {
          condition += "; and __fish_seen_subcommand_from " + words(before); // export WHAT FILE
        }
        before = offered;
        String values = fishParameter(p.value(), tree);
        if (!values.isEmpty()) {
          b.append("complete -c hostpki -n ").append(fishQuote(condition)).append(values).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String fishOption(String condition, Option o) {
    StringBuilder s = new StringBuilder("complete -c hostpki -n ").append(fishQuote(condition));
    for (String n : o.names()) {
      s.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
    }
    if (o.takesValue()) {
      s.append(fishOptionValue(o.value()));
    }
    return s.append(" -d ").append(fishQuote(o.description())).append('\n').toString();
  }

  /** An option's value: -r (it takes one), -F (files) or -x (no files, only what -a gives). */
  private static String fishOptionValue(Values v) {
    return switch (v.kind()) {
      case TEXT, COMMANDS -> " -x";
      case FILES -> " -r -F";
      case HOSTS -> " -x -a '(__fish_print_hostnames)'";
      case WORDS -> " -x -a " + fishQuote(words(v.words()));
    };
  }

  /** A parameter's values; empty for free text (the -f at the top keeps file names away). */
  private static String fishParameter(Values v, Tree tree) {
    return switch (v.kind()) {
      case TEXT -> "";
      case FILES -> " -F";
      case HOSTS -> " -a '(__fish_print_hostnames)'";
      case COMMANDS -> " -a " + fishQuote(words(tree.commandNames()));
      case WORDS -> " -a " + fishQuote(words(v.words()));
    };
  }

  private static String fishQuote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
