package org.hostpki.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a PKCS#12 file holds, read with the store's password.
 *
 * @param keyEntry the key entry under alias {@code server}, when there is one
 * @param trustedEntries trusted certificate entries by alias, sorted
 * @param profile the encryption profile the file was written with
 * @param passwordProtected whether the file has a MAC or encrypted content; false: anyone who can
 *     read it can read it all, with any password or none ({@code truststore.p12}, {@code password:
 *     none})
 */
public record Pkcs12Facts(
    Optional<KeyEntry> keyEntry,
    Map<String, Fingerprint> trustedEntries,
    Pkcs12Profile profile,
    boolean passwordProtected) {

  public Pkcs12Facts {
    Objects.requireNonNull(keyEntry, "keyEntry");
    trustedEntries = java.util.Collections.unmodifiableMap(new TreeMap<>(trustedEntries));
    Objects.requireNonNull(profile, "profile");
  }

  /** The facts of a file protected with a password. */
  public Pkcs12Facts(
      Optional<KeyEntry> keyEntry, Map<String, Fingerprint> trustedEntries, Pkcs12Profile profile) {
    this(keyEntry, trustedEntries, profile, true);
  }

  /**
   * A private key entry.
   *
   * @param alias the entry's alias
   * @param publicKeyFingerprint of the private key's public half
   * @param chain the certificate chain's fingerprints, leaf first
   */
  public record KeyEntry(String alias, Fingerprint publicKeyFingerprint, List<Fingerprint> chain) {
    public KeyEntry {
      chain = List.copyOf(chain);
    }
  }
}
