package org.hostpki.config;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks DNS names the way certificates need them (RFC 1123 host names, RFC 5280 SANs): ASCII
 * letters, digits and '-' in labels of at most 63 characters, at most 253 in all, and a wildcard
 * only as the whole left-most label.
 */
final class DnsNames {
  static final int MAX_LENGTH = 253;
  static final int MAX_LABEL = 63;

  private DnsNames() {}

  /** The lower-case form certificates carry. */
  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * What is wrong with {@code name}, as a phrase that follows the name in a message ({@code
   * "has an empty label"}), or empty when it is valid.
   */
  static Optional<String> problem(String name, boolean wildcardAllowed) {
    if (!name.chars().allMatch(c -> c < 0x80)) {
      return Optional.of("is not ASCII; write it in its xn-- form" + aLabel(name));
    }
    if (name.endsWith(".")) {
      return Optional.of("ends with a dot; leave the dot out");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of(
          "is " + name.length() + " characters long; a DNS name has at most " + MAX_LENGTH);
    }
    String[] labels = name.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (label.equals("*") && i == 0) {
        if (!wildcardAllowed) {
          return Optional.of("is a wildcard, which is not allowed here");
        }
        if (labels.length < 2) {
          return Optional.of("is a bare '*'; a wildcard is written like *.example.com");
        }
        continue;
      }
      Optional<String> labelProblem = labelProblem(label);
      if (labelProblem.isPresent()) {
        return labelProblem;
      }
    }
    return Optional.empty();
  }

  /** What is wrong with one label (a host name's short form), or empty. */
  static Optional<String> labelProblem(String label) {
    if (label.isEmpty()) {
      return Optional.of("has an empty label (a leading dot or two dots in a row)");
    }
    if (label.contains("*")) {
      return Optional.of(
          "has a '*' that is not the whole left-most label; a wildcard is written like *.example.com");
    }
    if (label.length() > MAX_LABEL) {
      return Optional.of(
          "has a label of " + label.length() + " characters; a label has at most " + MAX_LABEL);
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '-') {
        return Optional.of(
            "has the character '" + c + "' in '" + label + "'; a DNS label holds letters, digits and '-'");
      }
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return Optional.of("has the label '" + label + "', which starts or ends with '-'");
    }
    return Optional.empty();
  }

  private static String aLabel(String name) {
    try {
      return ": '" + IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES) + "'";
    } catch (IllegalArgumentException e) {
      return " (punycode)";
    }
  }
}
