package org.hostpki.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} of every command, as a picocli {@code @Mixin}: one declaration, so it reads
 * the same in every command's help, man page and completion. ({@code hostpki} itself also takes
 * {@code -V, --version}.)
 */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;
}
