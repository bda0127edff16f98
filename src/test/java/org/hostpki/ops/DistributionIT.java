package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release tarball made by {@code mvn package}, unpacked elsewhere and run from there. */
class DistributionIT {
  @TempDir static Path unpacked;
  private static Path top;
  private static String version;
  private static Map<String, String> env;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball;
    try (Stream<Path> files = Files.list(Tools.projectDir().resolve("target"))) {
      tarball =
          files.filter(p -> p.getFileName().toString().matches("hostpki-.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no target/hostpki-*.tar.gz: run after 'mvn package'"));
    }
    String name = tarball.getFileName().toString();
    version = name.substring("hostpki-".length(), name.length() - ".tar.gz".length());
    Tools.Run tar = Tools.run(unpacked, Map.of(), "tar", "xzf", tarball.toString());
    assertThat(tar.exitCode()).as(tar.toString()).isZero();
    top = unpacked.resolve("hostpki-" + version);
    // The Java 17 running the tests; no Maven or checkout is needed.
    env = Map.of("JAVA_HOME", System.getProperty("java.home"));
  }

  private static Tools.Run hostpki(Path workingDirectory, String... args) throws Exception {
    return Tools.run(
        workingDirectory,
        env,
        Stream.concat(Stream.of(top.resolve("bin/hostpki").toString()), Stream.of(args)).toList());
  }

  @Test
  void testTarball_holdsLauncherJarsSchemasExamplesAndLicense() throws IOException {
    assertThat(top.resolve("bin/hostpki")).isExecutable();
    assertThat(top.resolve("lib/hostpki-" + version + ".jar")).isRegularFile();
    assertThat(top.resolve("lib").toFile().list()).anyMatch(n -> n.startsWith("bcprov-")).anyMatch(n -> n.startsWith("picocli-"));
    for (String file :
        List.of("schema/hostpki-v1.schema.json", "schema/plan.schema.json", "examples/quickstart.yaml",
            "examples/systemd/hostpki.service", "docs/guide.md", "README.md", "LICENSE",
            "ansible/ansible_collections/hostpki/pki/plugins/modules/store.py")) {
      assertThat(top.resolve(file)).as(file).isRegularFile();
    }
    assertThat(top.resolve("examples/pki")).doesNotExist();
    assertThat(top.resolve("pom.xml")).doesNotExist();
  }

  @Test
  void testVersion_isTheReleaseVersion() throws Exception {
    Tools.Run run = hostpki(top, "--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("hostpki " + version + "\n");
  }

  @Test
  void testValidate_quickstartIsValid() throws Exception {
    Tools.Run run = hostpki(top, "validate", "examples/quickstart.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEqualTo("1 file checked: valid, 0 warnings\n");
  }

  /** BouncyCastle's signed jars, PKCS#12 and the schema all load from lib/. */
  @Test
  void testApply_makesAStoreWithPkcs12Files(@TempDir Path work) throws Exception {
    Files.writeString(
        work.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki, password: {file: p12.pass}}\n"
            + "host: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n");
    Files.writeString(work.resolve("p12.pass"), "s3cret\n");
    Files.setPosixFilePermissions(work.resolve("p12.pass"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    Tools.Run run = hostpki(work, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(work.resolve("pki/server.p12")).isRegularFile();
    assertThat(work.resolve("pki/truststore.p12")).isRegularFile();
  }

  @Test
  void testLauncher_worksThroughASymlink(@TempDir Path elsewhere) throws Exception {
    Path link = elsewhere.resolve("hostpki");
    Files.createSymbolicLink(link, top.resolve("bin/hostpki"));

    Tools.Run run;
    try {
      run = Tools.run(elsewhere, env, link.toString(), "--version");
    } finally {
      Files.delete(link);
    }

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("hostpki " + version + "\n");
  }
}
