package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostpki completion bash|zsh}: prints a shell completion script for every command and
 * option. picocli writes a bash script; zsh runs the same script through its bash compatibility
 * layer ({@code bashcompinit}), which the script switches on by itself when sourced by zsh.
 */
@Command(
    name = "completion",
    description = "Print a completion script for bash or zsh: commands, options and their values.",
    footer = {
      "",
      "Examples:",
      "  source <(hostpki completion bash)                 # this bash session",
      "  hostpki completion bash > /etc/bash_completion.d/hostpki",
      "  source <(hostpki completion zsh)                  # in ~/.zshrc",
      "",
      "In zsh the script loads compinit and bashcompinit if they are not loaded yet."
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("hostpki", spec.root().commandLine());
    PrintWriter out = spec.commandLine().getOut();
    if (shell == Shell.zsh) {
      out.println("# hostpki completion for zsh, through bash completion (bashcompinit).");
    }
    out.print(script);
    out.flush();
    return ExitCodes.OK;
  }
}
