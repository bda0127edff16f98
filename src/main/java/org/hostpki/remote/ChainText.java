package org.hostpki.remote;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.hostpki.model.IpAddresses;

/** The presented chain as an operator reads it on a terminal. Formats only; decides nothing. */
public final class ChainText {
  private ChainText() {}

  /**
   * @param now the moment validity is judged against (the injected clock's)
   */
  public static String render(PresentedChain chain, Instant now) {
    StringBuilder out = new StringBuilder();
    out.append(header(chain)).append('\n');
    chain.handshakeProblem()
        .ifPresent(
            p ->
                out.append("The handshake did not complete: ")
                    .append(p)
                    .append(".\nThe certificates below arrived before it failed.\n"));
    for (PresentedCertificate c : chain.described()) {
      out.append('\n').append('[').append(c.position()).append("] ").append(c.role()).append('\n');
      line(out, "subject", c.subject());
      line(out, "issuer", c.issuer());
      line(out, "not before", c.notBefore().toString());
      line(out, "not after", c.notAfter() + " (" + c.validityAt(now).words() + ")");
      line(out, "SANs", names(c.alternativeNames()));
      line(out, "key", c.key().toString());
      line(out, "self-signed", c.selfSigned() ? "yes" : "no");
      line(out, "SHA-256", c.fingerprint().colonHex());
    }
    out.append(
        "\nNothing was trusted. Before you trust this device, compare the leaf's SHA-256 with the"
            + " one its console, label or owner gives you.\n");
    return out.toString();
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

  private static void line(StringBuilder out, String label, String value) {
    out.append("    ").append(String.format("%-12s", label)).append(' ').append(value).append('\n');
  }
}
