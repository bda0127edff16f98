package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code trust.install}: where hostpki puts certificates so that the host's own clients (curl,
 * Python, Go, Java, Chromium, Firefox) trust them, not only readers of {@code trust-bundle.crt}.
 *
 * @param certificates what goes in, in the order given, each once
 * @param system the operating system's trust store
 * @param runningJava the {@code cacerts} of the Java that runs hostpki
 * @param javaKeystores further Java trust stores ({@code cacerts} files), resolved
 * @param javaPassword the Java trust stores' password; empty for Java's default {@code changeit}
 * @param nssDatabases NSS databases (directories holding {@code cert9.db}), resolved
 * @param origin where {@code trust.install} is in the desired state, for messages
 */
public record InstallSpec(
    List<Content> certificates,
    boolean system,
    boolean runningJava,
    List<Path> javaKeystores,
    Optional<PasswordSource> javaPassword,
    List<Path> nssDatabases,
    SourcePosition origin) {

  /** Java's own default password of {@code cacerts}. */
  public static final String DEFAULT_JAVA_PASSWORD = "changeit";

  public InstallSpec {
    certificates = List.copyOf(certificates);
    if (certificates.stream().distinct().count() != certificates.size()) {
      throw new IllegalArgumentException("certificates listed twice: " + certificates);
    }
    javaKeystores = List.copyOf(javaKeystores);
    Objects.requireNonNull(javaPassword, "javaPassword");
    nssDatabases = List.copyOf(nssDatabases);
    Objects.requireNonNull(origin, "origin");
  }

  /** What {@code trust.install.certificates} selects. */
  public enum Content {
    /** The internal CA, and during a rotation the next and the previous CA too. */
    CA("ca"),
    /** Every declared trusted certificate (not the system's roots: they are there already). */
    TRUSTED("trusted");

    private final String yamlName;

    Content(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Whether any target is named at all; {@code install: {}} names none and removes everything. */
  public boolean namesTargets() {
    return system || runningJava || !javaKeystores.isEmpty() || !nssDatabases.isEmpty();
  }
}
