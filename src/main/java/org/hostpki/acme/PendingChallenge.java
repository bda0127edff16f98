package org.hostpki.acme;

import java.util.Objects;

/**
 * A challenge to answer: the identifier it proves, the token and the key authorization (RFC 8555
 * section 8.1), and for dns-01 the TXT record's value.
 *
 * @param identifierType {@code dns} or {@code ip}
 * @param identifier the name (for a wildcard, the name without {@code *.}) or the address text
 */
record PendingChallenge(
    String identifierType, String identifier, boolean wildcard, String token, String keyAuthorization, String dnsDigest) {
  PendingChallenge {
    Objects.requireNonNull(identifierType, "identifierType");
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(keyAuthorization, "keyAuthorization");
    Objects.requireNonNull(dnsDigest, "dnsDigest");
  }

  boolean isAddress() {
    return identifierType.equals("ip");
  }

  /** As messages name it: {@code dns:portal.example.com}. */
  String describe() {
    return identifierType + ":" + (wildcard ? "*." : "") + identifier;
  }
}
