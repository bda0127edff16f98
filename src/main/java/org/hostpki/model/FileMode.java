package org.hostpki.model;

import java.util.Optional;

/**
 * The permission bits of a file, {@code 0000} to {@code 0777}: what {@code chmod} takes. No
 * set-user-ID, set-group-ID or sticky bit: nothing hostpki writes is a program or a shared folder.
 *
 * @param bits the mode, e.g. {@code 0640}
 */
public record FileMode(int bits) {
  /** Read and write for the owner only: a private key nobody else may open. */
  public static final FileMode OWNER_ONLY = new FileMode(0600);

  /** The owner reads and writes, the group reads: the Debian {@code ssl-cert} convention. */
  public static final FileMode GROUP_READABLE = new FileMode(0640);

  /** Everybody reads: a certificate. */
  public static final FileMode PUBLIC = new FileMode(0644);

  public FileMode {
    if (bits < 0 || bits > 0777) {
      throw new IllegalArgumentException("a file mode is 0000 to 0777, not " + Integer.toOctalString(bits));
    }
  }

  /** {@code 640} or {@code 0640}: three or four octal digits, the fourth a leading zero. */
  public static Optional<FileMode> parse(String text) {
    if (!text.matches("0?[0-7]{3}")) {
      return Optional.empty();
    }
    return Optional.of(new FileMode(Integer.parseInt(text, 8)));
  }

  /** Whether every bit set here is set in {@code limit} too. */
  public boolean within(FileMode limit) {
    return (bits & ~limit.bits) == 0;
  }

  /** The bits set here that {@code limit} does not allow. */
  public FileMode beyond(FileMode limit) {
    return new FileMode(bits & ~limit.bits);
  }

  public boolean ownerCanRead() {
    return (bits & 0400) != 0;
  }

  /** The mode as {@code chmod} and {@code ls -l} users read it: {@code 0640}. */
  @Override
  public String toString() {
    return String.format("0%03o", bits);
  }
}
