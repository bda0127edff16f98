package org.hostpki.fetch;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalLines;

/** The presented chain as an operator reads it on a terminal. Formats only; decides nothing. */
public final class ChainText {
  private ChainText() {}

  /**
   * @param now the moment validity is judged against (the injected clock's)
   */
  public static String render(PresentedChain chain, Instant now) {
    return lines(chain, now).text(false);
  }

  /**
   * The chain line by line: each field is one line, so what the device put in its certificate (a
   * subject holding a line break or an escape sequence) is shown, never obeyed.
   *
   * @param now the moment validity is judged against (the injected clock's)
   */
  public static TerminalLines lines(PresentedChain chain, Instant now) {
    TerminalLines out = new TerminalLines();
    out.line(header(chain));
    chain.handshakeProblem()
        .ifPresent(
            p ->
                out.line("The handshake did not complete: " + p + ".")
                    .line("The certificates below arrived before it failed."));
    for (PresentedCertificate c : chain.described()) {
      out.end().line("[" + c.position() + "] " + c.role());
      line(out, "subject", c.subject());
      line(out, "issuer", c.issuer());
      line(out, "not before", c.notBefore().toString());
      line(out, "not after", c.notAfter() + " (" + c.validityAt(now).words() + ")");
      line(out, "SANs", names(c.alternativeNames()));
      line(out, "key", c.key().toString());
      line(out, "self-signed", c.selfSigned() ? "yes" : "no");
      line(out, "SHA-256", c.fingerprint().colonHex());
    }
    return out.end()
        .line(
            "Nothing was trusted. Before you trust this device, compare the leaf's SHA-256 with the"
                + " one its console, label or owner gives you.");
  }

  private static String header(PresentedChain chain) {
    Endpoint endpoint = chain.endpoint();
    int n = chain.certificates().size();
    StringBuilder h = new StringBuilder(endpoint.toString());
    if (endpoint.literalAddress().isEmpty()) {
      h.append(" (").append(IpAddresses.format(chain.address())).append(')');
    }
    h.append(" presented ").append(n).append(n == 1 ? " certificate" : " certificates, leaf first");
    h.append(" (");
    chain.protocol().ifPresent(p -> h.append(p).append(", "));
    chain.cipherSuite().ifPresent(s -> h.append(s).append(", "));
    h.append(endpoint.serverName().map(name -> "SNI " + name).orElse("no SNI")).append("):");
    return h.toString();
  }

  private static String names(List<AlternativeName> names) {
    return names.isEmpty()
        ? "none"
        : names.stream().map(AlternativeName::toString).collect(Collectors.joining(", "));
  }

  private static void line(TerminalLines out, String label, String value) {
    out.line("    " + String.format("%-12s", label) + " " + value);
  }
}
