package org.hostpki.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an output file holds, as far as deciding whether it must be written again goes: read back
 * from the file, or expected from the desired state ({@link OutputSpec#expectedFacts}). Two equal
 * facts mean the file is as declared, whatever its bytes (encrypted files differ byte for byte
 * each time they are written, by their random salts).
 *
 * @param publicKey the fingerprint of the private key's public half, when the file holds the key
 * @param certificates the certificates' fingerprints in file order (a key entry's chain, leaf
 *     first)
 * @param alias a key store's entry name
 * @param keyEncoding how a PEM file writes the key
 * @param passwordProtected whether the file opens only with the store password
 * @param profile a PKCS#12 file's encryption profile
 */
public record OutputFacts(
    Optional<Fingerprint> publicKey,
    List<Fingerprint> certificates,
    Optional<String> alias,
    Optional<KeyEncoding> keyEncoding,
    boolean passwordProtected,
    Optional<Pkcs12Profile> profile) {

  public OutputFacts {
    Objects.requireNonNull(publicKey, "publicKey");
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(keyEncoding, "keyEncoding");
    Objects.requireNonNull(profile, "profile");
  }
}
