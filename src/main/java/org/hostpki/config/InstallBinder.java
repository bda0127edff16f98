package org.hostpki.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.EnumValues;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.SourcePosition;

/**
 * {@code trust.install}: which certificates go where. Only what is true of every host is checked
 * here (a validate in CI runs elsewhere); whether this host has a system store hostpki knows, or
 * the NSS database exists, is for plan and apply to find out.
 */
final class InstallBinder {
  private static final String SQL = "sql:";

  private final Fields fields;

  InstallBinder(Fields fields) {
    this.fields = fields;
  }

  /**
   * @param installKey where {@code install} is written, for messages that concern it as a whole
   * @param store the store's folder, which no target may be inside
   */
  InstallSpec bind(YamlNode.Mapping install, Position installKey, Path store) {
    List<InstallSpec.Content> certificates = certificates(install);
    boolean system = fields.bool(install, "system").orElse(false);
    boolean runningJava = install.scalar("java").flatMap(YamlNode.Scalar::bool).orElse(false);
    List<Path> javaKeystores =
        distinct(outsideStore(javaKeystores(install), store, "a Java trust store"), "java", "Java trust store");
    List<Path> nss = distinct(outsideStore(nssDatabases(install), store, "an NSS database"), "nss", "NSS database");
    InstallSpec spec =
        new InstallSpec(
            certificates,
            system,
            runningJava,
            javaKeystores,
            install.mapping("javaPassword").flatMap(fields::secret),
            nss,
            new SourcePosition(fields.problems().file(), installKey.line(), installKey.column()));
    warnAboutNothing(install, spec);
    return spec;
  }

  private List<InstallSpec.Content> certificates(YamlNode.Mapping install) {
    if (!Fields.has(install, "certificates")) {
      return List.of(InstallSpec.Content.CA);
    }
    List<InstallSpec.Content> out = new ArrayList<>();
    for (Fields.Given<String> item : fields.strings(install, "certificates")) {
      EnumValues.find(InstallSpec.Content.class, InstallSpec.Content::yamlName, item.value())
          .filter(content -> !out.contains(content))
          .ifPresent(out::add); // other values and repeats were reported by the schema check
    }
    return out;
  }

  /** {@code java: PATH} or {@code java: [PATH, ...]}; {@code java: true} names no path. */
  private List<Fields.Given<Path>> javaKeystores(YamlNode.Mapping install) {
    List<Fields.Given<String>> texts = new ArrayList<>(fields.strings(install, "java"));
    install.scalar("java")
        .filter(s -> s.bool().isEmpty())
        .flatMap(s -> fields.string(install, "java"))
        .filter(s -> !s.value().isEmpty())
        .ifPresent(texts::add);
    List<Fields.Given<Path>> out = new ArrayList<>();
    for (Fields.Given<String> text : texts) {
      fields.path(text).ifPresent(p -> out.add(new Fields.Given<>(p, text.node())));
    }
    return out;
  }

  private List<Fields.Given<Path>> nssDatabases(YamlNode.Mapping install) {
    List<Fields.Given<Path>> out = new ArrayList<>();
    for (Fields.Given<String> text : fields.strings(install, "nss")) {
      String value = text.value();
      int colon = value.indexOf(':');
      // "C:\..." is no NSS type prefix, but hostpki runs where NSS paths are POSIX paths.
      if (colon > 0 && !value.startsWith(SQL)) {
        String type = value.substring(0, colon + 1);
        fields.error(
            text.node(),
            type.equals("dbm:")
                ? text.node().displayName() + " '" + value + "' is a legacy dbm: database (cert8.db); hostpki"
                    + " installs only into sql: databases (cert9.db), which Chromium and Firefox use since"
                    + " 2018; write sql:" + value.substring(colon + 1)
                : text.node().displayName() + " '" + value + "' has the database type '" + type + "', which"
                    + " hostpki does not know; write sql:DIR or the directory alone");
        continue;
      }
      String directory = value.startsWith(SQL) ? value.substring(SQL.length()) : value;
      if (directory.isEmpty()) {
        fields.error(text.node(), text.node().displayName() + " names no directory; write sql:DIR");
        continue;
      }
      fields.path(new Fields.Given<>(directory, text.node()))
          .ifPresent(p -> out.add(new Fields.Given<>(p, text.node())));
    }
    return out;
  }

  /**
   * The paths outside the store; one inside it is an error (plan refuses it once the store
   * exists: installing there would change a kept generation).
   */
  private List<Fields.Given<Path>> outsideStore(List<Fields.Given<Path>> paths, Path store, String what) {
    List<Fields.Given<Path>> out = new ArrayList<>();
    for (Fields.Given<Path> path : paths) {
      if (path.value().startsWith(store)) {
        fields.error(
            path.node(),
            path.node().displayName() + " '" + ((YamlNode.Scalar) path.node()).text() + "' is inside the store"
                + " (store.path), whose files only hostpki apply writes; name " + what + " outside it");
      } else {
        out.add(path);
      }
    }
    return out;
  }

  /** The paths, each once; a path given twice (perhaps written differently) is an error. */
  private List<Path> distinct(List<Fields.Given<Path>> paths, String key, String what) {
    Map<Path, Fields.Given<Path>> seen = new HashMap<>();
    List<Path> out = new ArrayList<>();
    for (Fields.Given<Path> path : paths) {
      Fields.Given<Path> earlier = seen.putIfAbsent(path.value(), path);
      if (earlier != null) {
        fields.error(
            path.node(),
            "trust.install." + key + " names the " + what + " " + path.value() + " twice (also at "
                + earlier.node().position() + ")");
      } else {
        out.add(path.value());
      }
    }
    return out;
  }

  /** {@code false} or {@code []}: a target setting that names nothing (not one in error). */
  private static boolean none(YamlNode value) {
    return value instanceof YamlNode.Sequence list
        ? list.items().isEmpty()
        : value instanceof YamlNode.Scalar s && s.bool().equals(java.util.Optional.of(false));
  }

  /**
   * An install section that installs nothing is allowed (it removes everything), but say so: as
   * what the setting means, true at every load, not as what the next apply does (after the removal
   * that apply has nothing left to do, and plan and check said it on and on).
   */
  private void warnAboutNothing(YamlNode.Mapping install, InstallSpec spec) {
    boolean targetsLeftOut =
        List.of("system", "java", "nss").stream()
            .allMatch(k -> install.get(k).map(InstallBinder::none).orElse(true));
    if (targetsLeftOut) {
      fields.warning(
          install,
          "trust.install names no target (system, java, nss): hostpki installs nothing, and keeps removed"
              + " what it installed before (the plan lists what is still there)");
    } else if (spec.certificates().isEmpty()) {
      install.sequence("certificates")
          .ifPresent(
              list ->
                  fields.warning(
                      list,
                      "trust.install.certificates is empty: hostpki installs nothing in the targets, and"
                          + " keeps removed what it installed there before (the plan lists what is still there)"));
    }
  }
}
