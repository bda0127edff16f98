package org.hostpki.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.KeyEncoding;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.StoreSpec;

/**
 * {@code outputs:}: the extra files services read. Checks what the schema cannot: options that
 * belong to another format, names that are no plain file name or that collide with the store's
 * own files or with each other (ignoring case, as a case-insensitive file system would), a key
 * encoding that does not fit the server key, a mode wider than what the file holds allows, users
 * and groups the host does not have, and settings that need {@code store.password}.
 */
final class OutputsBinder {
  private static final Set<String> COMMON = Set.of("format", "file", "owner", "group", "mode", "afterChange");

  /** The options of each format besides the common ones. */
  private static final Map<String, Set<String>> OPTIONS =
      Map.of(
          "combined-pem", Set.of("keyFile"),
          "key", Set.of("encoding", "encrypted"),
          "pkcs12", Set.of("alias", "password", "profile"),
          "jks", Set.of("alias"),
          "der", Set.of("certificate"));

  static final String DEFAULT_ALIAS = "server";

  private final Fields fields;
  private final AccessBinder access;
  private final StoreSpec store;
  private final ServerSpec server;
  /** File names taken so far, lower case, with where. */
  private final Map<String, Fields.Given<String>> names = new HashMap<>();

  /**
   * @param store the bound store section, for its password
   * @param server the bound server section, for its key and issuer
   */
  OutputsBinder(Fields fields, AccessBinder access, StoreSpec store, ServerSpec server) {
    this.fields = fields;
    this.access = access;
    this.store = store;
    this.server = server;
  }

  List<OutputSpec> bind(YamlNode.Sequence outputs) {
    List<OutputSpec> out = new ArrayList<>();
    for (YamlNode item : outputs.items()) {
      if (item instanceof YamlNode.Mapping entry) {
        output(entry).ifPresent(out::add);
      }
    }
    return out;
  }

  private Optional<OutputSpec> output(YamlNode.Mapping entry) {
    Optional<String> format = fields.string(entry, "format").map(Fields.Given::value).filter(OPTIONS::containsKey);
    Optional<Fields.Given<String>> file = fields.string(entry, "file");
    if (format.isEmpty() || file.isEmpty()) {
      return Optional.empty(); // reported by the schema check
    }
    boolean usable = refuseForeignOptions(entry, format.get());
    usable &= fileName(file.get());
    Optional<OutputFormat> bound =
        switch (format.get()) {
          case "combined-pem" -> combinedPem(entry);
          case "key" -> key(entry);
          case "pkcs12" -> pkcs12(entry, file.get());
          case "jks" -> jks(entry);
          default -> Optional.of(der(entry));
        };
    boolean holdsKey = !format.get().equals("der");
    AccessSpec declared =
        access.bind(entry, holdsKey ? "a file that holds the private key" : "a certificate file", AccessSpec.limit(holdsKey));
    List<List<String>> afterChange = new ArrayList<>();
    for (YamlNode command : entry.sequence("afterChange").map(YamlNode.Sequence::items).orElse(List.of())) {
      fields.argv(command).ifPresent(afterChange::add);
    }
    if (!usable || bound.isEmpty()) {
      return Optional.empty();
    }
    Position at = entry.position();
    return Optional.of(
        new OutputSpec(
            file.get().value(),
            bound.get(),
            declared,
            afterChange,
            new SourcePosition(fields.problems().file(), at.line(), at.column())));
  }

  /** An option of another format is an error: it would be silently ignored. */
  private boolean refuseForeignOptions(YamlNode.Mapping entry, String format) {
    boolean ok = true;
    for (String key : entry.entries().keySet()) {
      if (COMMON.contains(key) || OPTIONS.get(format).contains(key)) {
        continue;
      }
      List<String> formats = new ArrayList<>();
      OPTIONS.forEach((f, options) -> {
        if (options.contains(key)) {
          formats.add(f);
        }
      });
      if (formats.isEmpty()) {
        continue; // an unknown key: reported by the schema check
      }
      formats.sort(null);
      fields.problems().error(
          entry.keyPosition(key),
          entry.childPath(key) + " applies to " + String.join(" and ", formats) + " outputs only, not to "
              + format + "; remove it");
      ok = false;
    }
    return ok;
  }

  /** A plain name, none of the store's own, each used once. */
  private boolean fileName(Fields.Given<String> name) {
    Optional<String> problem = StoreLayout.outputNameProblem(name.value());
    if (problem.isPresent()) {
      fields.error(name.node(), name.node().displayName() + " '" + name.value() + "' " + problem.get());
      return false;
    }
    Fields.Given<String> earlier = names.putIfAbsent(name.value().toLowerCase(Locale.ROOT), name);
    if (earlier != null) {
      String same = earlier.value().equals(name.value()) ? "" : " (names must differ in more than case)";
      fields.error(
          name.node(),
          name.node().displayName() + " '" + name.value() + "' is already written by "
              + earlier.node().displayName() + " at " + earlier.node().position() + same);
      return false;
    }
    return true;
  }

  private Optional<OutputFormat> combinedPem(YamlNode.Mapping entry) {
    Optional<Fields.Given<String>> keyFile = fields.string(entry, "keyFile");
    if (keyFile.isPresent() && !fileName(keyFile.get())) {
      return Optional.empty();
    }
    return Optional.of(new OutputFormat.CombinedPem(keyFile.map(Fields.Given::value)));
  }

