package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several stores on one host, each with its own desired state, as an operator with nginx, a mail
 * service and an internal service sets them up (docs/guide.md, "Several stores on one host").
 */
class SeveralStoresTest {
  @TempDir Path dir;

  private void desiredState(String name, String metricsFile) throws IOException {
    Files.writeString(
        dir.resolve(name + ".yaml"),
        "apiVersion: hostpki/v1\nstore: {path: stores/" + name + "}\n"
            + "host: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n"
            + "server: {dnsNames: [" + name + ".example.test]}\n"
            + "metrics: {textfile: metrics/" + metricsFile + "}\n");
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).env(Map.of()).run(args);
  }

  private String metrics(String file) throws IOException {
    return Files.readString(dir.resolve("metrics").resolve(file));
  }

  /** nginx's and the mail service's desired states name one metrics file; nginx's is applied. */
  private String nginxAppliedMailNot() throws IOException {
    Files.createDirectories(dir.resolve("metrics"));
    desiredState("nginx", "hostpki.prom");
    desiredState("mail", "hostpki.prom");
    hostpki("apply", "-f", "nginx.yaml").assertSucceeded();
    return metrics("hostpki.prom");
  }

  /**
   * The trial: nginx's and the mail service's desired states both name
   * /var/lib/node-exporter/hostpki.prom (the example's path, copied). Each write replaced the whole
   * file, so node_exporter saw the store that wrote last, and the other's series vanished and
   * came back with every run: its absent() alerts fired at random. The second store now leaves the
   * file alone and says why and what to name its own.
   */
  @Test
  void testTwoStoresNamingOneMetricsFile_theSecondLeavesTheFirstsSeriesAndSaysToUseAFileOfItsOwn()
      throws IOException {
    String nginxSeries = nginxAppliedMailNot();

    CliResult mail = hostpki("apply", "-f", "mail.yaml");

    assertThat(mail.exitCode()).as(mail.toString()).isZero(); // the store was applied: metrics are a warning
    assertThat(mail.err())
        .contains("warning: the metrics file " + dir.resolve("metrics/hostpki.prom") + " was not written")
        .contains("another store, " + dir.resolve("stores/nginx"))
        .contains("e.g. " + dir.resolve("metrics/hostpki-mail.prom"));
    assertThat(metrics("hostpki.prom")).isEqualTo(nginxSeries).doesNotContain("stores/mail");

    desiredState("mail", "hostpki-mail.prom");
    assertThat(hostpki("check", "-f", "mail.yaml").err()).doesNotContain("metrics");
    assertThat(metrics("hostpki-mail.prom")).contains("store=\"" + dir.resolve("stores/mail") + "\"");
    assertThat(metrics("hostpki.prom")).contains("store=\"" + dir.resolve("stores/nginx") + "\"");
  }

  /** A store that moved leaves series nobody updates: the file is the new store's, no warning. */
  @Test
  void testMetricsFileOfAStoreThatIsGone_isTakenOverSilently() throws IOException {
    Files.createDirectories(dir.resolve("metrics"));
    desiredState("old", "hostpki.prom");
    hostpki("apply", "-f", "old.yaml").assertSucceeded();
    Files.move(dir.resolve("stores/old"), dir.resolve("stores/new"));
    desiredState("new", "hostpki.prom");

    CliResult moved = hostpki("apply", "-f", "new.yaml");

    assertThat(moved.err()).as(moved.toString()).doesNotContain("metrics");
    assertThat(metrics("hostpki.prom")).contains("stores/new").doesNotContain("stores/old");
  }

  /**
   * The trial: nginx's store applied, the mail store's desired state (the same metrics file) not
   * yet: its folder did not exist, so comparing the two stores failed and nginx's series were
   * taken for a gone store's. `check` replaced nginx's series with the mail store's, and nginx's
   * next apply put them back: each store vanished from the monitor in turn.
   */
  @Test
  void testAStoreNotYetAppliedLeavesAnotherStoresSeries() throws IOException {
    String nginxSeries = nginxAppliedMailNot();

    CliResult check = hostpki("check", "-f", "mail.yaml");

    assertThat(Files.exists(dir.resolve("stores/mail"))).isFalse();
    assertThat(check.err()).as(check.toString())
        .contains("was not written: it holds the series of another store, " + dir.resolve("stores/nginx"));
    assertThat(metrics("hostpki.prom")).isEqualTo(nginxSeries);
  }

  /**
   * Stores in services' folders, each desired state called hostpki.yaml: the file suggested is
   * named after the store's whole path, not after a folder name they all share ("pki"). A copy of
   * a store left at its old path is named as the other possible cause, with what to do.
   */
  @Test
  void testStoresOfOneFolderNameAreSuggestedFilesOfTheirOwnAndACopyLeftBehindIsNamed()
      throws IOException {
    Files.createDirectories(dir.resolve("metrics"));
    for (String service : new String[] {"nginx", "postfix"}) {
      Files.createDirectories(dir.resolve(service));
      Files.writeString(
          dir.resolve(service).resolve("hostpki.yaml"),
          "apiVersion: hostpki/v1\nstore: {path: pki}\n"
              + "host: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n"
              + "metrics: {textfile: ../metrics/hostpki.prom}\n");
    }
    hostpki("apply", "-f", "nginx/hostpki.yaml").assertSucceeded();

    CliResult postfix = hostpki("apply", "-f", "postfix/hostpki.yaml");

    String own = "hostpki-" + String.join("-", dir.resolve("postfix/pki").toString().substring(1).split("/")) + ".prom";
    assertThat(postfix.err()).as(postfix.toString())
        .contains("e.g. " + dir.resolve("metrics").resolve(own) + ":")
        .contains("If that store is no longer applied (a copy left at its old path after a move), delete "
            + dir.resolve("metrics/hostpki.prom"))
        .containsPattern("another store, " + java.util.regex.Pattern.quote(dir.resolve("nginx/pki").toString())
            + " \\(its series say it was last run at 20[0-9-]+T");
  }

  /**
   * rvsec12 F3: whoever may write the metrics folder could forge another store's series into the
   * file, and this store then left it alone for good, its own series gone. Series in a file another
   * user could have written are not taken for another store's.
   */
  @Test
  void testAForgedFileInAFolderOthersMayWrite_isWrittenOver() throws IOException {
    nginxAppliedMailNot();
    Files.setPosixFilePermissions(dir.resolve("metrics"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

    CliResult mail = hostpki("apply", "-f", "mail.yaml");

    assertThat(mail.exitCode()).as(mail.toString()).isZero();
    assertThat(mail.err()).doesNotContain("holds the series of another store");
    assertThat(metrics("hostpki.prom")).contains("store=\"" + dir.resolve("stores/mail") + "\"");
  }
}
