package org.hostpki.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CrlSource;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DnsName;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostSpec;
import org.hostpki.model.MetricsSpec;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.model.UnsupportedSetting;

/**
 * Builds the {@link DesiredState} from a schema-checked YAML tree, filling in defaults for what is
 * absent and checking what the schema cannot: values that must parse, and rules across fields.
 * Every problem is collected; the state built alongside is only used when there is no error.
 */
final class DesiredStateBinder {
  private final Path source;
  private final Fields fields;
  private final SanChecks sans;
  private final AccessBinder access;
  private final List<UnsupportedSetting> notYetSupported = new ArrayList<>();

  /**
   * @param source the desired-state file, absolute
   * @param accountsElsewhere an owner or group unknown here is a warning ({@code validate})
   */
  DesiredStateBinder(Path source, Problems problems, boolean accountsElsewhere) {
    this.source = source;
    this.fields = new Fields(problems, source.getParent());
    this.sans = new SanChecks(fields);
    this.access = new AccessBinder(fields, accountsElsewhere);
  }

  DesiredState bind(YamlNode.Mapping root) {
    StoreSpec store = store(section(root, "store"));
    HostSpec host = host(section(root, "host"));
    CaSpec ca = new CaBinder(fields).bind(section(root, "ca"));
    ServerSpec server = new ServerBinder(fields).bind(section(root, "server"), store.path());
    TrustSpec trust = trust(section(root, "trust"), store.path());
    List<OutputSpec> outputs = outputs(root, store, server);
    HooksSpec hooks = hooks(section(root, "hooks"), outputs);
    RenewalSpec renewal = new RenewalBinder(fields).bind(section(root, "renewal"));
    MetricsSpec metrics = new MetricsBinder(fields).bind(section(root, "metrics"), store.path());
    notYetSupported.sort(
        java.util.Comparator.comparingInt((UnsupportedSetting s) -> s.position().line())
            .thenComparingInt(s -> s.position().column()));
    return new DesiredState(
        source, store, host, ca, server, trust, hooks, renewal, metrics, outputs, notYetSupported);
  }

  /** A section, or an empty one (all defaults) when it is absent or not a mapping. */
  private static YamlNode.Mapping section(YamlNode.Mapping root, String key) {
    return root.mapping(key).orElseGet(() -> new YamlNode.Mapping(key, Position.NONE, Map.of()));
  }

  private StoreSpec store(YamlNode.Mapping store) {
    Path path = fields.path(store, "path").orElse(fields.folder().resolve("pki"));
    fields.string(store, "path")
        .filter(p -> fields.folder().startsWith(path))
        .ifPresent(
            p ->
                fields.error(
                    p.node(),
                    "store.path '" + p.value() + "' is "
                        + (path.equals(fields.folder()) ? "the folder of this file itself" : "a folder above this file")
                        + "; give the store a folder of its own, e.g. pki"));
    Pkcs12Profile profile =
        fields.string(store, "pkcs12Profile")
            .map(p -> p.value().equals("legacy") ? Pkcs12Profile.LEGACY : Pkcs12Profile.MODERN)
            .orElse(Pkcs12Profile.MODERN);
    Optional<PasswordSource> password = store.mapping("password").flatMap(fields::secret);
    Optional<PasswordSource> previous = store.mapping("previousPassword").flatMap(fields::secret);
    previous.ifPresent(p -> previousPassword(store, password, p));
    AccessSpec declared =
        store.mapping("access")
            .map(a -> access.bind(a, "files that hold the private key", AccessSpec.KEY_LIMIT))
            .orElse(AccessSpec.NONE);
    Optional<SourcePosition> pathOrigin = store.scalar("path").map(fields::origin);
    return new StoreSpec(path, password, profile, previous, declared, pathOrigin);
  }

  /** Only while changing the password: a new one must be given, and another one. */
  private void previousPassword(
      YamlNode.Mapping store, Optional<PasswordSource> password, PasswordSource previous) {
    YamlNode node = store.get("previousPassword").orElseThrow();
    if (password.isEmpty()) {
      fields.error(
          node,
          "store.previousPassword is the password being replaced, but store.password, the new one, is"
              + " not set; set store.password, or remove store.previousPassword");
    } else if (password.get().equals(previous)) {
      fields.error(
          node,
          "store.previousPassword names the same " + previous.describe() + " as store.password: it"
              + " must be where the old password is; remove it once the password has changed");
    }
  }

  private List<OutputSpec> outputs(YamlNode.Mapping root, StoreSpec store, ServerSpec server) {
    Optional<YamlNode.Sequence> outputs = root.sequence("outputs");
    if (outputs.isEmpty()) {
      return List.of();
    }
    return new OutputsBinder(fields, access, store, server).bind(outputs.get());
  }

