package org.hostpki.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.TerminalText;

/**
 * {@code server.acme}: the ACME CA and how this host proves control of its names. Checks what the
 * schema cannot: an https directory URL, {@code mailto:} contacts, listen addresses that parse,
 * settings for exactly the chosen challenge, and names the chosen challenge can validate.
 */
final class AcmeBinder {
  private static final String WHERE = "server.acme";

  private final Fields fields;

  AcmeBinder(Fields fields) {
    this.fields = fields;
  }

  /**
   * The ACME settings when the issuer is acme; refuses {@code server.acme} with another issuer.
   *
   * @param dnsNames the server's DNS names as given, for the wildcard rule
   * @param store the store's folder, which a webroot must stay out of
   */
  Optional<AcmeSpec> bind(
      YamlNode.Mapping server,
      ServerSpec.Issuer issuer,
      boolean issuerUsable,
      List<Fields.Given<String>> dnsNames,
      Path store) {
    if (issuer != ServerSpec.Issuer.ACME) {
      if (Fields.has(server, "acme") && issuerUsable) {
        fields.problems().error(
            server.keyPosition("acme"),
            "server.acme applies only with server.issuer: acme; remove it, or set the issuer");
      }
      return Optional.empty();
    }
    Optional<YamlNode.Mapping> acme = server.mapping("acme");
    if (acme.isEmpty()) {
      if (!Fields.has(server, "acme")) {
        server.scalar("issuer")
            .ifPresent(
                node ->
                    fields.error(
                        node,
                        "server.issuer is acme, so server.acme.directory is required: the CA's ACME"
                            + " directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory"));
      }
      return Optional.empty();
    }
    YamlNode.Mapping m = acme.get();
    warnOnIgnoredSettings(server);
    Optional<URI> directory = fields.string(m, "directory").flatMap(this::directory);
    List<URI> contact = contacts(m);
    Optional<AcmeChallenge> challenge = challenge(m, store);
    challenge.ifPresent(c -> refuseWildcards(c, dnsNames));
    challenge.ifPresent(c -> refuseAddressesByDns(c, m));
    Optional<AcmeSpec.ExternalAccountBinding> eab =
        m.mapping("externalAccountBinding").flatMap(this::externalAccountBinding);
    if (directory.isEmpty() || challenge.isEmpty()
        || Fields.unusable(m, "externalAccountBinding", eab)) {
      return Optional.empty(); // reported
    }
    return Optional.of(
        new AcmeSpec(
            directory.get(),
            fields.path(m, "caBundle"),
            contact,
            fields.bool(m, "termsOfServiceAgreed").orElse(false),
            eab,
            fields.string(m, "profile").map(Fields.Given::value),
            challenge.get(),
            fields.bool(m, "includeAddresses").orElse(false),
            fields.string(m, "identifiers")
                .map(s -> s.value().equals("all") ? AcmeSpec.IdentifierScope.ALL : AcmeSpec.IdentifierScope.PUBLIC)
                .orElse(AcmeSpec.IdentifierScope.PUBLIC),
            fields.string(m, "preferredChain").map(Fields.Given::value),
            fields.duration(m, "timeout").map(Fields.Given::value).orElse(AcmeSpec.DEFAULT_TIMEOUT),
            fields.string(m, "fallback")
                .map(f -> f.value().equals("internal") ? ExternalSpec.Fallback.INTERNAL : ExternalSpec.Fallback.NONE)
                .orElse(ExternalSpec.Fallback.NONE)));
  }

