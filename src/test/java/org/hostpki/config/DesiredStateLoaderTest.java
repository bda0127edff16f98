package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CrlSource;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.MetricsSpec;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Execution(ExecutionMode.CONCURRENT)
class DesiredStateLoaderTest {
  private static final String MINIMAL = "apiVersion: hostpki/v1\nstore:\n  path: pki\n";

  private final DesiredStateLoader loader = new DesiredStateLoader();
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path file = fs.getPath("/etc/hostpki/host.yaml");

  // --- the corpus: each NAME.yaml next to NAME.expected, the exact lines `hostpki validate` prints

  static Stream<Path> invalidFiles() throws IOException {
    return corpus("invalid");
  }

  static Stream<Path> filesWithWarnings() throws IOException {
    return corpus("warnings");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void testLoad_invalidFileGivesExactlyTheExpectedProblems(Path yaml) throws IOException {
    LoadResult result = loader.load(yaml);

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.desiredState()).isEmpty();
    assertThat(formatted(result)).containsExactlyElementsOf(expected(yaml));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filesWithWarnings")
  void testLoad_suspiciousFileIsValidWithTheExpectedWarnings(Path yaml) throws IOException {
    LoadResult result = loader.load(yaml);

    assertThat(result.hasErrors()).isFalse();
    assertThat(result.desiredState()).isPresent();
    assertThat(result.problems()).isNotEmpty().allMatch(p -> p.severity() == Severity.WARNING);
    assertThat(formatted(result)).containsExactlyElementsOf(expected(yaml));
  }

  @Test
  void testLoad_corpusCoversAtLeastFortyFiveInvalidFiles() throws IOException {
    assertThat(invalidFiles().count()).isGreaterThanOrEqualTo(45);
  }

  @Test
  void testLoad_everyExampleIsValid() throws IOException {
    Path examples = projectDir().resolve("examples");
    List<Path> files;
    try (Stream<Path> s = Files.list(examples)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }

    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("quickstart.yaml", "external-ca.yaml", "trust-store.yaml");
    for (Path example : files) {
      LoadResult result = loader.load(example);
      assertThat(result.problems()).as(example.toString()).isEmpty();
      assertThat(Files.readString(example))
          .startsWith("# yaml-language-server: $schema=../schema/hostpki-v1.schema.json\n");
    }
  }

  @Test
  void testLoad_quickstartStoreIsExamplesPki() {
    Path quickstart = projectDir().resolve("examples/quickstart.yaml");

    DesiredState state = loader.load(quickstart).desiredState().orElseThrow();

    assertThat(state.store().path()).isEqualTo(quickstart.toAbsolutePath().getParent().resolve("pki"));
  }

  // --- files that cannot be read

  @Test
  void testLoad_fileOverOneMebibyteIsRefusedUnread(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.yaml");
    byte[] content = (MINIMAL + "#".repeat(FileText.LIMIT_BYTES)).getBytes(StandardCharsets.UTF_8);
    Files.write(big, content);

    LoadResult result = loader.load(big);

    assertThat(result.problems())
        .extracting(Problem::format)
        .containsExactly(big + ": error: is " + content.length + " bytes, over the 1 MiB limit for a desired-state file");
  }

  @Test
  void testLoad_fileOfExactlyOneMebibyteIsRead() throws IOException {
    // Many short comment lines: snakeyaml-engine is slow on one megabyte-long line.
    String line = "#".repeat(63) + "\n";
    int room = FileText.LIMIT_BYTES - MINIMAL.length();
    String padding = line.repeat(room / line.length()) + "#".repeat(room % line.length());
    Files.createDirectories(file.getParent());
    Files.writeString(file, MINIMAL + padding);

    assertThat(loader.load(file).problems()).isEmpty();
  }

  @Test
  void testLoadString_textOverOneMebibyteIsRefused() {
    String yaml = MINIMAL + "#".repeat(FileText.LIMIT_BYTES);

    assertThat(loader.loadString(file, yaml).problems())
        .extracting(Problem::message)
        .containsExactly("is " + yaml.length() + " bytes, over the 1 MiB limit for a desired-state file");
  }

  @Test
  void testLoad_missingFileIsAProblem() {
    LoadResult result = loader.load(file);

    assertThat(result.problems()).extracting(Problem::format)
        .containsExactly("/etc/hostpki/host.yaml: error: no such file");
  }

  @Test
  void testLoad_directoryIsAProblem() throws IOException {
    Files.createDirectories(file);

    assertThat(loader.load(file).problems()).extracting(Problem::format)
        .containsExactly("/etc/hostpki/host.yaml: error: is a directory, not a desired-state file");
  }

  @Test
  void testLoad_unreadableFileIsAProblem(@TempDir Path dir) throws IOException {
    Path locked = dir.resolve("locked.yaml");
    Files.writeString(locked, MINIMAL);
    boolean madeUnreadable = locked.toFile().setReadable(false, false);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        madeUnreadable && !Files.isReadable(locked), "runs as a user who can read anything (root)");

    assertThat(loader.load(locked).problems()).extracting(Problem::message)
        .containsExactly("cannot read the file: permission denied");
  }