  private HostSpec host(YamlNode.Mapping host) {
    boolean detect = fields.bool(host, "detect").orElse(true);
    Optional<String> hostname = fields.string(host, "hostname").flatMap(this::hostname);
    Optional<String> domain =
        fields.string(host, "domain").flatMap(d -> checkedName(d, "host.domain"));
    if (!detect && !Fields.has(host, "hostname")) {
      host.scalar("detect")
          .ifPresent(
              node ->
                  fields.error(
                      node,
                      "host.detect is false, so host.hostname is required: nothing else names the host"));
    }
    return new HostSpec(
        detect,
        hostname,
        domain,
        Fields.has(host, "addresses") ? Optional.of(sans.addresses(host, "addresses")) : Optional.empty(),
        fields.strings(host, "ignoreInterfaces").stream().map(Fields.Given::value).toList());
  }

  private Optional<String> hostname(Fields.Given<String> name) {
    String text = name.value();
    int dot = text.indexOf('.');
    if (dot > 0) {
      fields.error(
          name.node(),
          "host.hostname '" + text + "' must be the short name alone; put the domain in host.domain: '"
              + text.substring(dot + 1) + "'");
      return Optional.empty();
    }
    Optional<String> problem = DnsName.labelProblem(text);
    if (problem.isPresent()) {
      fields.error(name.node(), "host.hostname '" + text + "' " + problem.get());
      return Optional.empty();
    }
    return Optional.of(DnsName.lowerCase(text));
  }

  private Optional<String> checkedName(Fields.Given<String> name, String what) {
    Optional<String> problem = DnsName.problem(name.value(), false);
    if (problem.isPresent()) {
      fields.error(name.node(), what + " '" + name.value() + "' " + problem.get());
      return Optional.empty();
    }
    return Optional.of(DnsName.lowerCase(name.value()));
  }

  private TrustSpec trust(YamlNode.Mapping trust, Path store) {
    TrustSpec defaults = TrustSpec.defaults();
    List<TrustedCertificateSource> certificates = new ArrayList<>();
    Map<String, Fields.Given<String>> names = new HashMap<>();
    for (YamlNode item : trust.sequence("certificates").map(YamlNode.Sequence::items).orElse(List.of())) {
      if (item instanceof YamlNode.Mapping entry) {
        trustedCertificate(entry, names).ifPresent(certificates::add);
      }
    }
    List<Path> directories = new ArrayList<>();
    Map<Path, SourcePosition> directoryOrigins = new HashMap<>();
    for (Fields.Given<String> text : fields.strings(trust, "directories")) {
      fields.path(text).ifPresent(p -> {
        directories.add(p);
        directoryOrigins.putIfAbsent(p, fields.origin(text.node()));
      });
    }
    List<CrlSource> crls = new ArrayList<>();
    for (Fields.Given<String> text : fields.strings(trust, "crls")) {
      Position at = text.node().position();
      SourcePosition origin = new SourcePosition(fields.problems().file(), at.line(), at.column());
      fields.path(text).ifPresent(p -> crls.add(new CrlSource(p, origin)));
    }
    return new TrustSpec(
        fields.bool(trust, "prune").orElse(defaults.prune()),
        fields.bool(trust, "hashedDirectory").orElse(defaults.hashedDirectory()),
        certificates,
        directories,
        fields.bool(trust, "includeSystemRoots").orElse(defaults.includeSystemRoots()),
        new TrustFilters(
            fields.bool(trust, "excludeExpired").orElse(defaults.filters().excludeExpired()),
            fields.bool(trust, "caOnly").orElse(defaults.filters().caOnly())),
        trust.mapping("install").map(i -> new InstallBinder(fields).bind(i, trust.keyPosition("install"), store)),
        crls,
        directoryOrigins);
  }

  /**
   * A setting this build reads and checks but cannot carry out yet, when it is used (set to
   * anything but false or an empty list): validate accepts it with a warning, and plan and apply
   * refuse the desired state ({@link DesiredState#notYetSupported()}) rather than silently leave
   * it out. Every such setting goes through here.
   *
   * @param section the mapping the key is in; {@code path} its dotted path, empty at the top
   */
  private void notYetSupported(YamlNode.Mapping section, String key, String path) {
    Optional<YamlNode> value =
        section.get(key)
            .filter(v -> !(v instanceof YamlNode.Scalar s && s.bool().equals(Optional.of(false))))
            .filter(v -> !(v instanceof YamlNode.Sequence list && list.items().isEmpty()));
    if (value.isEmpty()) {
      return;
    }
    String name = path.isEmpty() ? key : path + "." + key;
    Position at = section.keyPosition(key);
    fields.problems().warning(
        at,
        name + " is not yet supported by this build: validate accepts it, but plan and apply refuse a"
            + " desired state that uses it");
    notYetSupported.add(new UnsupportedSetting(name, new SourcePosition(fields.problems().file(), at.line(), at.column())));
  }

