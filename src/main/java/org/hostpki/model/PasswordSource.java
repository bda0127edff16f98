package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a secret comes from. A literal password in the desired state is deliberately not a case:
 * desired-state files end up in version control.
 *
 * <p>Each source may carry where the desired state names it ({@link #origin()}), for messages
 * about a source that fails at run time; it is not part of what the source is, so two keys naming
 * the same variable or file name the same source ({@code equals} leaves it out).
 */
public sealed interface PasswordSource {

  /** Read from an environment variable. */
  record Env(String variable, Optional<SourcePosition> origin) implements PasswordSource {
    public Env {
      Objects.requireNonNull(variable, "variable");
      Objects.requireNonNull(origin, "origin");
    }

    /** A variable no desired-state file names (a command-line option, a record). */
    public Env(String variable) {
      this(variable, Optional.empty());
    }

    @Override
    public String describe() {
      return "environment variable " + variable;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Env e && e.variable.equals(variable);
    }

    @Override
    public int hashCode() {
      return variable.hashCode();
    }
  }

  /** Read from a file (trailing newline removed); the path is resolved against the file's folder. */
  record File(Path path, Optional<SourcePosition> origin) implements PasswordSource {
    public File {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(origin, "origin");
    }

    /** A file no desired-state file names (a command-line option, a record). */
    public File(Path path) {
      this(path, Optional.empty());
    }

    @Override
    public String describe() {
      return "file " + path;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof File f && f.path.equals(path);
    }

    @Override
    public int hashCode() {
      return path.hashCode();
    }
  }

  /** Where the secret is, in words for messages; never the secret itself. */
  String describe();

  /** Where the desired state names this source ({@code file:line:col}); empty when none does. */
  Optional<SourcePosition> origin();
}
