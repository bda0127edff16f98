package org.hostpki.acme;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.TerminalText;

/**
 * An ACME problem document (RFC 8555 section 6.7, RFC 7807) as the CA sent it: a type URN, its
 * words, the identifier it is about, and one subproblem per identifier that failed.
 *
 * @param type e.g. {@code urn:ietf:params:acme:error:rateLimited}
 * @param identifier for a subproblem: {@code dns:portal.example.com} or {@code ip:192.0.2.10}
 */
public record AcmeProblem(
    String type,
    Optional<String> title,
    Optional<String> detail,
    Optional<String> identifier,
    List<AcmeProblem> subproblems) {

  private static final String ACME_ERROR = "urn:ietf:params:acme:error:";

  public AcmeProblem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(identifier, "identifier");
    subproblems = List.copyOf(subproblems);
  }

  /** The type without the ACME namespace: {@code rateLimited}, {@code connection}. */
  public String shortType() {
    return type.startsWith(ACME_ERROR) ? type.substring(ACME_ERROR.length()) : type;
  }

  public boolean is(String acmeError) {
    return type.equals(ACME_ERROR + acmeError);
  }

  /**
   * One line, the CA's text escaped for a terminal: {@code rateLimited: too many certificates
   * (dns:a.example: ...; ip:192.0.2.1: ...)}.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    identifier.ifPresent(i -> sb.append(TerminalText.escape(i)).append(": "));
    sb.append(TerminalText.escape(shortType()));
    String words = detail.or(() -> title).orElse("");
    if (!words.isEmpty()) {
      sb.append(": ").append(TerminalText.escape(words));
    }
    if (!subproblems.isEmpty()) {
      List<String> parts = new ArrayList<>();
      subproblems.forEach(p -> parts.add(p.describe()));
      sb.append(" (").append(String.join("; ", parts)).append(')');
    }
    return sb.toString();
  }
}
