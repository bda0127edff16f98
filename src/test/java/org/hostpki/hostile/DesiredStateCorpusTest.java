package org.hostpki.hostile;

import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Desired-state files that are malformed, hostile or wrong, given to {@code apply} next to a good
 * store: every problem printed as {@code FILE:LINE:COLUMN: error: ...}, exit 1, the store as it was.
 */
@Tag(Tags.SLOW)
class DesiredStateCorpusTest {
  /** From the validate corpus in {@code src/test/resources/config/invalid}: one of each kind. */
  private static final List<String> VALIDATE_CORPUS_SAMPLE =
      List.of(
          "alias-bomb", "binary", "deep-nesting", "duplicate-key", "duplicate-section",
          "multiple-documents", "not-utf8", "utf16", "control-character", "tab-indentation",
          "yaml-tag", "empty", "only-comments", "top-level-list", "syntax-unterminated-quote",
          "wrong-api-version", "type-number-for-text", "type-list-for-mapping",
          "type-text-for-boolean", "rsa-too-small", "ip-address-invalid", "password-both",
          "duration-unit", "store-path-is-own-folder", "hook-command-as-text",
          "all-problems-at-once", "text-half-a-surrogate-pair");

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  static Stream<HostileCase> validateCorpusSample() throws IOException {
    List<HostileCase> cases = new ArrayList<>();
    for (String name : VALIDATE_CORPUS_SAMPLE) {
      byte[] yaml = resource("/config/invalid/" + name + ".yaml");
      String file = name + ".yaml";
      List<String> messages = new ArrayList<>();
      for (String line : new String(resource("/config/invalid/" + name + ".expected"), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          messages.add("{dir}/" + line); // the corpus shows the name as typed; apply shows it resolved
        }
      }
      messages.add("error: {dir}/" + file + " is not a valid desired state (see above); nothing was changed");
      cases.add(
          apply("validate corpus: " + name, w -> Files.write(w.dir.resolve(file), yaml), messages.toArray(String[]::new))
              .withArgs("apply", "-f", file));
    }
    return cases.stream();
  }

