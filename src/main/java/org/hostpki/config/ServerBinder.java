package org.hostpki.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hostpki.model.AcmeIdentifiers;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.DnsName;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.Subject;
import org.hostpki.model.TerminalText;

/** The {@code server} section: the server certificate, its key and where its chain comes from. */
final class ServerBinder {
  private final Fields fields;
  private final CertificateParts parts;
  private final SanChecks sans;

  ServerBinder(Fields fields) {
    this.fields = fields;
    this.parts = new CertificateParts(fields);
    this.sans = new SanChecks(fields);
  }

  /**
   * @param store the store's folder, which an ACME webroot must stay out of
   */
  ServerSpec bind(YamlNode.Mapping server, Path store) {
    ServerSpec defaults = ServerSpec.defaults();
    Optional<ServerSpec.Issuer> givenIssuer =
        fields.string(server, "issuer").flatMap(i -> issuer(i.value()));
    ServerSpec.Issuer issuer = givenIssuer.orElse(defaults.issuer());
    Subject subject = parts.subject(server).orElse(Subject.empty());
    List<String> dnsNames = sans.dnsNames(server, "dnsNames", true);
    List<InetAddress> ipAddresses = sans.addresses(server, "ipAddresses");
    boolean includeHostIdentity = fields.bool(server, "includeHostIdentity").orElse(defaults.includeHostIdentity());
    KeySpec key = parts.key(server);
    boolean allowLongValidity = fields.bool(server, "allowLongValidity").orElse(defaults.allowLongValidity());
    CertificateParts.Lifetime lifetime =
        parts.lifetime(server, ServerSpec.DEFAULT_VALIDITY, ServerSpec.DEFAULT_RENEW_BEFORE);

    checkValidity(server, lifetime, allowLongValidity);
    checkHasNames(server, includeHostIdentity, dnsNames, ipAddresses);
    if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
      warnOnCommonName(server, subject, includeHostIdentity, dnsNames);
    }
    parts.warnOnEd25519(
        server,
        key,
        "browsers do not accept Ed25519 server certificates; use EC or RSA if browsers connect");
    boolean issuerUsable = !Fields.unusable(server, "issuer", givenIssuer);
    AcmeBinder acmeBinder = new AcmeBinder(fields);
    Optional<AcmeSpec> acme =
        acmeBinder.bind(server, issuer, issuerUsable, fields.strings(server, "dnsNames"), store);
    if (issuer == ServerSpec.Issuer.ACME) {
      acmeBinder.warnOnKey(server, key);
    }
    if (!includeHostIdentity && (!dnsNames.isEmpty() || !ipAddresses.isEmpty())) {
      acme.ifPresent(a -> refuseNothingToOrder(server, a, dnsNames, ipAddresses));
    }
    return new ServerSpec(
        issuer,
        subject,
        dnsNames,
        ipAddresses,
        includeHostIdentity,
        key,
        keyRotation(server),
        lifetime.validity(),
        lifetime.renewBefore(),
        fields.bool(server, "clientAuth").orElse(defaults.clientAuth()),
        allowLongValidity,
        issuerUsable ? external(server, issuer) : Optional.empty(),
        acme);
  }

  /**
   * Without the host identity the names to order are all in this file: an ACME order that would
   * hold none of them is refused here, in plan's words, rather than first by plan.
   */
  private void refuseNothingToOrder(
      YamlNode.Mapping server, AcmeSpec acme, List<String> dnsNames, List<InetAddress> ipAddresses) {
    AcmeIdentifiers.Selection selection =
        AcmeIdentifiers.select(dnsNames, ipAddresses, acme.includeAddresses(), acme.identifiers());
    if (selection.isEmpty()) {
      fields.problems().error(
          server.keyPosition("acme"),
          AcmeIdentifiers.nothingToOrder(TerminalText.escape(acme.directory().toString())) + " (not ordered: "
              + selection.leftOut().stream()
                  .map(l -> TerminalText.escape(l.toString()))
                  .collect(Collectors.joining("; ")) + ")");
    }
  }

  private static Optional<ServerSpec.Issuer> issuer(String text) {
    return switch (text) {
      case "internal" -> Optional.of(ServerSpec.Issuer.INTERNAL);
      case "external" -> Optional.of(ServerSpec.Issuer.EXTERNAL);
      case "acme" -> Optional.of(ServerSpec.Issuer.ACME);
      default -> Optional.empty(); // reported by the schema check
    };
  }

  private KeyRotation keyRotation(YamlNode.Mapping server) {
    return server.mapping("key")
        .flatMap(k -> fields.string(k, "rotation"))
        .map(r -> r.value().equals("never") ? KeyRotation.NEVER : KeyRotation.ALWAYS)
        .orElse(KeyRotation.ALWAYS);
  }

  private void checkValidity(
      YamlNode.Mapping server, CertificateParts.Lifetime lifetime, boolean allowLongValidity) {
    if (allowLongValidity || lifetime.validity().compareTo(ServerSpec.MAX_BROWSER_VALIDITY) <= 0) {
      return;
    }
    server.scalar("validity")
        .ifPresent(
            v ->
                fields.error(
                    v,
                    "server.validity (" + v.text() + ") is longer than 398 days, which browsers refuse;"
                        + " shorten it, or set server.allowLongValidity: true for clients that are not browsers"));
  }

  /** A certificate needs at least one subject alternative name; clients ignore the CN. */
  private void checkHasNames(
      YamlNode.Mapping server, boolean includeHostIdentity, List<String> dns, List<InetAddress> ips) {
    boolean namesGiven =
        !dns.isEmpty() || !ips.isEmpty() || !fields.strings(server, "dnsNames").isEmpty()
            || !fields.strings(server, "ipAddresses").isEmpty();
    if (!includeHostIdentity && !namesGiven) {
      server.scalar("includeHostIdentity")
          .ifPresent(
              node ->
                  fields.error(
                      node,
                      "server.includeHostIdentity is false and server.dnsNames and server.ipAddresses are"
                          + " empty, so the certificate would name nothing; list names, or include the host identity"));
    }
  }

  private void warnOnCommonName(
      YamlNode.Mapping server, Subject subject, boolean includeHostIdentity, List<String> dnsNames) {
    if (includeHostIdentity || subject.commonName().isEmpty()) {
      return;
    }
    String cn = subject.commonName().get();
    if (DnsName.problem(cn, true).isEmpty() && !dnsNames.contains(DnsName.lowerCase(cn))) {
      server.mapping("subject")
          .flatMap(s -> s.scalar("commonName"))
          .ifPresent(
              node ->
                  fields.warning(
                      node,
                      "server.subject.commonName '" + cn + "' is not in server.dnsNames; clients check only"
                          + " the DNS names, so add it there"));
    }
  }

  /** The external chain: required with issuer external, refused without it. */
  private Optional<ExternalSpec> external(YamlNode.Mapping server, ServerSpec.Issuer issuer) {
    Optional<YamlNode.Mapping> external = server.mapping("external");
    if (issuer != ServerSpec.Issuer.EXTERNAL) {
      if (Fields.has(server, "external")) {
        fields.problems().error(
            server.keyPosition("external"),
            "server.external applies only with server.issuer: external; remove it, or set the issuer");
      }
      return Optional.empty();
    }
    if (!Fields.has(server, "external")) {
      server.scalar("issuer")
          .ifPresent(
              node ->
                  fields.error(
                      node,
                      "server.issuer is external, so server.external.chain is required: the file the"
                          + " CA-signed chain arrives in"));
      return Optional.empty();
    }
    return external.flatMap(
        e ->
            fields.path(e, "chain")
                .map(
                    chain ->
                        new ExternalSpec(
                            chain,
                            fields.string(e, "fallback")
                                .map(f -> f.value().equals("internal")
                                    ? ExternalSpec.Fallback.INTERNAL
                                    : ExternalSpec.Fallback.NONE)
                                .orElse(ExternalSpec.Fallback.NONE),
                            roots(e))));
  }

  /** server.external.roots: the files of the roots an imported chain must end in. */
  private List<ExternalSpec.Root> roots(YamlNode.Mapping external) {
    List<ExternalSpec.Root> roots = new ArrayList<>();
    for (Fields.Given<String> text : fields.strings(external, "roots")) {
      SourcePosition origin = fields.origin(text.node());
      fields.path(text).ifPresent(p -> roots.add(new ExternalSpec.Root(p, origin)));
    }
    return roots;
  }
}
