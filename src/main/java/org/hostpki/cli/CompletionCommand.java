package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code hostpki completion bash|zsh|fish}: prints a completion script for every command, option
 * and value, native to the shell (see {@link CompletionScripts}), written from the command
 * definitions: it offers exactly the words the commands accept, and file names where they take
 * files.
 */
@Command(
    name = "completion",
    description = "Print a completion script for bash, zsh or fish: commands, options and their values.",
    footer = {
      "",
      "Examples:",
      "  source <(hostpki completion bash)              # this bash session",
      "  hostpki completion bash > /etc/bash_completion.d/hostpki",
      "  source <(hostpki completion zsh)               # in ~/.zshrc",
      "  mkdir -p ~/.config/fish/completions            # fish does not make it",
      "  hostpki completion fish > ~/.config/fish/completions/hostpki.fish",
      "",
      "Sourced in zsh, the script loads compinit if it is not loaded yet. The .deb package installs all three.",
      "",
      "Exit codes:",
      "  0   printed",
      "  1   standard output could not be written",
      "  64  usage error: no shell, or not bash, zsh or fish"
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh,
    fish
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
  Shell shell;

  @Override
  public Integer call() {
    Completion.Tree tree = Completion.of(spec.root());
    String script =
        switch (shell) {
          case bash -> CompletionScripts.bash(tree);
          case zsh -> CompletionScripts.zsh(tree);
          case fish -> CompletionScripts.fish(tree);
        };
    PrintWriter out = spec.commandLine().getOut();
    out.print(script);
    out.flush();
    return ExitCodes.OK;
  }
}
