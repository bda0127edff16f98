package org.hostpki.model;

import java.net.IDN;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A DNS name the way certificates need it (RFC 1123 host names, RFC 5280 SANs): ASCII letters,
 * digits and '-' in labels of at most 63 characters, at most 253 in all, a wildcard only as the
 * whole left-most label, lower-case; a label that starts with xn-- is an IDNA2008 A-label ({@link
 * IdnaLabel}), and a name with a right-to-left label keeps the Bidi rule (RFC 5893). Another label
 * with '--' in its third and fourth places ({@code db--1}) is a host name as ever: browsers (the
 * URL standard's CheckHyphens=false), OpenSSL and DNS take it; only public CAs refuse it. The one
 * home of these rules, for names a user writes and names a host reports alike.
 *
 * @param value the name, lower-case, without a trailing dot
 */
public record DnsName(String value) {
  public static final int MAX_LENGTH = 253;
  public static final int MAX_LABEL = 63;

  public DnsName {
    Objects.requireNonNull(value, "value");
    Optional<String> problem = problem(value, true);
    if (problem.isPresent() || !value.equals(lowerCase(value))) {
      throw new IllegalArgumentException(
          "not a lower-case DNS name: '" + value + "' " + problem.orElse("has upper-case letters"));
    }
  }

  /** What a user wrote, lower-cased; empty when it has a {@link #problem}. */
  public static Optional<DnsName> parse(String text, boolean wildcardAllowed) {
    return problem(text, wildcardAllowed).isPresent()
        ? Optional.empty()
        : Optional.of(new DnsName(lowerCase(text)));
  }

  /**
   * A name as a host's own files and tools give it ({@code /etc/hostname}, resolv.conf, the
   * resolver): trimmed, lower-cased, the trailing dot of an absolute name dropped; empty when that
   * is no valid name without wildcards.
   */
  public static Optional<DnsName> fromHost(String text) {
    String name = text.strip().toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.isEmpty() ? Optional.empty() : parse(name, false);
  }

  /**
   * Whether a domain is a placeholder, none of a host's own: {@code localdomain}, which installers
   * and /etc/hosts give hosts that have no domain (Debian's {@code 127.0.1.1 web1.localdomain
   * web1}, Fedora's {@code localhost.localdomain}), and {@code localhost} with the names under it
   * (RFC 6761: they all name the loopback). Every host has the same, so a client elsewhere reaches
   * no host by {@code web1.localdomain}, and public CAs refuse both. Detection leaves them out; a
   * domain written in the desired state is taken as meant.
   */
  public static boolean placeholderDomain(String domain) {
    return domain.equals("localdomain") || domain.equals("localhost") || domain.endsWith(".localhost");
  }

  /** The lower-case form certificates carry. */
  public static String lowerCase(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The left-most label: a host name's short form. */
  public String firstLabel() {
    int dot = value.indexOf('.');
    return dot < 0 ? value : value.substring(0, dot);
  }

  /** What follows the left-most label: a host name's domain; empty for a single label. */
  public Optional<DnsName> parent() {
    int dot = value.indexOf('.');
    return dot < 0 ? Optional.empty() : Optional.of(new DnsName(value.substring(dot + 1)));
  }

  /**
   * What is wrong with {@code name}, as a phrase that follows the name in a message ({@code "has
   * an empty label"}), or empty when it is valid (in any case).
   */
  public static Optional<String> problem(String name, boolean wildcardAllowed) {
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
    return bidiProblem(name);
  }

  /**
   * What the Bidi rule of IDNA2008 (RFC 5893) finds wrong with a name whose labels are otherwise
   * valid, or empty: a name with a right-to-left label must keep it in every label.
   */
  public static Optional<String> bidiProblem(String name) {
    return IdnaContext.bidiProblem(
        Arrays.stream(name.split("\\.", -1))
            .filter(l -> !l.equals("*"))
            .map(IdnaLabel::unicode)
            .toArray(String[]::new));
  }

  /** What is wrong with one label (a host name's short form), or empty. */
  public static Optional<String> labelProblem(String label) {
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
    Optional<String> aLabel = IdnaLabel.problem(label);
    if (aLabel.isPresent()) {
      return aLabel;
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

  @Override
  public String toString() {
    return value;
  }
}
