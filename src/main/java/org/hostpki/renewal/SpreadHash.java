package org.hostpki.renewal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a certificate falls in a spread: three independent numbers in [0, 1) from SHA-256 of its
 * serial number and the host's name. Neither a random generator nor the clock: the same
 * certificate on the same host gives the same numbers in every run and every JVM, and different
 * serials or hosts give numbers spread evenly.
 *
 * <p>The host's name is part of it because serial numbers need not differ between hosts (two CAs
 * may both count from 1), and its addresses are not, because they may come and go with DHCP.
 */
final class SpreadHash {
  private static final byte[] DOMAIN = "hostpki renewal spread v1\0".getBytes(StandardCharsets.US_ASCII);

  private final ByteBuffer digest;

  private SpreadHash(byte[] digest) {
    this.digest = ByteBuffer.wrap(digest);
  }

  static SpreadHash of(BigInteger serial, String host) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(DOMAIN);
      sha256.update(serial.toString(16).getBytes(StandardCharsets.US_ASCII));
      sha256.update((byte) 0);
      sha256.update(host.getBytes(StandardCharsets.UTF_8));
      return new SpreadHash(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** How much of the allowed jitter this certificate takes. */
  double jitter() {
    return unit(0);
  }

  /** Where in a window's first half this certificate's renewal starts. */
  double inWindow() {
    return unit(8);
  }

  /** Which hour of the day an overdue renewal catches up in. */
  double catchUp() {
    return unit(16);
  }

  /** The 8 bytes at {@code offset} as a number in [0, 1), with the 53 bits a double holds. */
  private double unit(int offset) {
    return (digest.getLong(offset) >>> 11) * 0x1.0p-53;
  }
}