  /** An absolute https URL with a host: ACME runs over TLS (RFC 8555 section 6.1). */
  private Optional<URI> directory(Fields.Given<String> text) {
    String value = text.value();
    String shown = TerminalText.escape(value);
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      fields.error(
          text.node(),
          WHERE + ".directory '" + shown + "' is not a URL (" + TerminalText.escape(e.getReason())
              + "); write the CA's directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory");
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")) {
      String fix =
          scheme.equals("http")
              ? "; write https://" + shown.substring(shown.indexOf("://") + 3)
              : "; write the CA's directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory";
      fields.error(
          text.node(),
          WHERE + ".directory '" + shown + "' must be an https URL: ACME runs over TLS, and hostpki"
              + " always verifies the server (a private CA's trust goes in " + WHERE + ".caBundle)" + fix);
      return Optional.empty();
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      fields.error(
          text.node(),
          WHERE + ".directory '" + shown + "' must be https://HOST[:PORT]/PATH, without a user name"
              + " or a #fragment");
      return Optional.empty();
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      fields.error(
          text.node(),
          WHERE + ".directory '" + shown + "' has the port " + uri.getPort() + "; a port is from 1 to 65535"
              + " (leave it out for https's own, 443)");
      return Optional.empty();
    }
    if (!uri.getScheme().equals("https")) {
      // A scheme is case-insensitive (RFC 3986 section 3.1): HTTPS://… is the same URL.
      uri = URI.create("https" + value.substring(uri.getScheme().length()));
    }
    return Optional.of(uri);
  }

  /** mailto: URIs of one address each, as every ACME CA accepts (RFC 8555 section 7.3). */
  private List<URI> contacts(YamlNode.Mapping acme) {
    List<URI> out = new ArrayList<>();
    for (Fields.Given<String> text : fields.strings(acme, "contact")) {
      String value = text.value();
      String shown = TerminalText.escape(value);
      String name = text.node().displayName();
      if (!value.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
        String fix = value.contains("@") && !value.contains(":") ? ": write mailto:" + shown : "";
        fields.error(
            text.node(),
            name + " '" + shown + "' must be a mailto: URI, the contact every ACME CA accepts" + fix);
        continue;
      }
      String address = value.substring("mailto:".length());
      if (!address.matches("[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        fields.error(
            text.node(),
            name + " '" + shown + "' must name one email address, e.g. mailto:ops@example.com"
                + " (list several addresses as several entries)");
        continue;
      }
      try {
        out.add(new URI("mailto", address, null));
      } catch (URISyntaxException e) {
        fields.error(text.node(), name + " '" + shown + "' is not a valid mailto: URI");
      }
    }
    return out;
  }

  private Optional<AcmeSpec.ExternalAccountBinding> externalAccountBinding(YamlNode.Mapping eab) {
    Optional<String> keyId = fields.string(eab, "keyId").map(Fields.Given::value).filter(k -> !k.isEmpty());
    return keyId.flatMap(
        k -> eab.mapping("hmacKey").flatMap(fields::secret).map(h -> new AcmeSpec.ExternalAccountBinding(k, h)));
  }

  /**
   * The chosen challenge with its settings (defaults when none are given); settings for another
   * challenge are refused, so a file never says one thing and does another.
   */
  private Optional<AcmeChallenge> challenge(YamlNode.Mapping acme, Path store) {
    Optional<Fields.Given<String>> given = fields.string(acme, "challenge");
    if (Fields.unusable(acme, "challenge", given)) {
      return Optional.empty();
    }
    String type = given.map(Fields.Given::value).orElse("http-01");
    boolean ok = true;
    for (String[] settings :
        new String[][] {{"http01", "http-01"}, {"tlsAlpn01", "tls-alpn-01"}, {"dns01", "dns-01"}}) {
      if (Fields.has(acme, settings[0]) && !settings[1].equals(type)) {
        fields.problems().error(
            acme.keyPosition(settings[0]),
            WHERE + "." + settings[0] + " is set but " + WHERE + ".challenge is " + type
                + (given.isPresent() ? "" : " (the default)") + "; remove it, or set " + WHERE
                + ".challenge: " + settings[1]);
        ok = false;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    switch (type) {
      case "http-01":
        return http01(acme, store);
      case "tls-alpn-01":
        Optional<YamlNode.Mapping> tls = acme.mapping("tlsAlpn01");
        Optional<ListenAddress> listen = tls.flatMap(t -> listen(t, "listen"));
        if (tls.isPresent() && Fields.unusable(tls.get(), "listen", listen)) {
          return Optional.empty();
        }
        return Optional.of(new AcmeChallenge.TlsAlpn01Listener(listen.orElse(AcmeChallenge.TlsAlpn01Listener.DEFAULT)));
      case "dns-01":
        return dns01(acme, given);
      default:
        return Optional.empty(); // reported by the schema check
    }
  }

  private Optional<AcmeChallenge> http01(YamlNode.Mapping acme, Path store) {
    Optional<YamlNode.Mapping> http = acme.mapping("http01");
    if (http.isEmpty()) {
      return Fields.has(acme, "http01")
          ? Optional.empty()
          : Optional.of(new AcmeChallenge.Http01Listener(AcmeChallenge.Http01Listener.DEFAULT));
    }
    Optional<Fields.Given<String>> webroot = fields.string(http.get(), "webroot");
    if (webroot.isPresent()) {
      Optional<Path> path = fields.path(webroot.get());
      if (path.isPresent() && path.get().startsWith(store)) {
        // apply refuses it when it orders; said here, so that validate and plan say it first
        YamlNode node = webroot.get().node();
        fields.error(
            node,
            node.displayName() + " '" + TerminalText.escape(webroot.get().value()) + "' is inside the"
                + " store (store.path), where only hostpki's generations live; give the folder your"
                + " web server serves for these names, e.g. /var/www/html");
        return Optional.empty();
      }
      return path.map(AcmeChallenge.Http01Webroot::new);
    }
    return listen(http.get(), "listen").map(AcmeChallenge.Http01Listener::new);
  }

  private Optional<AcmeChallenge> dns01(YamlNode.Mapping acme, Optional<Fields.Given<String>> given) {
    Optional<YamlNode.Mapping> dns = acme.mapping("dns01");
    if (dns.isEmpty()) {
      if (!Fields.has(acme, "dns01")) {
        given.ifPresent(
            g ->
                fields.error(
                    g.node(),
                    WHERE + ".challenge is dns-01, so " + WHERE + ".dns01.hook is required: the program"
                        + " that makes and removes the TXT record, e.g. dns01: {hook: [/usr/local/bin/dns-txt]}"));
      }
      return Optional.empty();
    }
    Optional<List<String>> hook = dns.get().get("hook").flatMap(fields::argv);
    Duration timeout =
        fields.duration(dns.get(), "timeout").map(Fields.Given::value).orElse(AcmeChallenge.Dns01Hook.DEFAULT_TIMEOUT);
    return hook.map(h -> new AcmeChallenge.Dns01Hook(h, timeout));
  }

  private Optional<ListenAddress> listen(YamlNode.Mapping m, String key) {
    Optional<Fields.Given<String>> text = fields.string(m, key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<ListenAddress> parsed = ListenAddress.parse(text.get().value());
    if (parsed.isEmpty()) {
      fields.error(
          text.get().node(),
          text.get().node().displayName() + " '" + TerminalText.escape(text.get().value()) + "' is not ADDRESS:PORT with an IP"
              + " address and a port from 1 to 65535; e.g. 0.0.0.0:80, [::]:80, or :80 for every address");
    }
    return parsed;
  }

  /** RFC 8738 section 7: an IP address identifier is never validated by dns-01. */
  private void refuseAddressesByDns(AcmeChallenge challenge, YamlNode.Mapping acme) {
    if (challenge instanceof AcmeChallenge.Dns01Hook) {
      fields.bool(acme, "includeAddresses").filter(Boolean::booleanValue).ifPresent(
          yes -> fields.problems().error(
              acme.keyPosition("includeAddresses"),
              WHERE + ".includeAddresses orders IP address identifiers, which an ACME CA validates only by http-01"
                  + " or tls-alpn-01 (RFC 8738), never by dns-01; remove it, or set " + WHERE
                  + ".challenge: http-01 or tls-alpn-01"));
    }
  }

  /** Only dns-01 can prove control of a wildcard name (RFC 8555 section 7.1.3). */
  private void refuseWildcards(AcmeChallenge challenge, List<Fields.Given<String>> dnsNames) {
    if (challenge instanceof AcmeChallenge.Dns01Hook) {
      return;
    }
    for (Fields.Given<String> name : dnsNames) {
      if (name.value().startsWith("*.")) {
        fields.error(
            name.node(),
            name.node().displayName() + " '" + TerminalText.escape(name.value()) + "' is a wildcard, which an ACME CA"
                + " validates only by dns-01, not " + challenge.type() + "; set " + WHERE
                + ".challenge: dns-01 with a dns01.hook, or list the names");
      }
    }
  }

  /** The CA decides the lifetime and key usages of what it issues. */
  private void warnOnIgnoredSettings(YamlNode.Mapping server) {
    for (String key : List.of("validity", "allowLongValidity", "clientAuth")) {
      server.scalar(key)
          .ifPresent(
              node ->
                  fields.warning(
                      node,
                      "server." + key + " has no effect with server.issuer: acme: the CA decides the"
                          + " certificate's lifetime and key usages; remove it"));
    }
  }

  /**
   * Keys most ACME CAs refuse in a request (Let's Encrypt: RSA, EC P-256 and P-384 only). Ed25519
   * has its own warning already.
   */
  void warnOnKey(YamlNode.Mapping server, KeySpec key) {
    if (key instanceof KeySpec.Ec ec && ec.curve() == KeySpec.Curve.P521) {
      server.mapping("key")
          .flatMap(k -> k.scalar("curve"))
          .ifPresent(
              node ->
                  fields.warning(
                      node,
                      "most ACME CAs (Let's Encrypt among them) accept only RSA and EC P-256 or P-384"
                          + " keys; use one of those unless your CA issues for P-521"));
    }
  }
}
