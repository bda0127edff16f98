package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a secret comes from. A literal password in the desired state is deliberately not a case:
 * desired-state files end up in version control.
 */
public sealed interface PasswordSource {

  /** Read from an environment variable. */
  record Env(String variable) implements PasswordSource {
    public Env {
      Objects.requireNonNull(variable, "variable");
    }

    @Override
    public String describe() {
      return "environment variable " + variable;
    }
  }

  /** Read from a file (trailing newline removed); the path is resolved against the file's folder. */
  record File(Path path) implements PasswordSource {
    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String describe() {
      return "file " + path;
    }
  }

  /** Where the secret is, in words for messages; never the secret itself. */
  String describe();
}
