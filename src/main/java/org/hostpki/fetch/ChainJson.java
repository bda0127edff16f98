package org.hostpki.fetch;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.IpAddresses;

/**
 * The presented chain as JSON for scripts (an Ansible task that fetches a device's certificate,
 * say), described by {@code schema/fetch-cert.schema.json}: every field the text shows, each
 * certificate as every document shows one, plus its place in the chain and its PEM.
 */
public final class ChainJson {
  /**
   * The format of the document. 2: a string like every document's; fingerprints in lower-case
   * hex; DNS names and addresses in arrays of their own; the key's SHA-256; compact.
   */
  public static final String FORMAT_VERSION = "2";

  private ChainJson() {}

  /**
   * @param now the moment validity is judged against (the injected clock's)
   */
  public static String render(PresentedChain chain, Instant now) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    Endpoint endpoint = chain.endpoint();
    w.field("endpoint", endpoint.toString());
    w.field("host", endpoint.host());
    w.field("port", endpoint.port());
    w.field("address", IpAddresses.format(chain.address()));
    w.field("server_name", endpoint.serverName());
    w.field("protocol", chain.protocol());
    w.field("cipher_suite", chain.cipherSuite());
    w.field("handshake_complete", chain.handshakeProblem().isEmpty());
    w.field("handshake_problem", chain.handshakeProblem());
    w.name("certificates").beginArray();
    for (PresentedCertificate c : chain.described()) {
      w.beginObject();
      w.field("position", c.position());
      w.field("role", c.role());
      CertificateJson.members(w, fields(c), now);
      w.field("other_names", c.otherAlternativeNames());
      w.field("self_signed", c.selfSigned());
      w.field("pem", PemCertificates.encode(chain.certificates().get(c.position())));
      w.endObject();
    }
    w.endArray();
    return w.endObject().line();
  }

  private static CertificateJson.Fields fields(PresentedCertificate c) {
    KeyDescription key = c.key();
    OptionalInt bits = key.bits();
    return new CertificateJson.Fields(
        c.subject(),
        c.issuer(),
        c.serial(),
        c.notBefore(),
        c.notAfter(),
        c.alternativeNames("DNS"),
        c.alternativeNames("IP"),
        new CertificateJson.Key(
            key.toString(), Optional.of(key.algorithm()), bits, key.curve(), c.publicKeyFingerprint()),
        c.ca(),
        c.fingerprint());
  }
}
