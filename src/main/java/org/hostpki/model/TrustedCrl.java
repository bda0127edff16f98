package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A CRL read from {@code trust.crls}, with what the edge found out about its signature.
 *
 * @param file where it was read: the file, and the {@code trust.crls} entry that named it
 * @param facts what it says
 * @param signer the fingerprint of the certificate whose key verifies its signature, among the
 *     certificates the store trusts or is declared to trust; empty when none does
 */
public record TrustedCrl(String file, CrlFacts facts, Optional<Fingerprint> signer) {
  public TrustedCrl {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(signer, "signer");
  }
}