  private Optional<TrustedCertificateSource> trustedCertificate(
      YamlNode.Mapping entry, Map<String, Fields.Given<String>> names) {
    Optional<Fields.Given<String>> name =
        fields.string(entry, "name").filter(n -> n.value().matches("[A-Za-z0-9._-]+"));
    if (name.isEmpty()) {
      return Optional.empty(); // reported by the schema check
    }
    if (StoreLayout.CA_ALIASES.contains(name.get().value().toLowerCase(Locale.ROOT))) {
      // apply refuses it when it reads the file (TrustInputs); said here, so validate says it too
      fields.error(
          name.get().node(),
          "the trusted certificate name '" + name.get().value() + "' is reserved for the internal CA in"
              + " truststore.p12; choose another name");
      return Optional.empty();
    }
    // Names become file names; on a case-insensitive file system LDAP.crt and ldap.crt are one file.
    Fields.Given<String> earlier = names.putIfAbsent(name.get().value().toLowerCase(Locale.ROOT), name.get());
    if (earlier != null) {
      String same = earlier.value().equals(name.get().value()) ? "" : " (names must differ in more than case)";
      fields.error(
          name.get().node(),
          "the trusted certificate name '" + name.get().value() + "' is already used at "
              + earlier.node().position() + same);
      return Optional.empty();
    }
    if (Fields.has(entry, "pem") == Fields.has(entry, "file")) {
      return Optional.empty(); // both or neither: reported by the schema check
    }
    Optional<TrustedCertificateSource.Content> content =
        Fields.has(entry, "pem")
            ? fields.string(entry, "pem").flatMap(this::inlinePem)
            : fields.path(entry, "file").map(TrustedCertificateSource.Content.FromFile::new);
    Position at = entry.position();
    SourcePosition origin = new SourcePosition(fields.problems().file(), at.line(), at.column());
    return content.map(c -> new TrustedCertificateSource(name.get().value(), c, origin));
  }

  private Optional<TrustedCertificateSource.Content> inlinePem(Fields.Given<String> pem) {
    if (!pem.value().contains("-----BEGIN CERTIFICATE-----")
        || !pem.value().contains("-----END CERTIFICATE-----")) {
      fields.error(
          pem.node(),
          pem.node().displayName() + " is not a PEM certificate: it needs the lines -----BEGIN CERTIFICATE-----"
              + " and -----END CERTIFICATE----- (write it as a block: pem: |)");
      return Optional.empty();
    }
    return Optional.of(new TrustedCertificateSource.Content.Inline(pem.value()));
  }

  private HooksSpec hooks(YamlNode.Mapping hooks, List<OutputSpec> outputs) {
    List<ExpiryThreshold> within = new ArrayList<>();
    for (YamlNode item : hooks.sequence("onExpiringWithin").map(YamlNode.Sequence::items).orElse(List.of())) {
      if (item instanceof YamlNode.Scalar s) {
        Optional<String> text = s.string();
        Optional<ExpiryThreshold> threshold =
            text.equals(Optional.of(ExpiryThreshold.DUE.code()))
                ? Optional.of(ExpiryThreshold.DUE)
                : text.equals(Optional.of(ExpiryThreshold.SAFETY_MARGIN.code()))
                    ? Optional.of(ExpiryThreshold.SAFETY_MARGIN)
                    : fields
                        .beforeExpiry(s, "10% (when a tenth of its lifetime is left)")
                        .map(g -> ExpiryThreshold.of(g.value()));
        threshold.filter(t -> !within.contains(t)).ifPresent(within::add);
      }
    }
    List<List<String>> onExpiring = commands(hooks, "onExpiring");
    if (onExpiring.isEmpty() && Fields.has(hooks, "onExpiringWithin")) {
      fields.warning(
          hooks.get("onExpiringWithin").orElseThrow(),
          hooks.childPath("onExpiringWithin") + " has no effect without " + hooks.childPath("onExpiring")
              + ", the commands to run");
    }
    Map<String, List<List<String>>> outputHooks = new java.util.TreeMap<>();
    outputs.stream().filter(o -> !o.afterChange().isEmpty()).forEach(o -> outputHooks.put(o.file(), o.afterChange()));
    return new HooksSpec(
        commands(hooks, "afterServerChange"),
        commands(hooks, "afterTrustChange"),
        commands(hooks, "afterCaChange"),
        commands(hooks, "beforeChange"),
        fields.duration(hooks, "timeout").map(Fields.Given::value).orElse(HooksSpec.DEFAULT_TIMEOUT),
        onExpiring,
        within.isEmpty() ? HooksSpec.DEFAULT_EXPIRING_WITHIN : within,
        outputHooks);
  }

  private List<List<String>> commands(YamlNode.Mapping hooks, String key) {
    List<List<String>> commands = new ArrayList<>();
    for (YamlNode item : hooks.sequence(key).map(YamlNode.Sequence::items).orElse(List.of())) {
      fields.argv(item).ifPresent(commands::add);
    }
    return commands;
  }
}
