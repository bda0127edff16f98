package org.hostpki.remote;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalText;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The presented chain as JSON for scripts (an Ansible task that fetches a device's certificate,
 * say): every field the text shows, plus each certificate's PEM. {@code format_version} changes
 * only when a field changes meaning or goes away.
 */
public final class ChainJson {
  public static final int FORMAT_VERSION = 1;

  private ChainJson() {}

  /**
   * @param now the moment validity is judged against (the injected clock's)
   */
  public static String render(PresentedChain chain, Instant now) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format_version", FORMAT_VERSION);
    Endpoint endpoint = chain.endpoint();
    root.put("endpoint", endpoint.toString());
    root.put("host", endpoint.host());
    root.put("port", endpoint.port());
    root.put("address", IpAddresses.format(chain.address()));
    root.put("server_name", endpoint.serverName().orElse(null));
    root.put("protocol", chain.protocol().orElse(null));
    root.put("cipher_suite", chain.cipherSuite().orElse(null));
    root.put("handshake_complete", chain.handshakeProblem().isEmpty());
    root.put("handshake_problem", chain.handshakeProblem().orElse(null));
    List<Object> certificates = new ArrayList<>();
    List<PresentedCertificate> described = chain.described();
    for (PresentedCertificate c : described) {
      certificates.add(certificate(c, now, PemCertificates.encode(chain.certificates().get(c.position()))));
    }
    root.put("certificates", certificates);
    // Jackson leaves DEL, C1 controls, separators and bidi overrides raw: escape them too.
    return TerminalText.escapeJson(
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(root))
        + "\n";
  }

  private static Map<String, Object> certificate(PresentedCertificate c, Instant now, String pem) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("position", c.position());
    m.put("role", c.role());
    m.put("subject", c.subject());
    m.put("issuer", c.issuer());
    m.put("not_before", c.notBefore().toString());
    m.put("not_after", c.notAfter().toString());
    Validity validity = c.validityAt(now);
    m.put("validity", validity.state().word());
    m.put("days_left", validity.daysLeft());
    m.put("subject_alternative_names", c.alternativeNames().stream().map(AlternativeName::toString).toList());
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("algorithm", c.key().algorithm());
    key.put("bits", c.key().bits().isPresent() ? c.key().bits().getAsInt() : null);
    key.put("curve", c.key().curve().orElse(null));
    key.put("description", c.key().toString());
    m.put("key", key);
    m.put("ca", c.ca());
    m.put("self_signed", c.selfSigned());
    m.put("sha256", c.fingerprint().colonHex());
    m.put("pem", pem);
    return m;
  }
}
