package org.hostpki.pki;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link Certificate#isSignedBy} said, by certificate and issuer, each pair checked once, at
 * most {@link ChainBuilder#MAX_SIGNATURE_CHECKS} in all, for one chain's build. A certificate whose
 * authority key identifier is not the candidate issuer's subject key identifier was not issued by
 * it (clients skip such a pair too, as OpenSSL's X509_check_akid does): its signature is not
 * checked.
 */
final class SignatureChecks {
  /** The budget of signature checks is spent. */
  static final class Exhausted extends RuntimeException {
    Exhausted() {
      super(null, null, false, false);
    }
  }

  private final Map<List<Certificate>, Boolean> known = new HashMap<>();
  private int made;

  boolean signedBy(Certificate c, Certificate issuer) {
    List<Certificate> pair = List.of(c, issuer);
    Boolean answer = known.get(pair);
    if (answer == null) {
      if (!c.holder().getIssuer().equals(issuer.holder().getSubject())
          || keyIdentifiersDisagree(c, issuer)) {
        answer = false;
      } else {
        if (++made > ChainBuilder.MAX_SIGNATURE_CHECKS) {
          throw new Exhausted();
        }
        answer = c.isSignedBy(issuer);
      }
      known.put(pair, answer);
    }
    return answer;
  }

  /** Both name a key identifier for the issuer's key, and not the same. */
  private static boolean keyIdentifiersDisagree(Certificate c, Certificate issuer) {
    Optional<String> authority = c.facts().authorityKeyId();
    Optional<String> subject = issuer.facts().subjectKeyId();
    return c != issuer
        && authority.isPresent()
        && subject.isPresent()
        && !authority.get().equals(subject.get());
  }
}
