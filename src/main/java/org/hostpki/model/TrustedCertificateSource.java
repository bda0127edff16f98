package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One declared trusted certificate: a name and where its PEM comes from.
 *
 * @param name the entry's name in the store ({@code trust/NAME.crt}, the PKCS#12 alias)
 * @param origin where it was declared, for messages ({@code host.yaml:12:7})
 */
public record TrustedCertificateSource(String name, Content content, SourcePosition origin) {

  public TrustedCertificateSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(origin, "origin");
  }

  /** Where the certificate's bytes are. */
  public sealed interface Content {
    /** A file (resolved), PEM or DER. */
    record FromFile(Path file) implements Content {}

    /** PEM text inline in the desired state. */
    record Inline(String pem) implements Content {}
  }
}
