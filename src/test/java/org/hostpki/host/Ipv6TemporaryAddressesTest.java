package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Ipv6TemporaryAddressesTest {
  // The shape of a real /proc/net/if_inet6: address, ifindex, prefix length, scope, flags, name.
  private static final String IF_INET6 =
      String.join(
          "\n",
          "00000000000000000000000000000001 01 80 10 80       lo",
          "20010db8000000000000000000000010 02 40 00 80     eth0",
          "20010db80000000044d35f0e1a2b3c4d 02 40 00 01     eth0",
          "20010db80000000099887766554433aa 02 40 00 21     eth0",
          "fe80000000000000021122fffe334455 02 40 20 80     eth0",
          "");

  @Test
  void testParse_addressesFlaggedTemporary() {
    assertThat(Ipv6TemporaryAddresses.parse(IF_INET6))
        .containsExactlyInAnyOrder(
            "20010db80000000044d35f0e1a2b3c4d", "20010db80000000099887766554433aa");
  }

  @Test
  void testParse_linesOfAnotherShapeAreIgnored() {
    assertThat(Ipv6TemporaryAddresses.parse("garbage\n2001 02 40 00 01 eth0\n")).isEmpty();
  }

  @Test
  void testRead_fileUnderTheRoot() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/proc/net/if_inet6");
      Files.createDirectories(file.getParent());
      Files.writeString(file, IF_INET6);

      assertThat(Ipv6TemporaryAddresses.read(file)).hasSize(2);
    }
  }

  @Test
  void testRead_missingFileMeansNone() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      assertThat(Ipv6TemporaryAddresses.read(fs.getPath("/proc/net/if_inet6"))).isEmpty();
    }
  }
}
