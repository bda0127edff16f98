package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by a trial: what a desired-state key names and fails only at run time (a secret's file or
 * variable, the store path, a trust folder) was reported by plan and apply without the place in
 * the file that names it. Each now names {@code FILE:LINE:COL}, what is wrong and what to do, and
 * leaves the store as it was (here: not made at all).
 */
class RunTimeProblemPlaceTest {
  private static final String HEAD =
      "apiVersion: hostpki/v1\nstore:\n  path: pki\n";
  private static final String HOST =
      "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n";

  @TempDir Path dir;

  /** Runs {@code args} on host.yaml holding {@code yaml}; refused, with no store made. */
  private CliResult refused(String yaml, Map<String, String> env, String... args) throws Exception {
    Files.writeString(dir.resolve("host.yaml"), yaml);
    CliResult run = Cli.in(dir).clock(Clock.systemUTC()).env(env).run(args);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    run.assertNoStackTrace();
    assertThat(dir.resolve("pki")).as("no store made").doesNotExist();
    return run;
  }

  /** {@code host.yaml:LINE:COL: } of the first {@code value} on the line holding {@code line}. */
  private String at(String yaml, String line, String value) {
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(line)) {
        return dir.resolve("host.yaml") + ":" + (i + 1) + ":" + (lines[i].indexOf(value, lines[i].indexOf(line)) + 1) + ": ";
      }
    }
    throw new AssertionError(line + " not in " + yaml);
  }

  @Test
  void testStorePasswordFile_aFolderAFifoOrAMissingFileIsNamedByItsPlace() throws Exception {
    Files.createDirectory(dir.resolve("pw-folder"));
    new ProcessBuilder("mkfifo", dir.resolve("pw-fifo").toString()).start().waitFor();
    for (String[] source :
        new String[][] {
          {"pw-folder", "is a directory, not a regular file; it must be a regular file that holds the password:"
              + " point store.password.file at one, or give it in an environment variable: store.password: {env: VARIABLE}"},
          {"pw-fifo", "is a FIFO (named pipe), not a regular file; it must be a regular file that holds the password"},
          {"pw-gone", "does not exist; create it holding the password (mode 0600), or give it in an environment"
              + " variable: store.password: {env: VARIABLE}"}
        }) {
      String yaml = HEAD + "  password: {file: " + source[0] + "}\n" + HOST;
      for (String command : new String[] {"plan", "apply"}) {
        CliResult run = refused(yaml, Map.of(), command, "-f", "host.yaml");

        assertThat(run.err())
            .as(command + " " + source[0])
            .contains(
                at(yaml, "password:", source[0]) + "store.password.file " + dir.resolve(source[0]) + " " + source[1]);
      }
    }
  }

  @Test
  void testSecretVariables_anUnsetOneIsNamedByItsPlaceForEveryKey() throws Exception {
    Files.copy(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), dir.resolve("cacerts"));
    String store = HEAD + "  password: {env: NEW_PW}\n  previousPassword: {env: OLD_PW}\n" + HOST;
    String java =
        HEAD + HOST + "trust:\n  install:\n    java: [cacerts]\n    javaPassword: {env: JAVA_PW}\n";

    assertThat(refused(store, Map.of(), "plan", "-f", "host.yaml").err())
        .contains(
            at(store, "  password:", "NEW_PW") + "store.password: environment variable NEW_PW is not set or empty;"
                + " export it before running hostpki, or point store.password.file at a file holding the password");
    assertThat(refused(store, Map.of("NEW_PW", "new"), "apply", "-f", "host.yaml").err())
        .contains(
            at(store, "previousPassword:", "OLD_PW") + "store.previousPassword: environment variable OLD_PW is not"
                + " set or empty; export it before running hostpki, or point store.previousPassword.file at a file"
                + " holding the old password");
    assertThat(refused(java, Map.of(), "plan", "-f", "host.yaml").err())
        .contains(
            at(java, "javaPassword:", "JAVA_PW") + "trust.install.javaPassword: environment variable JAVA_PW is not"
                + " set or empty");
  }

  /** The hint was "(or use server.acme.externalAccountBinding.hmacKey)", the key being fixed. */
  @Test
  void testAcmeHmacKeyFile_aFolderIsNamedByItsPlaceWithARealFix() throws Exception {
    Files.createDirectory(dir.resolve("hmac"));
    String yaml =
        HEAD + HOST + "server:\n  issuer: acme\n  dnsNames: [portal.example.com]\n  acme:\n"
            + "    directory: https://acme.example.com/directory\n"
            + "    externalAccountBinding: {keyId: kid-1, hmacKey: {file: hmac}}\n";

    CliResult run = refused(yaml, Map.of(), "plan", "-f", "host.yaml");

    assertThat(run.err())
        .contains(
            at(yaml, "hmacKey:", "hmac}") + "server.acme.externalAccountBinding.hmacKey.file " + dir.resolve("hmac")
                + " is a directory, not a regular file; it must be a regular file that holds the key: point"
                + " server.acme.externalAccountBinding.hmacKey.file at one, or give it in an environment variable:"
                + " server.acme.externalAccountBinding.hmacKey: {env: VARIABLE}")
        .doesNotContain("(or use");
  }

  @Test
  void testStorePath_aFileThereIsNamedByItsPlaceAndLeftAlone() throws Exception {
    String yaml = HEAD + HOST;
    for (String command : new String[] {"plan", "apply"}) {
      Path file = Files.writeString(dir.resolve("pki"), "not a store\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
      Files.writeString(dir.resolve("host.yaml"), yaml);

      CliResult run = Cli.in(dir).clock(Clock.systemUTC()).run(command, "-f", "host.yaml");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err())
          .as(command)
          .contains(
              at(yaml, "path:", "pki") + "store " + file + " is not a directory; store.path must name a directory"
                  + " (hostpki creates it when missing): move " + file + " away, or point store.path at another folder");
      assertThat(file).hasContent("not a store");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
      Files.delete(file);
    }
  }

  @Test
  void testTrustDirectory_aMissingOneOrAFileIsNamedByItsPlace() throws Exception {
    Files.writeString(dir.resolve("a-file.pem"), "not a folder\n");
    String yaml = HEAD + HOST + "trust:\n  directories: [gone, a-file.pem]\n";

    assertThat(refused(yaml, Map.of(), "plan", "-f", "host.yaml").err())
        .contains(
            at(yaml, "directories:", "gone") + "trust directory " + dir.resolve("gone")
                + " does not exist; create it or remove it from trust.directories");
    Files.createDirectory(dir.resolve("gone"));
    assertThat(refused(yaml, Map.of(), "apply", "-f", "host.yaml").err())
        .contains(
            at(yaml, "directories:", "a-file.pem") + "trust directory " + dir.resolve("a-file.pem")
                + " is not a directory; trust.directories lists folders of certificate files: name a file in"
                + " trust.certificates ({name: ..., file: ...}) instead");
  }
}
