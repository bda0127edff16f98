package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downgrade: the store's records in a later format than this build reads, as a newer hostpki
 * would leave them. They are refused as that, naming the file and the fix (the newer hostpki),
 * and the store is left exactly as it was; they were "not what hostpki writes (altered by hand?);
 * remove it", and removing the hook ledger drops its pending hooks.
 */
class StoreOfANewerBuildTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3-store-password");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void testPlanAndApply_refuseAHookLedgerOfALaterFormatAndChangeNothing() throws Exception {
    StoreArchives.unpack("/org/hostpki/apply/store-a66e5e8/store.tar.gz", dir);
    Path store = dir.resolve("pki");
    Path ledger = store.resolve(Files.readSymbolicLink(store.resolve("..data"))).resolve(".hooks-due.json");
    Files.writeString(ledger, Files.readString(ledger).replace("\"format_version\":\"1\"", "\"format_version\":\"2\""));
    Map<String, String> before = tree(store);

    CliResult plan = Cli.in(dir).clock(CLOCK).env(ENV).run("plan", "host.yaml");
    CliResult apply = Cli.in(dir).clock(CLOCK).env(ENV).run("apply", "host.yaml", "--unattended");

    for (CliResult run : new CliResult[] {plan, apply}) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err())
          .as(run.toString())
          .contains(ledger + " is in record format 2, which a newer hostpki wrote; this one reads format 1"
              + " (was hostpki downgraded?): run a hostpki at least as new as the one that wrote it.")
          .doesNotContain("remove it", "Exception");
    }
    assertThat(tree(store)).isEqualTo(before);
  }

  @Test
  void testInstallRecord_ofALaterFormatIsRefusedAsANewerBuildsNotAsDamaged() throws IOException {
    Path record = Files.createDirectories(dir.resolve(InstallRecordFile.FOLDER)).resolve(InstallRecordFile.FILE);
    Files.writeString(record, "{\"format_version\":\"2\",\"targets\":[],\"installed_by\":\"a later build\"}\n");

    assertThatThrownBy(() -> InstallRecordFile.read(dir))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(record + " is in record format 2, which a newer hostpki wrote;");
  }

  /** Every entry under the store: a file's content, a link's target, a folder. */
  private static Map<String, String> tree(Path store) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String name = store.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.put(name, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.put(name, "/");
        } else {
          entries.put(name, new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return entries;
  }
}