  /**
   * A file that cannot be read (found: {@code ulimit -n 16}, too many open files) was followed by
   * "is not a valid desired state": a read that failed says nothing about what is in the file.
   */
  @Test
  void testLoad_aReadThatFailsIsNoInvalidFile(@TempDir Path dir) throws IOException {
    Path loop = Files.createSymbolicLink(dir.resolve("loop.yaml"), Path.of("loop.yaml"));
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: hostpki/v2\n");

    LoadResult unread = loader.load(loop);
    assertThat(unread.unread()).isTrue();
    assertThat(unread.failure("loop.yaml")).isEqualTo("loop.yaml could not be read");
    assertThat(loader.load(bad).unread()).isFalse();
    assertThat(loader.load(bad).failure("bad.yaml")).isEqualTo("bad.yaml is not a valid desired state");
  }

  /** Found by the hostile-input trial: 100,000 unknown keys printed 16 MB of messages. */
  @Test
  void testLoadString_pastAHundredProblemsTheRestAreCounted() {
    StringBuilder yaml = new StringBuilder(MINIMAL);
    for (int i = 0; i < 250; i++) {
      yaml.append("k").append(i).append(": 1\n");
    }

    LoadResult result = loader.loadString(file, yaml.toString());

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.errorCount()).isEqualTo(250);
    assertThat(result.problems()).hasSize(101);
    assertThat(result.problems().get(0).format()).startsWith("/etc/hostpki/host.yaml:4:1: error: unknown key 'k0'");
    assertThat(result.problems().get(100).format())
        .isEqualTo(
            "/etc/hostpki/host.yaml: error: 150 more errors are not shown (only the first 100 are); fix"
                + " these and check the file again");
  }

  /**
   * Found by the hostile-input trial: 1 MiB of {@code [1,1,1,...]} is half a million values, each
   * a schema error; validate took half a minute and more than 256 MiB of heap (it ran out with
   * -Xmx256m). Now refused at the value past the limit, before the schema sees any.
   */
  @Test
  void testLoadString_pastTwentyThousandValuesTheFileIsRefusedWhereTheyPassIt() {
    String head = "server: {ipAddresses: [";
    String yaml = MINIMAL + head + "1,".repeat(100_000) + "1]}\n";

    LoadResult result = loader.loadString(file, yaml);

    // the root, 6 in MINIMAL, 4 before the first item: item 19,989 (from 0) is the 20,001st value
    assertThat(result.problems()).extracting(Problem::format)
        .containsExactly(
            "/etc/hostpki/host.yaml:4:" + (head.length() + 1 + 2 * 19_989) + ": error: the YAML holds more than"
                + " 20000 values (keys, texts, lists and mappings); a desired state holds a few hundred:"
                + " is this the desired-state file? (Many trusted certificates go into a folder named in"
                + " trust.directories, one file each.)");
  }

  @Test
  void testLoadString_twentyThousandValuesAreRead() {
    StringBuilder yaml = new StringBuilder(MINIMAL + "trust: {directories: [");
    for (int i = 0; i < YamlReader.MAX_VALUES - 11; i++) {
      yaml.append(i == 0 ? "" : ",").append('d').append(i);
    }

    LoadResult result = loader.loadString(file, yaml.append("]}\n").toString());

    assertThat(result.problems()).extracting(Problem::message).noneMatch(m -> m.contains("values"));
    assertThat(result.desiredState()).isPresent();
  }

  /** A message is cut between characters, never inside one (a surrogate pair). */
  @Test
  void testLoadString_aLongMessageKeepsItsStartAndEndAndWholeCharacters() {
    String yaml = MINIMAL + "server: {issuer: " + "\uD83D\uDD12".repeat(2000) + "}\n";

    String message = loader.loadString(file, yaml).problems().get(0).message();

    assertThat(message)
        .startsWith("server.issuer '\uD83D\uDD12")
        .contains("\uD83D\uDD12 [... 3158 characters left out ...] \uD83D\uDD12")
        .endsWith("' is not one of: internal, external, acme")
        .hasSize(599 + 36 + 299);
    assertThat(message.codePoints().filter(c -> c >= 0xD800 && c <= 0xDFFF)).isEmpty();
  }

  @Test
  void testLoad_byteOrderMarkIsIgnored() throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, ("\uFEFF" + MINIMAL).getBytes(StandardCharsets.UTF_8));

    assertThat(loader.load(file).problems()).isEmpty();
  }

  @Test
  void testLoadString_aPlainDoubleLessThanAsAValueIsText() {
    // the core schema resolves a plain << as the merge tag anywhere: it was "the YAML tag '!!merge'"
    LoadResult result = loader.loadString(file, MINIMAL + "ca: {subject: {commonName: <<}}\n");

    assertThat(result.problems()).isEmpty();
    assertThat(result.desiredState().orElseThrow().ca().subject().orElseThrow().commonName()).contains("<<");
  }

  @Test
  void testLoad_utf32IsNamedAsSuch() throws IOException {
    // its byte order mark begins like UTF-16's: it was called UTF-16
    Files.createDirectories(file.getParent());
    Files.write(file, ("\uFEFF" + MINIMAL).getBytes(java.nio.charset.Charset.forName("UTF-32LE")));

    assertThat(loader.load(file).problems()).extracting(Problem::message)
        .containsExactly("the file is UTF-32 text; save it as UTF-8");
  }

  @Test
  void testLoad_aCarriageReturnAloneEndsALineInTheTextChecks() throws IOException {
    // YAML reads a lone CR as a line break; the encoding and character checks said line 1
    Files.createDirectories(file.getParent());
    Files.write(file, "apiVersion: hostpki/v1\rstore:\r  path: p\u0007ki\r".getBytes(StandardCharsets.UTF_8));
    Files.write(file.resolveSibling("latin1.yaml"), "apiVersion: hostpki/v1\rstore:\r  path: p\u00e9ki\r".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(loader.load(file).problems()).extracting(Problem::format)
        .containsExactly("/etc/hostpki/host.yaml:3:10: error: the control character U+0007 is not allowed in YAML text; remove it");
    assertThat(loader.load(file.resolveSibling("latin1.yaml")).problems()).extracting(p -> p.line() + ":" + p.column())
        .containsExactly("3:10");
  }

  // --- what a valid file gives

  @Test
  void testLoadString_minimalFileGivesTheDefaults() {
    DesiredState state = loader.loadString(file, MINIMAL).desiredState().orElseThrow();

    assertThat(state.source()).isEqualTo(file);
    assertThat(state.store().path()).isEqualTo(fs.getPath("/etc/hostpki/pki"));
    assertThat(state.store().password()).isEmpty();
    assertThat(state.store().pkcs12Profile()).isEqualTo(Pkcs12Profile.MODERN);
    assertThat(state.host()).isEqualTo(HostSpec.defaults());
    assertThat(state.ca()).isEqualTo(CaSpec.defaults());
    assertThat(state.server()).isEqualTo(ServerSpec.defaults());
    assertThat(state.trust()).isEqualTo(TrustSpec.defaults());
    assertThat(state.hooks()).isEqualTo(HooksSpec.none());
  }

  @Test
  void testLoadString_relativePathsResolveAgainstTheFilesFolder() throws IOException {
    // A '..' is taken away by name only after a real folder (KernelPaths): the file's folder
    // exists whenever the file was read.
    Files.createDirectories(file.getParent());
    String yaml =
        "apiVersion: hostpki/v1\n"
            + "store:\n  path: ../pki\n  password: {file: secrets/p12}\n"
            + "server:\n  issuer: external\n  external: {chain: incoming/chain.pem, roots: [corp-root.pem]}\n"
            + "trust:\n  certificates: [{name: ldap, file: /opt/ca/ldap.pem}]\n  directories: [trusted.d]\n";

    DesiredState state = loader.loadString(file, yaml).desiredState().orElseThrow();

    assertThat(state.server().external().orElseThrow().roots())
        .containsExactly(
            new ExternalSpec.Root(
                fs.getPath("/etc/hostpki/corp-root.pem"), new SourcePosition(file, 7, 49)));

    assertThat(state.store().path()).isEqualTo(fs.getPath("/etc/pki"));
    assertThat(state.store().password())
        .contains(new PasswordSource.File(fs.getPath("/etc/hostpki/secrets/p12")));
    assertThat(state.server().external().orElseThrow().chain())
        .isEqualTo(fs.getPath("/etc/hostpki/incoming/chain.pem"));
    assertThat(state.trust().certificates().get(0).content())
        .isEqualTo(new TrustedCertificateSource.Content.FromFile(fs.getPath("/opt/ca/ldap.pem")));
    assertThat(state.trust().directories()).containsExactly(fs.getPath("/etc/hostpki/trusted.d"));
  }

  /** server.external.roots is a list of files, like trust.crls: one file alone is an error at its line. */
  @Test
  void testLoadString_externalRootsGivenAsOneStringIsAnErrorAtItsLine() {
    String yaml =
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "server:\n  issuer: external\n  external:\n    chain: incoming/chain.pem\n    roots: corp-root.pem\n";

    assertThat(loader.loadString(file, yaml).problems())
        .extracting(Problem::format)
        .singleElement()
        .asString()
        .startsWith("/etc/hostpki/host.yaml:7:")
        .contains("server.external.roots");
  }

  @Test
  void testLoadString_everySectionIsRead() throws Exception {
    String yaml =
        "apiVersion: hostpki/v1\n"
            + "store: {path: pki, password: {env: P12_PASSWORD}, pkcs12Profile: legacy}\n"
            + "host:\n"
            + "  detect: false\n  hostname: Portal\n  domain: Example.com\n"
            + "  addresses: [192.0.2.10, \"2001:db8::10\"]\n  ignoreInterfaces: [docker0]\n"
            + "ca:\n"
            + "  subject: {commonName: Example CA, organization: Example Corp, country: US}\n"
            + "  key: {algorithm: RSA, size: 4096}\n"
            + "  validity: 1825d\n  renewBefore: PT4320H\n  rotation: {overlap: 7d}\n"
            + "  policy: {allowedDomains: [\"*.Example.com\"], allowedNetworks: [192.0.2.0/24], maxValidity: 90d,"
            + " maxSubjectAltNames: 20}\n"
            + "server:\n"
            + "  subject: {commonName: portal.example.com}\n"
            + "  dnsNames: [Portal.example.com, \"*.apps.example.com\"]\n  ipAddresses: [192.0.2.10]\n"
            + "  includeHostIdentity: false\n"
            + "  key: {algorithm: EC, curve: P-384, rotation: never}\n"
            + "  validity: 825d\n  renewBefore: 12h\n  clientAuth: true\n  allowLongValidity: true\n"
            + "trust:\n  prune: false\n  hashedDirectory: true\n"
            + "  certificates:\n    - name: bmc-01\n      pem: |\n"
            + "        -----BEGIN CERTIFICATE-----\n        MIIB\n        -----END CERTIFICATE-----\n"
            + "hooks:\n  afterServerChange: [[systemctl, reload, nginx], [/usr/local/bin/notify]]\n"
            + "  timeout: 90s\n"
            + "renewal:\n  jitter: 12.5%\n"
            + "  windows: [{days: [Sat, Sun], start: \"02:00\", end: \"05:00\", timeZone: Europe/Berlin}]\n"
            + "metrics: {textfile: /var/lib/node-exporter/hostpki.prom, trustCertificates: true}\n";

    LoadResult result = loader.loadString(file, yaml);

    assertThat(result.problems()).isEmpty();
    DesiredState state = result.desiredState().orElseThrow();
    assertThat(state.store().password()).contains(new PasswordSource.Env("P12_PASSWORD"));
    assertThat(state.store().pkcs12Profile()).isEqualTo(Pkcs12Profile.LEGACY);
    assertThat(state.host())
        .isEqualTo(
            new HostSpec(
                false,
                Optional.of("portal"),
                Optional.of("example.com"),
                Optional.of(List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10"))),
                List.of("docker0")));
    assertThat(state.ca().subject().orElseThrow().toString()).isEqualTo("CN=Example CA,O=Example Corp,C=US");
    assertThat(state.ca().key()).isEqualTo(new KeySpec.Rsa(4096));
    assertThat(state.ca().validity()).isEqualTo(Duration.ofDays(1825));
    assertThat(state.ca().renewBefore()).isEqualTo(RenewBefore.of(Duration.ofDays(180)));
    assertThat(state.ca().rotationOverlap()).contains(Duration.ofDays(7));
    assertThat(state.ca().policy().orElseThrow().allowedDomains()).containsExactly("*.example.com");
    assertThat(state.ca().policy().orElseThrow().allowedNetworks())
        .containsExactly(IpNetwork.parse("192.0.2.0/24").orElseThrow());
    assertThat(state.ca().policy().orElseThrow().maxValidity()).contains(Duration.ofDays(90));
    assertThat(state.ca().policy().orElseThrow().maxSubjectAltNames()).isEqualTo(20);
    ServerSpec server = state.server();
    assertThat(server.issuer()).isEqualTo(ServerSpec.Issuer.INTERNAL);
    assertThat(server.subject()).isEqualTo(Subject.commonName("portal.example.com"));
    assertThat(server.dnsNames()).containsExactly("portal.example.com", "*.apps.example.com");
    assertThat(server.ipAddresses()).containsExactly(InetAddress.getByName("192.0.2.10"));
    assertThat(server.includeHostIdentity()).isFalse();
    assertThat(server.key()).isEqualTo(new KeySpec.Ec(KeySpec.Curve.P384));
    assertThat(server.keyRotation()).isEqualTo(KeyRotation.NEVER);
    assertThat(server.validity()).isEqualTo(Duration.ofDays(825));
    assertThat(server.renewBefore()).isEqualTo(RenewBefore.of(Duration.ofHours(12)));
    assertThat(server.clientAuth()).isTrue();
    assertThat(server.allowLongValidity()).isTrue();
    assertThat(state.trust().prune()).isFalse();
    assertThat(state.trust().hashedDirectory()).isTrue();
    assertThat(state.trust().certificates())
        .containsExactly(
            new TrustedCertificateSource(
                "bmc-01",
                new TrustedCertificateSource.Content.Inline(
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
                new SourcePosition(file, 30, 7)));
    assertThat(state.hooks().afterServerChange())
        .containsExactly(List.of("systemctl", "reload", "nginx"), List.of("/usr/local/bin/notify"));
    assertThat(state.hooks().timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(state.renewal())
        .isEqualTo(
            new RenewalSpec(
                new Percentage(1250),
                List.of(
                    new MaintenanceWindow(
                        EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                        LocalTime.of(2, 0),
                        LocalTime.of(5, 0),
                        ZoneId.of("Europe/Berlin")))));
    assertThat(state.metrics())
        .isEqualTo(new MetricsSpec(Optional.of(fs.getPath("/var/lib/node-exporter/hostpki.prom")), true));
  }

  @Test
  void testLoadString_renewBeforeIsAShareOfTheLifetimeOrADuration() {
    DesiredState state =
        loader.loadString(file, MINIMAL + "ca: {renewBefore: 20%}\nserver: {renewBefore: 12.5%}\n")
            .desiredState()
            .orElseThrow();

    assertThat(state.ca().renewBefore()).isEqualTo(RenewBefore.of(Percentage.of(20)));
    assertThat(state.server().renewBefore()).isEqualTo(RenewBefore.of(new Percentage(1250)));
  }

  @Test
  void testLoadString_theDefaultsRenewTheServerAtAThirdAndTheCaAt90Days() {
    DesiredState state = loader.loadString(file, MINIMAL).desiredState().orElseThrow();

    assertThat(state.server().renewBefore()).isEqualTo(RenewBefore.of(Percentage.of(33)));
    assertThat(state.ca().renewBefore()).isEqualTo(RenewBefore.of(Duration.ofDays(90)));
    assertThat(state.renewal()).isEqualTo(RenewalSpec.defaults());
    assertThat(state.renewal().jitter()).isEqualTo(Percentage.of(10));
    assertThat(state.metrics()).isEqualTo(MetricsSpec.none());
  }

  @Test
  void testLoadString_aWindowWithoutDaysIsEveryDayAndWithoutZoneIsUtc() {
    DesiredState state =
        loader.loadString(file, MINIMAL + "renewal:\n  windows: [{start: \"22:00\", end: \"24:00\"}]\n")
            .desiredState()
            .orElseThrow();

    assertThat(state.renewal().windows())
        .containsExactly(MaintenanceWindow.daily(LocalTime.of(22, 0), LocalTime.MIDNIGHT, ZoneId.of("UTC")));
    assertThat(state.renewal().windows().get(0)).hasToString("daily 22:00–24:00 UTC");
  }

  @Test
  void testLoadString_aWindowFromMidnightTo2400IsTheWholeDay() {
    // was refused: "end (00:00) is the same as its start, so the window would be empty"
    String yaml = MINIMAL + "renewal:\n  windows: [{days: [Sat, Sun], start: \"00:00\", end: \"24:00\"}]\n";

    assertThat(loader.loadString(file, yaml).desiredState().orElseThrow().renewal().windows())
        .singleElement()
        .hasToString("Sat, Sun 00:00–24:00 UTC");
  }

  @Test
  void testLoadString_aTextfileOutsideNodeExportersNamingIsAWarning() {
    LoadResult result = loader.loadString(file, MINIMAL + "metrics: {textfile: /var/lib/node-exporter/hostpki.txt}\n");

    assertThat(result.hasErrors()).isFalse();
    assertThat(formatted(result))
        .containsExactly(
            "host.yaml:4:21: warning: metrics.textfile '/var/lib/node-exporter/hostpki.txt' does not"
                + " end in .prom, so node_exporter's textfile collector will not read it");
  }

  @Test
  void testLoadString_aTextfileNamedDashIsAnErrorNotStandardOutput() {
    LoadResult result = loader.loadString(file, MINIMAL + "metrics: {textfile: \"-\"}\n");

    assertThat(result.hasErrors()).isTrue();
    assertThat(formatted(result))
        .containsExactly(
            "host.yaml:4:21: error: metrics.textfile '-' would be a file named '-' in this file's folder;"
                + " give the metrics file's path, e.g. /var/lib/prometheus/node-exporter/hostpki.prom");
  }

  @Test
  void testLoadString_onExpiringRunsAtItsThresholdsOrWhenTheRenewalFallsDue() {
    DesiredState given =
        loader.loadString(file, MINIMAL + "hooks:\n  onExpiring: [[notify-ops, expiring]]\n"
                + "  onExpiringWithin: [14d, 10%, margin, due, 14d]\n")
            .desiredState()
            .orElseThrow();
    DesiredState defaulted =
        loader.loadString(file, MINIMAL + "hooks: {onExpiring: [[notify-ops]]}\n").desiredState().orElseThrow();

    assertThat(given.hooks().onExpiring()).containsExactly(List.of("notify-ops", "expiring"));
    assertThat(given.hooks().onExpiringWithin())
        .containsExactly(
            ExpiryThreshold.of(RenewBefore.of(Duration.ofDays(14))),
            ExpiryThreshold.of(RenewBefore.of(Percentage.of(10))),
            ExpiryThreshold.SAFETY_MARGIN,
            ExpiryThreshold.DUE);
    assertThat(defaulted.hooks().onExpiringWithin()).containsExactly(ExpiryThreshold.DUE);
    assertThat(defaulted.declaresPrograms()).as("onExpiring runs programs too").isTrue();
  }

  @Test
  void testLoadString_onExpiringWithinWithoutOnExpiringIsAWarning() {
    LoadResult result = loader.loadString(file, MINIMAL + "hooks:\n  onExpiringWithin: [7d]\n");

    assertThat(result.hasErrors()).isFalse();
    assertThat(formatted(result))
        .containsExactly(
            "host.yaml:5:21: warning: hooks.onExpiringWithin has no effect without hooks.onExpiring,"
                + " the commands to run");
  }

  @Test
  void testLoadString_hooksTimeoutDefaultsToFiveMinutes() {
    DesiredState state =
        loader.loadString(file, MINIMAL + "hooks: {afterServerChange: [[\"true\"]]}\n").desiredState()
            .orElseThrow();

    assertThat(state.hooks().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(state.declaresPrograms()).isTrue();
    assertThat(loader.loadString(file, MINIMAL).desiredState().orElseThrow().declaresPrograms()).isFalse();
  }

  @Test
  void testLoadString_hooksTimeoutMustBeADuration() {
    LoadResult result = loader.loadString(file, MINIMAL + "hooks: {timeout: soon}\n");

    assertThat(result.problems()).extracting(Problem::format).singleElement().asString()
        .contains("hooks.timeout", "soon");
  }

  /**
   * A program named by a relative path resolves against the file's folder, as every relative
   * path in it does; under systemd the working directory is /. A bare name stays for PATH.
   */
  @Test
  void testLoadString_relativeHookProgramsResolveAgainstTheFilesFolder() throws IOException {
    Files.createDirectories(file.getParent());
    DesiredState state =
        loader
            .loadString(file, MINIMAL + "hooks:\n  afterServerChange:\n"
                + "    - [./reload.sh, ./not-an-argument]\n    - [bin/notify]\n    - [../shared/x]\n"
                + "    - [systemctl, try-reload-or-restart, nginx]\n    - [/usr/bin/true]\n")
            .desiredState()
            .orElseThrow();

    assertThat(state.hooks().afterServerChange())
        .containsExactly(
            List.of("/etc/hostpki/reload.sh", "./not-an-argument"),
            List.of("/etc/hostpki/bin/notify"),
            List.of("/etc/shared/x"),
            List.of("systemctl", "try-reload-or-restart", "nginx"),
            List.of("/usr/bin/true"));
  }

  @Test
  void testLoadString_fleetCaSettingsAreRead() throws Exception {
    String yaml =
        MINIMAL
            + "ca:\n"
            + "  policy: {allowedDomains: [\"*.corp.example\"], allowedExtendedKeyUsages: [clientAuth]}\n"
            + "  crl: {validity: 30d, url: \"http://pki.corp.example/fleet.crl\"}\n"
            + "  nameConstraints:\n"
            + "    permitted: {dnsDomains: [Corp.Example], ipRanges: [192.0.2.0/24]}\n"
            + "    excluded: {dnsDomains: [lab.corp.example], ipRanges: [\"::/0\"]}\n"
            + "trust:\n  crls: [fleet-ca.crl, /etc/hostpki/crls.d]\n";

    LoadResult result = loader.loadString(file, yaml);

    DesiredState state = result.desiredState().orElseThrow();
    assertThat(state.ca().policy().orElseThrow().allowedExtendedKeyUsages()).containsExactly(KeyPurpose.CLIENT_AUTH);
    assertThat(state.ca().crl())
        .contains(new CrlSpec(Duration.ofDays(30), Optional.of(new org.hostpki.model.CrlUrl("http://pki.corp.example/fleet.crl"))));
    assertThat(state.ca().nameConstraints())
        .contains(
            new NameConstraints(
                List.of("corp.example"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()),
                List.of("lab.corp.example"), List.of(IpNetwork.parse("::/0").orElseThrow())));
    assertThat(state.trust().crls())
        .extracting(CrlSource::path)
        .containsExactly(fs.getPath("/etc/hostpki/fleet-ca.crl"), fs.getPath("/etc/hostpki/crls.d"));
    assertThat(state.trust().crls().get(1).origin().toString()).isEqualTo(file + ":11:24");
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void testLoadString_fleetCaDefaults() {
    DesiredState state =
        loader.loadString(file, MINIMAL + "ca:\n  policy: {allowedDomains: [\"*.corp.example\", web1]}\n")
            .desiredState()
            .orElseThrow();

    assertThat(state.ca().policy().orElseThrow().allowedExtendedKeyUsages())
        .containsExactly(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH);
    assertThat(state.ca().crl()).isEmpty();
    assertThat(state.ca().crlOrDefaults()).isEqualTo(new CrlSpec(Duration.ofDays(7), Optional.empty()));
    assertThat(state.ca().nameConstraints()).as("not declared").isEmpty();
    assertThat(state.ca().nameConstraintsForNewCa())
        .as("derived from ca.policy for a CA made from now on")
        .contains(
            new NameConstraints(
                List.of("corp.example", "web1"), List.of(), List.of(),
                List.of(IpNetwork.parse("0.0.0.0/0").orElseThrow(), IpNetwork.parse("::/0").orElseThrow())));
    assertThat(state.trust().crls()).isEmpty();
  }

  @Test
  void testLoadString_nameConstraintsFalseMeansNoneAndIsNoObstacle() {
    LoadResult result =
        loader.loadString(
            file, MINIMAL + "ca:\n  policy: {allowedDomains: [\"*.corp.example\"]}\n  nameConstraints: false\n");

    assertThat(result.problems()).isEmpty();
    CaSpec ca = result.desiredState().orElseThrow().ca();
    assertThat(ca.nameConstraints()).contains(NameConstraints.NONE);
    assertThat(ca.nameConstraintsForNewCa()).isEmpty();
  }

  @Test
  void testLoadString_anEmptyUsageListWarnsThatNothingIsSigned() {
    LoadResult result =
        loader.loadString(
            file, MINIMAL + "ca:\n  policy: {allowedDomains: [\"*.corp.example\"], allowedExtendedKeyUsages: []}\n");

    assertThat(result.desiredState().orElseThrow().ca().policy().orElseThrow().allowedExtendedKeyUsages()).isEmpty();
    assertThat(result.problems())
        .extracting(Problem::message)
        .containsExactly(
            "ca.policy.allowedExtendedKeyUsages is empty: hostpki sign refuses every request (a certificate"
                + " needs serverAuth or clientAuth)");
  }

  @Test
  void testLoadString_acmeIssuerReadsEverySetting() {
    String yaml =
        MINIMAL
            + "server:\n  issuer: acme\n  dnsNames: [portal.example.com, \"*.example.com\"]\n  acme:\n"
            + "    directory: https://acme.example.com/dir\n"
            + "    caBundle: acme-ca.pem\n"
            + "    contact: [mailto:ops@example.com]\n"
            + "    termsOfServiceAgreed: true\n"
            + "    externalAccountBinding: {keyId: kid-1, hmacKey: {file: eab.key}}\n"
            + "    profile: shortlived\n"
            + "    challenge: dns-01\n"
            + "    dns01: {hook: [/usr/local/bin/dns-txt, --zone, example.com], timeout: 30s}\n"
            + "    includeAddresses: false\n" // true only with http-01 or tls-alpn-01 (RFC 8738)
            + "    identifiers: all\n"
            + "    preferredChain: ISRG Root X1\n"
            + "    timeout: 10m\n";

    ServerSpec server = loader.loadString(file, yaml).desiredState().orElseThrow().server();

    assertThat(server.issuer()).isEqualTo(ServerSpec.Issuer.ACME);
    assertThat(server.acme())
        .contains(
            new AcmeSpec(
                java.net.URI.create("https://acme.example.com/dir"),
                Optional.of(fs.getPath("/etc/hostpki/acme-ca.pem")),
                List.of(java.net.URI.create("mailto:ops@example.com")),
                true,
                Optional.of(
                    new AcmeSpec.ExternalAccountBinding(
                        "kid-1", new PasswordSource.File(fs.getPath("/etc/hostpki/eab.key")))),
                Optional.of("shortlived"),
                new AcmeChallenge.Dns01Hook(
                    List.of("/usr/local/bin/dns-txt", "--zone", "example.com"), Duration.ofSeconds(30)),
                false,
                AcmeSpec.IdentifierScope.ALL,
                Optional.of("ISRG Root X1"),
                Duration.ofMinutes(10), org.hostpki.model.ExternalSpec.Fallback.NONE));
    assertThat(server.external()).isEmpty();
  }

  /**
   * The ACME dns-01 hook is a program the file makes hostpki run, like the other hooks: it counts
   * for the file's strict-modes check, and a relative program resolves against the file's folder.
   * The external account binding's HMAC key is a secret no program started may see.
   */
  @Test
  void testLoadString_acmeDns01HookIsAProgramAndTheEabKeyASecret() {
    String yaml =
        MINIMAL
            + "server:\n  issuer: acme\n  acme:\n    directory: https://acme.example.com/dir\n"
            + "    externalAccountBinding: {keyId: kid-1, hmacKey: {env: EAB_HMAC}}\n"
            + "    challenge: dns-01\n    dns01: {hook: [./dns-txt.sh, --zone, example.com]}\n";

    DesiredState state = loader.loadString(file, yaml).desiredState().orElseThrow();

    assertThat(state.declaresPrograms()).isTrue();
    assertThat(state.programs()).containsExactly(List.of("/etc/hostpki/dns-txt.sh", "--zone", "example.com"));
    assertThat(state.secretVariables()).containsExactly("EAB_HMAC");
  }

  @Test
  void testLoadString_everyEnvSecretIsASecretVariable() {
    String yaml =
        "apiVersion: hostpki/v1\nstore: {path: pki, password: {env: P12_PW}}\n"
            + "trust:\n  install: {java: [jre/cacerts], javaPassword: {env: CACERTS_PW}}\n";

    DesiredState state = loader.loadString(file, yaml).desiredState().orElseThrow();

    assertThat(state.secretVariables()).containsExactly("P12_PW", "CACERTS_PW");
  }

  @Test
  void testLoadString_acmeDefaultsToHttp01OnPort80AndPublicIdentifiers() {
    String yaml = MINIMAL + "server:\n  issuer: acme\n  acme: {directory: \"https://acme.example.com/dir\"}\n";

    AcmeSpec acme = loader.loadString(file, yaml).desiredState().orElseThrow().server().acme().orElseThrow();

    assertThat(acme.challenge()).isEqualTo(new AcmeChallenge.Http01Listener(ListenAddress.anyAddress(80)));
    assertThat(acme.identifiers()).isEqualTo(AcmeSpec.IdentifierScope.PUBLIC);
    assertThat(acme.includeAddresses()).isFalse();
    assertThat(acme.termsOfServiceAgreed()).isFalse();
    assertThat(acme.timeout()).isEqualTo(AcmeSpec.DEFAULT_TIMEOUT);
  }

  @Test
  void testLoadString_acmeDirectorySchemeInCapitalsIsHttps() {
    // a scheme is case-insensitive; the binder passed it and AcmeSpec threw (an internal error)
    String yaml = MINIMAL + "server:\n  issuer: acme\n  acme: {directory: \"HTTPS://acme.example.com:8443/dir\"}\n";

    AcmeSpec acme = loader.loadString(file, yaml).desiredState().orElseThrow().server().acme().orElseThrow();

    assertThat(acme.directory().toString()).isEqualTo("https://acme.example.com:8443/dir");
  }

  @Test
  void testLoadString_acmeListenersAndWebroot() {
    String base = MINIMAL + "server:\n  issuer: acme\n  acme:\n    directory: https://acme.example.com/dir\n";

    assertThat(acmeChallenge(base + "    tlsAlpn01: {listen: \"[::1]:8443\"}\n    challenge: tls-alpn-01\n"))
        .isEqualTo(new AcmeChallenge.TlsAlpn01Listener(ListenAddress.parse("[::1]:8443").orElseThrow()));
    assertThat(acmeChallenge(base + "    challenge: tls-alpn-01\n"))
        .isEqualTo(new AcmeChallenge.TlsAlpn01Listener(ListenAddress.anyAddress(443)));
    assertThat(acmeChallenge(base + "    http01: {webroot: www}\n"))
        .isEqualTo(new AcmeChallenge.Http01Webroot(fs.getPath("/etc/hostpki/www")));
    assertThat(acmeChallenge(base + "    http01: {listen: \"127.0.0.1:5002\"}\n"))
        .isEqualTo(new AcmeChallenge.Http01Listener(ListenAddress.parse("127.0.0.1:5002").orElseThrow()));
  }

  private AcmeChallenge acmeChallenge(String yaml) {
    LoadResult result = loader.loadString(file, yaml);
    assertThat(result.problems()).isEmpty();
    return result.desiredState().orElseThrow().server().acme().orElseThrow().challenge();
  }

  @Test
  void testLoadString_externalIssuerReadsTheChainAndFallback() {
    String yaml =
        MINIMAL + "server:\n  issuer: external\n  external: {chain: chain.pem, fallback: internal}\n";

    ServerSpec server = loader.loadString(file, yaml).desiredState().orElseThrow().server();

    assertThat(server.issuer()).isEqualTo(ServerSpec.Issuer.EXTERNAL);
    assertThat(server.external())
        .contains(new ExternalSpec(fs.getPath("/etc/hostpki/chain.pem"), ExternalSpec.Fallback.INTERNAL));
  }

  @Test
  void testLoadString_rsaWithoutSizeIs3072Bits() {
    String yaml = MINIMAL + "ca:\n  key: {algorithm: RSA}\n";

    assertThat(loader.loadString(file, yaml).desiredState().orElseThrow().ca().key())
        .isEqualTo(new KeySpec.Rsa(3072));
  }

  @Test
  void testLoadString_yaml12KeepsNorwayACountry() {
    String yaml = MINIMAL + "ca:\n  subject: {commonName: Oslo CA, country: NO, organization: yes}\n";

    Subject subject = loader.loadString(file, yaml).desiredState().orElseThrow().ca().subject().orElseThrow();

    assertThat(subject.country()).contains("NO");
    assertThat(subject.organization()).contains("yes");
  }

  @Test
  void testLoadString_jsonIsYamlToo() {
    String json = "{\"apiVersion\": \"hostpki/v1\", \"store\": {\"path\": \"pki\"}}";

    assertThat(loader.loadString(file, json).desiredState()).isPresent();
  }

  @Test
  void testLoadString_warningsKeepTheDesiredState() {
    String yaml = MINIMAL + "server:\n  key: {algorithm: Ed25519}\n";

    LoadResult result = loader.loadString(file, yaml);

    assertThat(result.hasErrors()).isFalse();
    assertThat(result.warningCount()).isEqualTo(1);
    assertThat(result.desiredState()).isPresent();
  }

  @Test
  void testLoadString_oneLoaderChecksManyFiles() {
    assertThat(loader.loadString(file, "apiVersion: x\n").hasErrors()).isTrue();
    assertThat(loader.loadString(file, MINIMAL).hasErrors()).isFalse();
  }

  // --- helpers

  private static Stream<Path> corpus(String folder) throws IOException {
    Path dir = resource("/config/" + folder);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  private static List<String> formatted(LoadResult result) {
    Path name = result.file().getFileName();
    return result.problems().stream().map(p -> p.withFile(name).format()).toList();
  }

  private static List<String> expected(Path yaml) throws IOException {
    Path expected = yaml.resolveSibling(yaml.getFileName().toString().replaceAll("\\.yaml$", ".expected"));
    return Files.readAllLines(expected, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
  }

  private static Path resource(String name) {
    try {
      return Path.of(DesiredStateLoaderTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path projectDir() {
    return Path.of(System.getProperty("hostpki.projectDir", "."));
  }
}
