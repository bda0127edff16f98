package org.hostpki.sign;

/**
 * One thing a request asks for that {@code hostpki sign} does not issue.
 *
 * @param subject what was asked for, as certificates name it: {@code dNSName db.other.example},
 *     {@code iPAddress 10.0.0.5}, {@code subject organization 'Example Corp'}; text from the
 *     request is escaped ({@link org.hostpki.model.TerminalText})
 * @param reason why not, following the subject: {@code is outside ca.policy.allowedDomains
 *     [*.corp.example]}
 * @param policy whether a broader {@code ca.policy} would allow it; otherwise hostpki never issues
 *     it and only a new request helps
 */
public record PolicyViolation(String subject, String reason, boolean policy) {

  /** {@code refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.corp.example]} */
  public String message() {
    return "refused: " + subject + " " + reason;
  }
}