  static Stream<HostileCase> hostileFiles() {
    return Stream.of(
        other("ten megabytes", w -> Files.write(w.dir.resolve("other.yaml"), big(10 << 20)),
            "{dir}/other.yaml: error: is 10485760 bytes, over the 1 MiB limit for a desired-state file"),
        apply("an endless device", w -> {}, "/dev/zero: error: is a character device, not a regular file; save the desired state to a file and name that")
            .withArgs("apply", "-f", "/dev/zero"),
        other("UTF-16 without a byte order mark", w -> Files.write(w.dir.resolve("other.yaml"),
                GoodStore.YAML_HEAD.getBytes(StandardCharsets.UTF_16LE)),
            "{dir}/other.yaml: error: the file is UTF-16 text (without a byte order mark), not UTF-8; save it as UTF-8"),
        other("UTF-16 big-endian with a byte order mark", w -> Files.write(w.dir.resolve("other.yaml"),
                GoodStore.YAML_HEAD.getBytes(StandardCharsets.UTF_16)),
            "{dir}/other.yaml: error: the file is UTF-16 text; save it as UTF-8"),
        other("Latin-1", w -> Files.write(w.dir.resolve("other.yaml"),
                (GoodStore.YAML_HEAD.replace("Example Corp", "Société Générale")).getBytes(StandardCharsets.ISO_8859_1)),
            "{dir}/other.yaml:7:62: error: the file is not UTF-8 text (byte 0xe9 cannot start or continue a UTF-8 character)"),
        other("300,000 nested lists", w -> text(w, "apiVersion: hostpki/v1\nstore: {path: pki}\nx: " + "[".repeat(300_000) + "\n"),
            "{dir}/other.yaml:3:", "error: the YAML nests deeper than 64 levels"),
        other("300,000 nested mappings", w -> text(w, "apiVersion: hostpki/v1\nstore: {path: pki}\nx: " + "{a: ".repeat(200_000) + "\n"),
            "error: the YAML nests deeper than 64 levels"),
        other("a merge key", w -> text(w, "apiVersion: hostpki/v1\nbase: &b {path: pki}\nstore:\n  <<: *b\n"),
            "{dir}/other.yaml:4:3: error: YAML merge keys (<<) are not allowed in a desired-state file"),
        other("duplicate apiVersion", w -> text(w, GoodStore.YAML_HEAD + "apiVersion: hostpki/v1\n"),
            "{dir}/other.yaml:8:1: error: duplicate key 'apiVersion' in the top level; it is already set at line 1, column 1"),
        other("50,000 unknown keys", w -> text(w, GoodStore.YAML_HEAD + manyKeys(50_000)),
            "{dir}/other.yaml:9992:1: error: the YAML holds more than 20000 values"),
        other("a 900 kB store path", w -> text(w, "apiVersion: hostpki/v1\nstore: {path: " + "p".repeat(900_000) + "}\n"),
            "error: store {dir}/ppp", "the file name is too long", "nothing was changed"),
        other("a CA valid for 2.7 million years", w -> text(w, GoodStore.YAML_HEAD.replace("country: US}", "country: US}\n  validity: 999999999d")),
            "{dir}/other.yaml:8:13: error: ca.validity (999999999d) is longer than 100 years (36500d)"),
        other("a server valid for 3,000 years", w -> text(w, GoodStore.YAML_HEAD + "server: {validity: 1095000d, allowLongValidity: true}\n"),
            "{dir}/other.yaml:8:20: error: server.validity (1095000d) is longer than 100 years (36500d)"),
        other("a validity of 2^63 seconds", w -> text(w, GoodStore.YAML_HEAD + "server: {validity: 9223372036854775807s}\n"),
            "{dir}/other.yaml:8:20: error: server.validity (9223372036854775807s) is longer than 100 years"),
        other("an RSA key of 2^64 bits", w -> text(w, GoodStore.YAML_HEAD.replace("country: US}", "country: US}\n  key: {algorithm: RSA, size: 18446744073709551616}")),
            "{dir}/other.yaml:8:31: error: ca.key.size 18446744073709551616 is too large for an RSA key; use at most 16384 bits"),
        other("a number beyond any integer", w -> text(w, GoodStore.YAML_HEAD.replace("country: US}", "country: US}\n  key: {algorithm: RSA, size: 1e300}")),
            "{dir}/other.yaml:8:31: error: ca.key.size must be a number of bits such as 3072, not the number 1e300"),
        other("a negative RSA size", w -> text(w, GoodStore.YAML_HEAD + "server: {key: {algorithm: RSA, size: -2048}}\n"),
            "{dir}/other.yaml:8:38: error: server.key.size"),
        other("an unknown key algorithm", w -> text(w, GoodStore.YAML_HEAD + "server: {key: {algorithm: DSA}}\n"),
            "{dir}/other.yaml:8:27: error: server.key.algorithm 'DSA' is not one of: EC, RSA, Ed25519"),
        other("a network where an address belongs", w -> text(w, GoodStore.YAML_HEAD + "server: {ipAddresses: [192.0.2.0/24]}\n"),
            "{dir}/other.yaml:8:24: error: server.ipAddresses[0] '192.0.2.0/24' is not an IP address"),
        other("a three-letter country", w -> text(w, GoodStore.YAML_HEAD.replace("country: US", "country: USA")),
            "{dir}/other.yaml:7:", "country"),
        other("a password in the file itself", w -> text(w, GoodStore.YAML_HEAD.replace("{env: HOSTPKI_PASSWORD}", "hunter2")),
            "{dir}/other.yaml:4:13: error: store.password"),
        other("a NUL byte in a value", w -> Files.write(w.dir.resolve("other.yaml"), (GoodStore.YAML_HEAD + "x: a\0b\n").getBytes(StandardCharsets.UTF_8)),
            "{dir}/other.yaml: error: the file holds binary data (a zero byte at offset"),
        apply("file missing", w -> {}, "{dir}/nothere.yaml: error: no such file").withArgs("apply", "-f", "nothere.yaml"),
        apply("file is a directory", w -> {}, "{dir}/pki: error: is a directory, not a desired-state file")
            .withArgs("apply", "-f", "pki"),
        apply("file is a dangling link", w -> Files.createSymbolicLink(w.dir.resolve("other.yaml"), Path.of("gone.yaml")),
                "{dir}/other.yaml: error: no such file")
            .withArgs("apply", "-f", "other.yaml"),
        apply("file is a link to itself", w -> Files.createSymbolicLink(w.dir.resolve("other.yaml"), Path.of("other.yaml")),
                "{dir}/other.yaml: error: cannot read the file",
                // a read that failed (found: ulimit -n 16) is no mistake in the file
                "error: {dir}/other.yaml could not be read (see above); nothing was changed")
            .withArgs("apply", "-f", "other.yaml"),
        apply("an empty file name", w -> {}, "error: the desired-state file name is empty (-f '')").withArgs("apply", "-f", "").withExitCode(64),
        apply("plan of a bad file", w -> text(w, "apiVersion: hostpki/v2\nstore: {path: pki}\n"),
                "{dir}/other.yaml:1:13: error: apiVersion")
            .withArgs("plan", "-f", "other.yaml"),
        apply("status of a bad file", w -> text(w, "apiVersion: hostpki/v1\nstore: {path: pki\n"),
                "{dir}/other.yaml:", "error: invalid YAML")
            .withArgs("status", "-f", "other.yaml"),
        apply("export from a bad file", w -> text(w, "apiVersion: hostpki/v1\n"), "{dir}/other.yaml", "store")
            .withArgs("export", "-f", "other.yaml", "ca-cert"));
  }

  private static HostileCase other(String name, HostileCase.Setup setup, String... messages) {
    return apply(name, setup, messages).withArgs("apply", "-f", "other.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validateCorpusSample")
  void testValidateCorpus_isRefusedByApplyWithTheSameProblems(HostileCase hostile) throws Exception {
    hostile.check(Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileFiles")
  void testHostileDesiredState_isRefusedAndChangesNothing(HostileCase hostile) throws Exception {
    hostile.check(Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE));
  }

  private static void text(Workspace w, String yaml) throws IOException {
    Files.writeString(w.dir.resolve("other.yaml"), yaml);
  }

  private static byte[] big(int size) {
    byte[] bytes = new byte[size];
    java.util.Arrays.fill(bytes, (byte) 'a');
    return bytes;
  }

  private static String manyKeys(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append('k').append(i).append(": 1\n");
    }
    return sb.toString();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DesiredStateCorpusTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
