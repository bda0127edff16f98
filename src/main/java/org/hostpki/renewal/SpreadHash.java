package org.hostpki.renewal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.hostpki.model.Fingerprint;

/**
 * Where a certificate falls in a spread: three independent numbers in [0, 1) from SHA-256 of its
 * fingerprint. Neither a random generator nor the clock: the same certificate gives the same
 * numbers in every run and every JVM, and different certificates give numbers spread evenly.
 *
 * <p>The fingerprint, not the serial number: serial numbers need not differ between hosts (two CAs
 * may both count from 1), while each host's certificate has its own key. Nothing of the host is
 * part of it: its name is the placeholder {@code localhost} while a machine is being renamed, and
 * its addresses come and go with DHCP, and either would move the renewal while it lasted.
 */
final class SpreadHash {
  private static final byte[] DOMAIN = "hostpki renewal spread v2\0".getBytes(StandardCharsets.US_ASCII);

  private final ByteBuffer digest;

  private SpreadHash(byte[] digest) {
    this.digest = ByteBuffer.wrap(digest);
  }

  static SpreadHash of(Fingerprint certificate) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(DOMAIN);
      sha256.update(certificate.hex().getBytes(StandardCharsets.US_ASCII));
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
