package org.hostpki.cli;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.host.LiveHostIdentityProbe;

/**
 * What the CLI takes from the process it runs in: file system, working directory, environment
 * variables, clock, the live host identity and whether it talks to a terminal. Tests pass their own.
 */
public record Environment(
    FileSystem fileSystem,
    Path workingDirectory,
    Map<String, String> variables,
    Clock clock,
    HostIdentityProbe hostProbe,
    boolean interactive) {

  public Environment {
    variables = Map.copyOf(variables);
  }

  /** An environment with the real host identity that is not a terminal (for tests and scripts). */
  public Environment(FileSystem fileSystem, Path workingDirectory, Map<String, String> variables, Clock clock) {
    this(fileSystem, workingDirectory, variables, clock, LiveHostIdentityProbe.system(), false);
  }

  public static Environment system() {
    FileSystem fs = FileSystems.getDefault();
    return new Environment(
        fs,
        fs.getPath("").toAbsolutePath(),
        System.getenv(),
        Clock.systemUTC(),
        LiveHostIdentityProbe.system(),
        System.console() != null);
  }

  public Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name));
  }

  /** Resolves a path given on the command line against the working directory. */
  public Path resolve(String argument) {
    return workingDirectory.resolve(fileSystem.getPath(argument)).normalize();
  }
}
