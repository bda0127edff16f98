package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's files on a real root folder: bytes a person may have typed into them, and things
 * that are not files at all. Found: one Latin-1 byte in /etc/resolv.conf stopped every plan, apply
 * and watch with "(Input length = 1)".
 */
class HostFilesOnDiskTest {
  private static final Duration BLOCKED = Duration.ofSeconds(10);

  @TempDir Path root;

  @BeforeEach
  void aHostNamedPortal() throws IOException {
    write("proc/sys/kernel/hostname", bytes("portal\n"));
  }

  @Test
  void testResolvConf_latin1CommentIsIgnored() throws IOException {
    write("etc/resolv.conf", latin1("# B\u00fcro M\u00fcnchen, ge\u00e4ndert\nsearch office.example\nnameserver 192.0.2.53\n"));

    assertThat(identify().domain()).contains("office.example");
  }

  @Test
  void testResolvConf_latin1DomainIsNoDomainAndNoError() throws IOException {
    write("etc/resolv.conf", latin1("search b\u00fcro.example\n"));

    assertThat(identify().domain()).isEmpty();
  }

  @Test
  void testResolvConf_fifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = root.resolve("etc/resolv.conf");
    Files.createDirectories(fifo.getParent());
    run("mkfifo", fifo.toString());

    assertTimeoutPreemptively(
        BLOCKED,
        () ->
            assertThatThrownBy(this::identify)
                .isInstanceOf(HostpkiException.class)
                .hasMessage(
                    "could not detect the host's domain: cannot read " + fifo + " (it is a FIFO (named"
                        + " pipe), not a regular file); set host.domain in the desired state to give it instead"));
  }

  @Test
  void testResolvConf_linkToAnEndlessDeviceIsRefused() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/resolv.conf"), Path.of("/dev/zero"));

    assertThatThrownBy(this::identify).hasMessageContaining("it is a character device, not a regular file");
  }

  @Test
  void testHostname_latin1ByteIsNoDnsNameAndIsShownEscaped() throws IOException {
    write("proc/sys/kernel/hostname", new byte[] {'p', 'o', (byte) 0x85, 'r', 't', '\n'});

    assertThatThrownBy(this::identify)
        .hasMessageContaining("the kernel host name 'po\\x85rt'")
        .hasMessageContaining("is not a valid DNS name");
  }

  @Test
  void testIfInet6_lineWithAForeignByteIsSkippedTheOthersRead() throws IOException {
    Path file = root.resolve("proc/net/if_inet6");
    write("proc/net/if_inet6", latin1(
        "20010db80000000044d35f0e1a2b3c4d 02 40 00 80     eth0\n"
            + "20010db8\u00e9000000099887766554433aa 02 40 00 80     eth0\n"));

    assertThat(Ipv6LeftOutAddresses.kept(file).orElseThrow().get("eth0"))
        .containsExactly(InetAddress.getByName("2001:db8::44d3:5f0e:1a2b:3c4d"));
  }

  private HostIdentity identify() {
    return new LiveHostIdentityProbe(root, List::of, name -> Optional.empty(), Duration.ofMillis(200))
        .identify(HostSpec.defaults());
  }

  private void write(String relative, byte[] content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
