package org.hostpki.sign;

import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.IdnaLabel;
import org.hostpki.model.TerminalText;

/**
 * Checks the DNS names a request asks for before any policy sees them: a name that is not a
 * host name (an empty label, a stray '*', a trailing dot) could slip past a suffix match; an xn--
 * label must be an IDNA2008 A-label, and a right-to-left name keep the Bidi rule, as in the desired
 * state.
 */
final class RequestedNames {
  private static final int MAX_LENGTH = 253;
  private static final int MAX_LABEL = 63;

  private RequestedNames() {}

  /** What is wrong with the name, as a phrase following it, or empty when it is a valid SAN. */
  static Optional<String> problem(String name) {
    if (name.isEmpty()) {
      return Optional.of("is empty");
    }
    if (name.endsWith(".")) {
      return Optional.of("ends with a dot");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("is longer than " + MAX_LENGTH + " characters");
    }
    String[] labels = name.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*")) {
        if (labels.length < 3) {
          return Optional.of("is a wildcard of a top-level domain");
        }
        continue;
      }
      if (label.isEmpty()) {
        return Optional.of("has an empty label");
      }
      if (label.length() > MAX_LABEL) {
        return Optional.of("has a label longer than " + MAX_LABEL + " characters");
      }
      for (int c = 0; c < label.length(); c++) {
        char ch = label.charAt(c);
        boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-';
        if (!ok) {
          return Optional.of(
              "has the character '" + TerminalText.escape(String.valueOf(ch))
                  + "'; a DNS label holds letters, digits and '-'");
        }
      }
      Optional<String> aLabel = IdnaLabel.problem(label);
      if (aLabel.isPresent()) {
        return aLabel; // as server.dnsNames refuses it: a client shows no such name, or another
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return Optional.of("has a label that starts or ends with '-'");
      }
    }
    return DnsName.bidiProblem(name); // as server.dnsNames: shown in an order that reads as another
  }
}
