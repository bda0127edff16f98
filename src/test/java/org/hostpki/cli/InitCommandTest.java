package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
  @TempDir Path dir;

  private static HostIdentityProbe host(String name, String domain) throws Exception {
    return HostIdentityProbe.fixed(
        new HostIdentity(name, Optional.ofNullable(domain),
            List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10"))));
  }

  private CliResult hostpki(HostIdentityProbe probe, Map<String, String> env, String... args) {
    return Cli.in(dir).clock(Clock.systemUTC()).env(env).probe(probe).run(args);
  }

  @Test
  void testInit_writesACommentedFileThatValidatesAndApplies() throws Exception {
    HostIdentityProbe portal = host("portal", "example.com");

    CliResult init = hostpki(portal, Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.err())
        .startsWith("Wrote " + dir.resolve("host.yaml") + ": a desired state for portal.example.com (192.0.2.10, 2001:db8::10).\n");
    String text = Files.readString(dir.resolve("host.yaml"));
    assertThat(text)
        .startsWith("# yaml-language-server: $schema=" + Path.of("schema/hostpki-v1.schema.json").toAbsolutePath() + "\n")
        .contains("#   host name portal\n", "#   domain    example.com\n", "#   addresses 192.0.2.10, 2001:db8::10\n")
        .contains("  path: pki ");
    assertThat(Path.of("schema/hostpki-v1.schema.json")).as("the checkout's schema").isRegularFile();

    CliResult validate = hostpki(portal, Map.of(), "validate", "host.yaml");
    assertThat(validate.err()).isEqualTo("1 file checked: valid, 0 warnings\n");
    CliResult apply = hostpki(portal, Map.of(), "apply", "host.yaml");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(hostpki(portal, Map.of(), "status", "host.yaml").out())
        .contains("SANs portal.example.com, portal, 192.0.2.10, 2001:db8::10");
    assertThat(hostpki(portal, Map.of(), "plan", "host.yaml").out()).startsWith("No changes");
  }

  @Test
  void testInit_neverReplacesAFile() throws Exception {
    Files.writeString(dir.resolve("host.yaml"), "mine\n");

    CliResult init = hostpki(host("portal", null), Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(init.err()).startsWith("error: cannot write " + dir.resolve("host.yaml") + ": it exists, and it is not replaced;");
    assertThat(Files.readString(dir.resolve("host.yaml"))).isEqualTo("mine\n");
  }

  /** As a user other than root on a fresh host: "cannot create /etc/hostpki: permission denied", no way on. */
  @Test
  void testInit_aFolderItCannotCreateNamesTheWayOn() throws Exception {
    Files.writeString(dir.resolve("etc"), "a file where the folder would be\n");

    CliResult init = hostpki(host("portal", null), Map.of("HOSTPKI_CONFIG", "etc/hostpki/host.yaml"), "init");

    assertThat(init.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(init.err()).startsWith("error: cannot create " + dir.resolve("etc/hostpki") + ": ")
        .endsWith("; create it (as root for /etc), or write the file elsewhere with -o FILE\n")
        .hasLineCount(1);
  }

  /**
   * {@code hostpki init} on a fresh host makes /etc/hostpki 0755, whatever the umask: under root's
   * umask 002 it was 0775 (tdocs16's trial), unlike the guide's {@code install -d -m 0755}.
   */
  @Test
  void testInit_makesTheFolder0755UnderUmask002() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessResult run = Command.of("sh", "-c", "umask 002 && exec \"$0\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \"$1\" "
            + Main.class.getName() + " init", java, System.getProperty("java.class.path"))
        .in(dir).env("HOSTPKI_CONFIG", "etc/hostpki/host.yaml").timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (String folder : List.of("etc", "etc/hostpki")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(folder))))
          .as(folder).isEqualTo("rwxr-xr-x");
    }
  }

  /**
   * A user who can write a folder on HOSTPKI_CONFIG's path swaps the folder init just made for a
   * link to a file: init as root chmodded the file 0755 through it (rvsec16: /etc/shadow became
   * world-readable). The link is never followed: the file keeps its mode, and init says why it
   * stopped.
   */
  @Test
  void testInit_aFolderSwappedForALinkIsNeverFollowed() throws Exception {
    Path secret = Files.writeString(dir.resolve("target.txt"), "secret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path made = dir.resolve("att/new");

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> InitCommand.makeFolders(made, folder -> {
      if (folder.equals(made)) {
        try {
          Files.move(made, dir.resolve("att/old"));
          Files.createSymbolicLink(made, secret);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }));

    assertThat(thrown).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining(made + " was replaced while hostpki made it");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("att"))))
        .as("the folder above, made and held open").isEqualTo("rwxr-xr-x");
  }

  @Test
  void testInit_refusesALinkEvenOneThatDangles() throws Exception {
    Files.createSymbolicLink(dir.resolve("host.yaml"), dir.resolve("elsewhere.yaml"));

    CliResult init = hostpki(host("portal", null), Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(dir.resolve("elsewhere.yaml")).doesNotExist();
  }

  @Test
  void testInit_toStandardOutput_andToHostpkiConfig() throws Exception {
    HostIdentityProbe portal = host("portal", "example.com");

    CliResult printed = hostpki(portal, Map.of(), "init", "-o", "-");
    assertThat(printed.exitCode()).isZero();
    assertThat(printed.out()).contains("apiVersion: hostpki/v1\n", "  path: /var/lib/hostpki/pki ");

    CliResult configured = hostpki(portal, Map.of("HOSTPKI_CONFIG", "conf.yaml"), "init");
    assertThat(configured.exitCode()).as(configured.toString()).isZero();
    assertThat(configured.err()).endsWith("Next: edit it, then 'hostpki validate' and 'hostpki plan'.\n");
    assertThat(Files.readString(dir.resolve("conf.yaml"))).contains("  path: pki ");
    assertThat(hostpki(portal, Map.of("HOSTPKI_CONFIG", "conf.yaml"), "validate").exitCode()).isZero();
  }

  @Test
  void testInit_aKernelHostNameItCannotUseStillWritesTheFileThatAsksForHostHostname() throws Exception {
    // The message LiveHostIdentityProbe gives for a kernel host name such as web_01, which is no
    // DNS name: it says to set host.hostname in the desired state, the file init is to write.
    HostIdentityProbe reserved = spec -> {
      throw new HostpkiException("could not detect the host name: the kernel host name 'web_01' is not a valid"
          + " DNS name; set host.hostname in the desired state to give it instead");
    };

    CliResult init = hostpki(reserved, Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.err()).startsWith("warning: could not detect the host name: the kernel host name 'web_01'")
        .contains("Wrote " + dir.resolve("host.yaml") + ": a desired state for this host (set host.hostname in it).");
    String text = Files.readString(dir.resolve("host.yaml"));
    assertThat(text).contains("#   host name (not detected: could not detect the host name: the kernel host name 'web_01'")
        .contains("  detect: true\n  # hostname: NAME ").doesNotContain("localhost");
    Files.writeString(dir.resolve("host.yaml"), text.replace("  # hostname: NAME ", "  hostname: web-01 #"));
    assertThat(hostpki(reserved, Map.of(), "validate", "host.yaml").err()).isEqualTo("1 file checked: valid, 0 warnings\n");
  }

  @Test
  void testInit_moreAddressesThanACertificateCarriesAsksForHostAddressesNotHostHostname() throws Exception {
    List<InetAddress> many = new java.util.ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      many.add(InetAddress.getByAddress(new byte[] {10, 9, (byte) (i >> 8), (byte) i}));
    }
    HostIdentityProbe crowded = HostIdentityProbe.fixed(new HostIdentity("web01", Optional.of("example.com"), many));

    CliResult init = hostpki(crowded, Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.err()).startsWith("warning: the host has 1001 addresses on interfaces that are up")
        .contains(": a desired state for web01.example.com").contains("(set host.addresses or host.ignoreInterfaces in it).")
        .doesNotContain("host.hostname in it");
    String text = Files.readString(dir.resolve("host.yaml"));
    assertThat(text).contains("#   host name web01\n", "#   addresses (not detected: the host has 1001 addresses")
        .contains("  detect: true\n  # addresses: [ADDRESS] ").doesNotContain("hostname: NAME", "not detected: could not");
    Files.writeString(dir.resolve("host.yaml"), text.replace("  # addresses: [ADDRESS] ", "  addresses: [192.0.2.10] #"));
    assertThat(hostpki(crowded, Map.of(), "validate", "host.yaml").err()).isEqualTo("1 file checked: valid, 0 warnings\n");
  }

  @Test
  void testInit_aHostileHostNameStaysInComments() throws Exception {
    HostIdentityProbe hostile = host("evil\nstore: {path: /etc}\u001b[2K", "x: y # z");

    CliResult init = hostpki(hostile, Map.of(), "init", "-o", "host.yaml");

    assertThat(init.exitCode()).as(init.toString()).isZero();
    String text = Files.readString(dir.resolve("host.yaml"));
    assertThat(text).doesNotContain("\u001b").contains("#   host name evil\\nstore: {path: /etc}\\x1b[2k\n"); // host names are lowercase
    assertThat(text.lines().filter(l -> l.contains("/etc}"))).allMatch(l -> l.strip().startsWith("#"));
    assertThat(init.err()).doesNotContain("\u001b");
    assertThat(hostpki(hostile, Map.of(), "validate", "host.yaml").exitCode()).isZero();
  }
}
