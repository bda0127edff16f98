package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hostpki.model.DesiredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the schema, the loader and the model in step. For every property in the schema, a file
 * that sets it to a non-default value (its first {@code examples} entry, an enum value other than
 * the default, or the other boolean) must load into a different DesiredState; and every component
 * of every model record must change in at least one of those cases. A schema property the loader
 * ignores, or a model field no property reaches, fails here.
 */
@Execution(ExecutionMode.CONCURRENT)
class SchemaDriftTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  /** Settings a property needs around it, present before and after the change. */
  private static final Map<String, Map<String, Object>> CONTEXT =
      Map.ofEntries(
          Map.entry("ca.key.size", Map.of("ca.key.algorithm", "RSA")),
          Map.entry("server.key.size", Map.of("server.key.algorithm", "RSA")),
          Map.entry("host.detect", Map.of("host.hostname", "portal")),
          Map.entry("server.includeHostIdentity", Map.of("server.dnsNames", List.of("portal.example.com"))),
          Map.entry("server.external.chain", external()),
          Map.entry("server.external.fallback", external()),
          Map.entry("server.external.roots", external()),
          Map.entry("trust.certificates[].name", trustEntry()),
          Map.entry("trust.certificates[].file", trustEntry()),
          Map.entry("trust.certificates[].pem", trustEntry()),
          Map.entry("renewal.windows[].days", window()),
          Map.entry("renewal.windows[].start", window()),
          Map.entry("renewal.windows[].end", window()),
          Map.entry("renewal.windows[].timeZone", window()),
          // before: the running Java's cacerts; after: a listed one instead
          Map.entry("trust.install.java", Map.of("trust.install.java", true)),
          Map.entry("server.acme.directory", acme()),
          Map.entry("server.acme.caBundle", acme()),
          Map.entry("server.acme.contact", acme()),
          Map.entry("server.acme.termsOfServiceAgreed", acme()),
          Map.entry("server.acme.externalAccountBinding.keyId", acme("server.acme.externalAccountBinding",
              Map.of("keyId", "kid-0", "hmacKey", Map.of("env", "EAB")))),
          Map.entry("server.acme.externalAccountBinding.hmacKey.env", acme("server.acme.externalAccountBinding",
              Map.of("keyId", "kid-0", "hmacKey", Map.of("env", "EAB")))),
          Map.entry("server.acme.externalAccountBinding.hmacKey.file", acme("server.acme.externalAccountBinding",
              Map.of("keyId", "kid-0", "hmacKey", Map.of("file", "eab.key")))),
          Map.entry("server.acme.profile", acme()),
          Map.entry("server.acme.challenge", acme()),
          Map.entry("server.acme.http01.listen", acme()),
          Map.entry("server.acme.http01.webroot", acme()),
          Map.entry("server.acme.tlsAlpn01.listen", acme("server.acme.challenge", "tls-alpn-01")),
          Map.entry("server.acme.dns01.hook", acme("server.acme.challenge", "dns-01",
              "server.acme.dns01", Map.of("hook", List.of("/bin/before")))),
          Map.entry("server.acme.dns01.timeout", acme("server.acme.challenge", "dns-01",
              "server.acme.dns01", Map.of("hook", List.of("/bin/before")))),
          Map.entry("server.acme.includeAddresses", acme()),
          Map.entry("server.acme.identifiers", acme()),
          Map.entry("server.acme.preferredChain", acme()),
          Map.entry("server.acme.timeout", acme()),
          Map.entry("server.acme.fallback", acme()),
          Map.entry("store.previousPassword.env", Map.of("store.password", Map.of("env", "NEW_PASSWORD"))),
          Map.entry("store.previousPassword.file", Map.of("store.password", Map.of("env", "NEW_PASSWORD"))),
          Map.entry("outputs[].format", output("der", "out.der")),
          Map.entry("outputs[].file", output("der", "before.der")),
          Map.entry("outputs[].owner", output("key", "out.key")),
          Map.entry("outputs[].group", output("key", "out.key")),
          Map.entry("outputs[].mode", output("key", "out.key")),
          Map.entry("outputs[].afterChange", output("key", "out.key")),
          Map.entry("outputs[].keyFile", output("combined-pem", "out.pem")),
          Map.entry("outputs[].encoding", output("key", "out.key", "server.key.algorithm", "RSA")),
          Map.entry("outputs[].encrypted", output("key", "out.key")),
          // both formats with an alias: a PKCS#12 file and a JKS file (the JKS alias set by ALSO)
          Map.entry("outputs[].alias", Map.of(
              "store.password", Map.of("env", "HOSTPKI_PASSWORD"),
              "outputs", List.of(Map.of("format", "pkcs12", "file", "out.p12"), Map.of("format", "jks", "file", "out.jks")))),
          Map.entry("outputs[].password", output("pkcs12", "out.p12")),
          Map.entry("outputs[].profile", output("pkcs12", "out.p12")),
          Map.entry("outputs[].certificate", output("der", "out.der")));

  /** Settings that must change together with a property, applied after it. */
  private static final Map<String, Map<String, Object>> ALSO =
      Map.of(
          "outputs[].alias",
          Map.of("outputs", List.of(
              Map.of("format", "pkcs12", "file", "out.p12", "alias", "portal"),
              Map.of("format", "jks", "file", "out.jks", "alias", "portal"))),
          "server.issuer", Map.of("server.external.chain", "incoming/chain.pem"),
          "trust.certificates[].pem",
          Map.of("trust.certificates", List.of(Map.of("name", "before", "pem", PEM))));

  /** Model components no schema property is meant to reach: where things were read from. */
  private static final Set<String> NOT_FROM_SCHEMA =
      Set.of(
          "DesiredState.source",
          "TrustedCertificateSource.origin",
          "InstallSpec.origin",
          "OutputSpec.origin",
          "StoreSpec.pathOrigin",
          "DesiredState.notYetSupported",
          "UnsupportedSetting",
          "UnsupportedSetting.key",
          "UnsupportedSetting.position",
          "SourcePosition",
          "SourcePosition.file",
          "SourcePosition.line",
          "SourcePosition.column");

  private final DesiredStateLoader loader = new DesiredStateLoader();
  private final Path file = Jimfs.newFileSystem(Configuration.unix()).getPath("/etc/hostpki/host.yaml");
  private final JsonNode schema = SchemaCheck.readSchema();

  @Test
  void testSchema_everyPropertyChangesTheDesiredState() {
    Set<String> reached = new TreeSet<>();
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : leafProperties().entrySet()) {
      String path = property.getKey();
      if (path.equals("apiVersion")) {
        continue; // a constant: it selects the format, it is not part of the state
      }
      ObjectNode before = base();
      CONTEXT.getOrDefault(path, Map.of()).forEach((p, v) -> set(before, p, v));
      ObjectNode after = before.deepCopy();
      set(after, path, sample(path, property.getValue()));
      ALSO.getOrDefault(path, Map.of()).forEach((p, v) -> set(after, p, v));

      DesiredState stateBefore = load(path + " (before)", before);
      DesiredState stateAfter = load(path + " (after)", after);
      if (stateBefore.equals(stateAfter)) {
        ignored.add(path);
      }
      diff(stateBefore, stateAfter, reached);
    }

    assertThat(ignored).as("schema properties the loader does not read").isEmpty();
    Set<String> unreached = new TreeSet<>(modelComponents());
    unreached.removeAll(reached);
    unreached.removeAll(NOT_FROM_SCHEMA);
    assertThat(unreached).as("model components no schema property reaches").isEmpty();
  }

  @Test
  void testSchema_everyPropertyHasADescription() {
    List<String> undescribed = new ArrayList<>();
    leafProperties().forEach(
        (path, node) -> {
          if (!node.has("description") && !resolve(node).has("description")) {
            undescribed.add(path);
          }
        });

    assertThat(undescribed).isEmpty();
  }

  @Test
  void testSchema_onlyApiVersionAndStorePathAreRequired() {
    assertThat(schema.path("required").values()).extracting(JsonNode::asString)
        .containsExactly("apiVersion", "store");
    assertThat(schema.at("/properties/store/required").values()).extracting(JsonNode::asString)
        .containsExactly("path");
  }

  @Test
  void testSchema_everyObjectRefusesUnknownKeys() {
    List<String> open = new ArrayList<>();
    collectOpenObjects("", schema, open);

    assertThat(open).isEmpty();
  }

  // --- the schema's properties

  /** Every property that holds a value (not an object of properties), by dotted path. */
  private Map<String, JsonNode> leafProperties() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    walk("", schema, out);
    return out;
  }

  private void walk(String path, JsonNode node, Map<String, JsonNode> out) {
    JsonNode resolved = resolve(node);
    if (resolved.has("properties")) {
      for (Map.Entry<String, JsonNode> p : resolved.path("properties").properties()) {
        walk(path.isEmpty() ? p.getKey() : path + "." + p.getKey(), p.getValue(), out);
      }
    } else if (resolve(resolved.path("items")).has("properties")) {
      walk(path + "[]", resolved.path("items"), out);
    } else {
      out.put(path, node);
    }
  }

  private void collectOpenObjects(String where, JsonNode node, List<String> open) {
    if (node.isObject()) {
      if (node.has("properties") && !node.path("additionalProperties").isBoolean()) {
        open.add(where);
      }
      node.properties().forEach(e -> collectOpenObjects(where + "/" + e.getKey(), e.getValue(), open));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectOpenObjects(where + "/" + i, node.get(i), open);
      }
    }
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode ref = node.path("$ref");
    return ref.isString() ? schema.at(ref.asString().substring(1)) : node;
  }

  /** A value for a property that differs from its default. */
  private JsonNode sample(String path, JsonNode property) {
    JsonNode resolved = resolve(property);
    JsonNode examples = property.has("examples") ? property.path("examples") : resolved.path("examples");
    if (examples.size() > 0) {
      return examples.get(0);
    }
    JsonNode defaultValue = property.has("default") ? property.path("default") : resolved.path("default");
    for (JsonNode option : resolved.path("enum")) {
      if (!option.equals(defaultValue)) {
        return option;
      }
    }
    if ("boolean".equals(resolved.path("type").asString())) {
      return JSON.booleanNode(!defaultValue.asBoolean());
    }
    if (path.endsWith(".pem")) {
      return JSON.stringNode(PEM);
    }
    throw new AssertionError("schema property " + path + " needs examples (or an enum, or a default)");
  }

  // --- desired-state documents (JSON is YAML)

  private static ObjectNode base() {
    ObjectNode doc = JSON.objectNode();
    doc.put("apiVersion", "hostpki/v1");
    doc.putObject("store").put("path", "pki");
    return doc;
  }

  private static Map<String, Object> external() {
    return Map.of("server.issuer", "external", "server.external.chain", "before.pem");
  }

  private static Map<String, Object> window() {
    return Map.of("renewal.windows", List.of(Map.of("start", "01:00", "end", "04:00")));
  }

  private static Map<String, Object> acme(Object... more) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("server.issuer", "acme");
    out.put("server.acme.directory", "https://acme.example.com/before");
    for (int i = 0; i < more.length; i += 2) {
      out.put((String) more[i], more[i + 1]);
    }
    return out;
  }

  /** One output of this format, with a store password for the formats that need one. */
  private static Map<String, Object> output(String format, String file, Object... more) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("store.password", Map.of("env", "HOSTPKI_PASSWORD"));
    out.put("outputs", List.of(Map.of("format", format, "file", file)));
    for (int i = 0; i < more.length; i += 2) {
      out.put((String) more[i], more[i + 1]);
    }
    return out;
  }

  private static Map<String, Object> trustEntry() {
    return Map.of("trust.certificates", List.of(Map.of("name", "before", "file", "before.pem")));
  }

  /** Sets a dotted path; {@code a.list[].key} sets the key in the list's first item. */
  private static void set(ObjectNode doc, String path, Object value) {
    JsonNode json = value instanceof JsonNode j ? j : toJson(value);
    int brackets = path.indexOf("[]");
    if (brackets >= 0) {
      ObjectNode parent = parentOf(doc, path.substring(0, brackets));
      String listKey = lastSegment(path.substring(0, brackets));
      ArrayNode list = parent.has(listKey) ? (ArrayNode) parent.get(listKey) : parent.putArray(listKey);
      if (list.isEmpty()) {
        list.addObject();
      }
      String rest = path.substring(brackets + 3);
      set((ObjectNode) list.get(0), rest, json);
      return;
    }
    parentOf(doc, path).set(lastSegment(path), json);
  }

  private static ObjectNode parentOf(ObjectNode doc, String path) {
    ObjectNode node = doc;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
    }
    return node;
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static JsonNode toJson(Object value) {
    if (value instanceof String s) {
      return JSON.stringNode(s);
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (value instanceof List<?> list) {
      ArrayNode array = JSON.arrayNode();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = JSON.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
      return object;
    }
    throw new IllegalArgumentException("unsupported test value " + value);
  }

  private DesiredState load(String what, ObjectNode doc) {
    LoadResult result = loader.loadString(file, doc.toString());
    assertThat(result.problems()).as(what + ": " + doc).noneMatch(Problem::isError);
    return result.desiredState().orElseThrow();
  }

  // --- the model's components

  /** {@code Record.component} for every component of every record reachable from DesiredState. */
  private static Set<String> modelComponents() {
    Set<String> out = new TreeSet<>();
    collectComponents(DesiredState.class, out, new java.util.HashSet<>());
    return out;
  }

  private static void collectComponents(Class<?> type, Set<String> out, Set<Class<?>> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        collectComponents(sub, out, seen);
      }
      return;
    }
    if (!type.isRecord()) {
      return;
    }
    out.add(name(type));
    for (RecordComponent c : type.getRecordComponents()) {
      out.add(name(type) + "." + c.getName());
      for (Class<?> inner : typesIn(c.getGenericType())) {
        collectComponents(inner, out, seen);
      }
    }
  }

  private static List<Class<?>> typesIn(Type type) {
    List<Class<?>> out = new ArrayList<>();
    if (type instanceof Class<?> c) {
      out.add(c);
    } else if (type instanceof ParameterizedType p) {
      for (Type argument : p.getActualTypeArguments()) {
        out.addAll(typesIn(argument));
      }
    }
    return out;
  }

  /** Adds to {@code reached} every record type and component that differs between a and b. */
  private static void diff(Object a, Object b, Set<String> reached) {
    a = unwrap(a);
    b = unwrap(b);
    if (Objects.equals(a, b)) {
      return;
    }
    if (a == null || b == null || a.getClass() != b.getClass()) {
      markPresent(a, reached);
      markPresent(b, reached);
      return;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
        diff(i < la.size() ? la.get(i) : null, i < lb.size() ? lb.get(i) : null, reached);
      }
      return;
    }
    if (a.getClass().isRecord()) {
      reached.add(name(a.getClass()));
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        Object va = value(c, a);
        Object vb = value(c, b);
        if (!Objects.equals(va, vb)) {
          reached.add(name(a.getClass()) + "." + c.getName());
          diff(va, vb, reached);
        }
      }
    }
  }

  /** A value present on one side only: everything set in it counts as reached. */
  private static void markPresent(Object x, Set<String> reached) {
    x = unwrap(x);
    if (x instanceof List<?> list) {
      list.forEach(item -> markPresent(item, reached));
    } else if (x != null && x.getClass().isRecord()) {
      reached.add(name(x.getClass()));
      for (RecordComponent c : x.getClass().getRecordComponents()) {
        Object v = unwrap(value(c, x));
        boolean set = v != null && !(v instanceof List<?> l && l.isEmpty())
            && !Boolean.FALSE.equals(v) && !Integer.valueOf(0).equals(v);
        if (set) {
          reached.add(name(x.getClass()) + "." + c.getName());
          markPresent(v, reached);
        }
      }
    }
  }

  private static Object unwrap(Object x) {
    return x instanceof Optional<?> o ? o.orElse(null) : x;
  }

  private static Object value(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String name(Class<?> type) {
    return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
  }
}
