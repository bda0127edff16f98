package org.hostpki.sign;

/**
 * One thing a request asks for that {@code ca.policy} does not allow.
 *
 * @param subject what was asked for, as certificates name it: {@code dNSName db.other.example},
 *     {@code iPAddress 10.0.0.5}, {@code subject commonName Portal}
 * @param rule the policy entry it is outside of, with its values: {@code
 *     ca.policy.allowedDomains [*.corp.example]}
 */
public record PolicyViolation(String subject, String rule) {

  /** {@code refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.corp.example]} */
  public String message() {
    return "refused: " + subject + " is outside " + rule;
  }
}
