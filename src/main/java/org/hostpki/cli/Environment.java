package org.hostpki.cli;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hostpki.files.KernelPaths;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.host.LiveHostIdentityProbe;

/**
 * What the CLI takes from the process it runs in: file system, working directory, environment
 * variables, clock, the live host identity and whether it talks to a terminal. Tests pass their own.
 *
 * @param interactive standard output is a terminal: a person reads it
 * @param errorTerminal standard error is a terminal: colours and transient progress may go there
 */
public record Environment(
    FileSystem fileSystem,
    Path workingDirectory,
    Map<String, String> variables,
    Clock clock,
    HostIdentityProbe hostProbe,
    boolean interactive,
    boolean errorTerminal) {

  public Environment {
    variables = Map.copyOf(variables);
  }

  /** An environment whose standard output and standard error are both a terminal, or neither. */
  public Environment(
      FileSystem fileSystem,
      Path workingDirectory,
      Map<String, String> variables,
      Clock clock,
      HostIdentityProbe hostProbe,
      boolean interactive) {
    this(fileSystem, workingDirectory, variables, clock, hostProbe, interactive, interactive);
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
        asStarted(System.getenv()),
        Clock.systemUTC(),
        LiveHostIdentityProbe.system(),
        isTerminal(1),
        isTerminal(2));
  }

  /**
   * The variables as hostpki was started with them: bin/hostpki sets LANGUAGE=C for the JVM (so
   * the system's reasons for file errors are the English words hostpki matches) and keeps the
   * caller's LANGUAGE in HOSTPKI_LANGUAGE ("=VALUE", empty when it was unset), which hooks get back.
   */
  static Map<String, String> asStarted(Map<String, String> variables) {
    String was = variables.get("HOSTPKI_LANGUAGE");
    if (was == null) {
      return variables;
    }
    Map<String, String> started = new HashMap<>(variables);
    started.remove("HOSTPKI_LANGUAGE");
    if (was.startsWith("=")) {
      started.put("LANGUAGE", was.substring(1));
    } else {
      started.remove("LANGUAGE");
    }
    return started;
  }

  /**
   * Whether file descriptor {@code fd} of this process is a terminal. Java 17 tells only whether
   * standard input and output both are ({@code System.console()}); Linux names each one's
   * target in /proc, a terminal being a device under /dev/pts or a /dev/tty* or the console.
   */
  private static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  public Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name));
  }

  /**
   * Resolves a path given on the command line against the working directory, as the kernel does:
   * {@code DIR/link/../f} is the file beside the link's target, not {@code DIR/f} ({@link
   * KernelPaths}).
   */
  public Path resolve(String argument) {
    return KernelPaths.resolve(workingDirectory, fileSystem.getPath(argument));
  }
}
