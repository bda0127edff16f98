package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An externally signed server certificate.
 *
 * @param chain the file the signed chain is expected in (resolved); imported once present and valid
 * @param fallback what to serve when the imported certificate no longer covers the identity
 */
public record ExternalSpec(Path chain, Fallback fallback) {
  public ExternalSpec {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(fallback, "fallback");
  }

  public enum Fallback {
    /** Keep serving the imported chain until a new one arrives. */
    NONE,
    /** Switch to a certificate from the internal CA at once. */
    INTERNAL
  }
}
