package org.hostpki.cli;

import picocli.CommandLine.Option;

/**
 * {@code --output text|json} of the reporting commands, as a picocli {@code @Mixin}: one
 * declaration, so the option reads the same in every command's help, man page and completion.
 * ({@code validate} takes a third form, {@code github}, and declares its own.)
 */
final class FormatOption {
  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.text;

  boolean json() {
    return format == OutputFormat.json;
  }
}
