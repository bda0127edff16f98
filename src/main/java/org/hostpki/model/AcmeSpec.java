package org.hostpki.model;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A server certificate ordered from an ACME CA (RFC 8555): where the CA is, the account, and how
 * this host proves control of the names and addresses it orders.
 *
 * @param directory the CA's directory URL, always https
 * @param caBundle trust for the ACME server's own TLS certificate (resolved), instead of the
 *     system's; for private CAs
 * @param contact the account's contact URIs ({@code mailto:})
 * @param termsOfServiceAgreed whether the operator agrees to the CA's terms of service; a CA whose
 *     directory names terms refuses a new account without it
 * @param externalAccountBinding the CA's key identifier and HMAC key, for CAs that bind ACME
 *     accounts to accounts of their own (ZeroSSL, Google, Sectigo, step-ca with EAB)
 * @param profile the certificate profile asked for on new orders (draft-ietf-acme-profiles);
 *     checked against the directory's {@code meta.profiles}
 * @param challenge how control of each identifier is proven
 * @param includeAddresses also order the certificate's IP addresses (RFC 8738)
 * @param identifiers which of the certificate's names and addresses are ordered
 * @param preferredChain the common name of the root (the topmost issuer) of the chain to serve
 *     when the CA offers alternates
 * @param timeout how long one order may take, from the first request to the downloaded chain:
 *     every request, poll and dns-01 hook run gets only the time left
 * @param fallback what serves while an order fails and the current certificate no longer covers
 *     the identifiers (or is no longer valid): itself ({@code none}), or a certificate from the
 *     internal CA at once ({@code internal}), as {@code server.external.fallback}
 */
public record AcmeSpec(
    URI directory,
    Optional<Path> caBundle,
    List<URI> contact,
    boolean termsOfServiceAgreed,
    Optional<ExternalAccountBinding> externalAccountBinding,
    Optional<String> profile,
    AcmeChallenge challenge,
    boolean includeAddresses,
    IdentifierScope identifiers,
    Optional<String> preferredChain,
    Duration timeout,
    ExternalSpec.Fallback fallback) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public AcmeSpec {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(caBundle, "caBundle");
    contact = List.copyOf(contact);
    Objects.requireNonNull(externalAccountBinding, "externalAccountBinding");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(identifiers, "identifiers");
    Objects.requireNonNull(preferredChain, "preferredChain");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(fallback, "fallback");
    if (!"https".equals(directory.getScheme())) {
      throw new IllegalArgumentException("an ACME directory must be https: " + directory);
    }
  }



  /**
   * External account binding (RFC 8555 section 7.3.4).
   *
   * @param keyId the key identifier the CA gave out
   * @param hmacKey where the base64url HMAC key is; never in the desired state itself
   */
  public record ExternalAccountBinding(String keyId, PasswordSource hmacKey) {
    public ExternalAccountBinding {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(hmacKey, "hmacKey");
    }
  }

  /** Which of the certificate's names and addresses are put in an order. */
  public enum IdentifierScope {
    /**
     * Only what a public CA can validate: DNS names of at least two labels outside the
     * special-use domains (RFC 6761 and later: {@code localhost}, {@code test}, {@code local},
     * {@code internal} ...), and global unicast addresses. The rest is left out with a warning.
     */
    PUBLIC,
    /** Every name and address: for a private ACME CA (step-ca) that reaches internal ones. */
    ALL
  }
}
