package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An externally signed server certificate.
 *
 * @param chain the file the signed chain is expected in (resolved); imported once present and valid
 * @param fallback what to serve when the imported certificate no longer covers the identity
 * @param roots {@code server.external.roots}: files of the root certificates an imported chain must
 *     end in (its own root, or the issuer of its last certificate); empty: any root, with a warning
 *     when nothing names it
 */
public record ExternalSpec(Path chain, Fallback fallback, List<Root> roots) {
  public ExternalSpec {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(fallback, "fallback");
    roots = List.copyOf(roots);
  }

  public ExternalSpec(Path chain, Fallback fallback) {
    this(chain, fallback, List.of());
  }

  /**
   * One entry of {@code server.external.roots}.
   *
   * @param file a PEM file of one or more root certificates (resolved)
   * @param origin where the desired state names it
   */
  public record Root(Path file, SourcePosition origin) {
    public Root {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(origin, "origin");
    }
  }

  public enum Fallback {
    /** Keep serving the imported chain until a new one arrives. */
    NONE,
    /** Switch to a certificate from the internal CA at once. */
    INTERNAL
  }
}
