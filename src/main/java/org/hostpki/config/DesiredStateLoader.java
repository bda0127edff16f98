package org.hostpki.config;

import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.files.KernelPaths;
import org.hostpki.model.DesiredState;

/**
 * Reads a desired-state file: YAML with positions, then the JSON Schema, then the rules across
 * fields, collecting every problem of the file at once (the first 100, then one saying how many
 * more). Never throws for bad input: a missing or unreadable file, bad YAML or an invalid desired
 * state are all {@link Problem}s in the result.
 *
 * <p>The compiled schema is built on first use and kept, so one loader checks many files quickly.
 * An instance is safe to use from several threads.
 */
public final class DesiredStateLoader {
  private final boolean accountsElsewhere;
  private SchemaCheck schemaCheck;

  /** A loader for the host the desired state is applied on: an unknown owner or group is an error. */
  public DesiredStateLoader() {
    this(false);
  }

  private DesiredStateLoader(boolean accountsElsewhere) {
    this.accountsElsewhere = accountsElsewhere;
  }

  /**
   * A loader for {@code hostpki validate}, which CI pipelines run on files for other hosts: an
   * owner or group this machine does not know is a warning (apply on a host without it refuses
   * it), not an error.
   */
  public static DesiredStateLoader forValidation() {
    return new DesiredStateLoader(true);
  }

  /** Reads and checks {@code file}; relative paths inside it resolve against its folder. */
  public LoadResult load(Path file) {
    Problems problems = new Problems(file);
    if (KernelPaths.goesUp(file)) {
      // its paths resolve against its folder, which would go up too
      problems.fileError("the desired state's path " + KernelPaths.goesUpAdvice());
      return result(file, Optional.empty(), problems);
    }
    return FileText.read(file, problems)
        .map(text -> check(file, text, problems))
        .orElseGet(() -> result(file, Optional.empty(), problems));
  }

  /**
   * Checks YAML text as if it had been read from {@code file} (which need not exist): problems
   * name it, and relative paths resolve against its folder. For tests and inline desired states.
   */
  public LoadResult loadString(Path file, String yaml) {
    Problems problems = new Problems(file);
    return FileText.check(yaml, problems)
        .map(text -> check(file, text, problems))
        .orElseGet(() -> result(file, Optional.empty(), problems));
  }

  private LoadResult check(Path file, String text, Problems problems) {
    Optional<YamlNode> root = new YamlReader(problems).read(text);
    if (root.isEmpty()) {
      if (!problems.hasErrors()) {
        problems.fileError(
            "the file is empty; a desired state needs at least 'apiVersion: hostpki/v1' and 'store: {path: ...}'");
      }
      return result(file, Optional.empty(), problems);
    }
    if (!(root.get() instanceof YamlNode.Mapping mapping)) {
      problems.error(
          root.get().position(),
          "the top level must be a mapping with apiVersion and store, not "
              + (root.get() instanceof YamlNode.Scalar
                  // one line of text is what a password file holds (-f at the file beside host.yaml)
                  ? "a single value (hostpki does not repeat it: it may be a password or key file);"
                      + " is this the desired-state file?"
                  : root.get().describe()));
      return result(file, Optional.empty(), problems);
    }
    problems.nextPhase();
    schemaCheck().check(mapping, problems);
    problems.nextPhase();
    InvisibleCharacters.check(mapping, problems);
    problems.nextPhase();
    DesiredState state = new DesiredStateBinder(file.toAbsolutePath(), problems, accountsElsewhere).bind(mapping);
    return result(file, Optional.of(state), problems);
  }

  private static LoadResult result(Path file, Optional<DesiredState> state, Problems problems) {
    return new LoadResult(
        file, problems.hasErrors() ? Optional.empty() : state, problems.sorted(), problems.unshownErrors(),
        problems.unshownWarnings(), problems.unread());
  }

  private synchronized SchemaCheck schemaCheck() {
    if (schemaCheck == null) {
      schemaCheck = SchemaCheck.load();
    }
    return schemaCheck;
  }
}
