package org.hostpki.acme;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CA suggests for renewing a certificate (ACME Renewal Information, RFC 9773): renew
 * between {@code start} and {@code end}; ask again after {@code retryAfter}.
 *
 * @param explanation a page the CA links to say why (say, a mass revocation)
 */
public record RenewalWindow(Instant start, Instant end, Optional<String> explanation, Optional<Instant> retryAfter) {
  public RenewalWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("the window ends before it starts: " + start + " .. " + end);
    }
  }
}