  private Optional<OutputFormat> key(YamlNode.Mapping entry) {
    KeyEncoding encoding =
        fields.string(entry, "encoding").flatMap(e -> KeyEncoding.fromYamlName(e.value())).orElse(KeyEncoding.PKCS8);
    boolean encrypted = fields.bool(entry, "encrypted").orElse(false);
    boolean ok = true;
    if (!encoding.fits(server.key())) {
      YamlNode node = entry.get("encoding").orElseThrow(); // pkcs8 fits every key
      fields.error(
          node,
          node.displayName() + " " + encoding.yamlName() + " is for " + (encoding == KeyEncoding.PKCS1 ? "RSA" : "EC")
              + " keys, but the server key is " + server.key() + " (server.key); use pkcs8"
              + (server.key() instanceof org.hostpki.model.KeySpec.Ec ? " or sec1" : "")
              + (server.key() instanceof org.hostpki.model.KeySpec.Rsa ? " or pkcs1" : ""));
      ok = false;
    }
    if (encrypted) {
      YamlNode node = entry.get("encrypted").orElseThrow();
      if (encoding != KeyEncoding.PKCS8) {
        fields.error(
            node,
            node.displayName() + " needs encoding pkcs8: hostpki encrypts keys only as PKCS#8 (PBES2);"
                + " the encrypted " + encoding.yamlName() + " PEM form derives its key with a single MD5"
                + " round and is refused by FIPS OpenSSL");
        ok = false;
      } else if (store.password().isEmpty()) {
        fields.error(node, node.displayName() + " needs store.password, which the key is encrypted with; set store.password: {env: VARIABLE} or {file: path}");
        ok = false;
      }
    }
    return ok ? Optional.of(new OutputFormat.Key(encoding, encrypted)) : Optional.empty();
  }

  private Optional<OutputFormat> pkcs12(YamlNode.Mapping entry, Fields.Given<String> file) {
    if (Fields.has(entry, "password")
        && fields.string(entry, "password").filter(p -> p.value().equals("none")).isEmpty()) {
      return Optional.empty(); // reported by the schema check
    }
    boolean protectedByPassword = !Fields.has(entry, "password");
    Optional<Pkcs12Profile> profile =
        fields.string(entry, "profile").map(p -> p.value().equals("legacy") ? Pkcs12Profile.LEGACY : Pkcs12Profile.MODERN);
    boolean ok = true;
    if (protectedByPassword && store.password().isEmpty()) {
      fields.error(
          entry.get("format").orElseThrow(),
          "the PKCS#12 output '" + file.value() + "' is protected with store.password, which is not set;"
              + " set store.password: {env: VARIABLE} or {file: path}, or write it without one: password: none");
      ok = false;
    }
    if (!protectedByPassword) {
      entry.get("profile").ifPresent(node -> fields.error(
          node,
          node.displayName() + " does not apply with password: none: a file without a password holds"
              + " the key under the empty password in the modern form, which Java 8u301 and later,"
              + " OpenSSL 1.1 and later read; remove it"));
      ok &= !Fields.has(entry, "profile");
      entry.get("password").ifPresent(node -> fields.warning(
          node,
          "the PKCS#12 output '" + file.value() + "' has no password: whoever can read the file has the"
              + " server's private key; only its owner, group and mode protect it (and NSS's pk12util,"
              + " Firefox's and Chromium's import, refuses a PKCS#12 file without one)"));
    }
    Optional<String> alias = alias(entry);
    return ok && alias.isPresent()
        ? Optional.of(new OutputFormat.Pkcs12(alias.get(), protectedByPassword, profile))
        : Optional.empty();
  }

  private Optional<OutputFormat> jks(YamlNode.Mapping entry) {
    Optional<String> alias = alias(entry);
    if (alias.isPresent() && !alias.get().equals(alias.get().toLowerCase(Locale.ROOT))) {
      YamlNode node = entry.get("alias").orElseThrow();
      fields.error(
          node,
          node.displayName() + " '" + alias.get() + "' has upper-case letters, but a JKS file keeps"
              + " aliases in lower case (Java finds the entry either way); write '"
              + alias.get().toLowerCase(Locale.ROOT) + "'");
      return Optional.empty();
    }
    if (store.password().isEmpty()) {
      fields.error(
          entry.get("format").orElseThrow(),
          "a jks output is protected with store.password, which is not set; set store.password:"
              + " {env: VARIABLE} or {file: path}");
      return Optional.empty();
    }
    return alias.map(OutputFormat.Jks::new);
  }

  private Optional<String> alias(YamlNode.Mapping entry) {
    if (!Fields.has(entry, "alias")) {
      return Optional.of(DEFAULT_ALIAS);
    }
    Optional<Fields.Given<String>> alias = fields.string(entry, "alias"); // empty: reported by the schema
    if (alias.isEmpty() || alias.get().value().isEmpty()) {
      return alias.map(Fields.Given::value);
    }
    return fields.unpadded(
        alias.get(),
        "name the key entry as the service's keyAlias does, e.g. alias: portal, or leave alias out for 'server'",
        "which a service's keyAlias and keytool -alias do not match (and an editor hides)");
  }

  private OutputFormat der(YamlNode.Mapping entry) {
    OutputFormat.CertificateChoice choice =
        fields.string(entry, "certificate")
            .filter(c -> c.value().equals("ca"))
            .map(c -> OutputFormat.CertificateChoice.CA)
            .orElse(OutputFormat.CertificateChoice.SERVER);
    if (choice == OutputFormat.CertificateChoice.CA && server.issuer() != ServerSpec.Issuer.INTERNAL) {
      YamlNode node = entry.get("certificate").orElseThrow();
      fields.warning(
          node,
          node.displayName() + " ca is the internal CA (ca.crt), which does not sign the server"
              + " certificate with server.issuer: " + server.issuer().name().toLowerCase(Locale.ROOT)
              + "; the issuing CA's certificate comes from that CA");
    }
    return new OutputFormat.Der(choice);
  }
}
