package org.hostpki.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The IPv6 addresses Linux lists in {@code /proc/net/if_inet6} that are no part of the host
 * identity although the JDK reports them. Each line is {@code ADDRESS IFINDEX PREFIXLEN SCOPE FLAGS
 * NAME} in hex. Left out are:
 *
 * <ul>
 *   <li>privacy addresses (flag 0x01, {@code IFA_F_TEMPORARY}): made up for outgoing connections
 *       and replaced daily, they would make the server certificate churn;
 *   <li>addresses whose duplicate address detection failed (0x08, {@code IFA_F_DADFAILED}):
 *       another host on the link has them, and a certificate must not claim it;
 *   <li>addresses still under duplicate address detection (0x40, {@code IFA_F_TENTATIVE}, unless
 *       also 0x04, {@code IFA_F_OPTIMISTIC}): not yet usable, and possibly someone else's.
 * </ul>
 *
 * <p>Deprecated addresses (0x20) stay: they still accept connections until they expire.
 */
final class Ipv6LeftOutAddresses {
  private static final int IFA_F_TEMPORARY = 0x01;
  private static final int IFA_F_OPTIMISTIC = 0x04;
  private static final int IFA_F_DADFAILED = 0x08;
  private static final int IFA_F_TENTATIVE = 0x40;

  private Ipv6LeftOutAddresses() {}

  /**
   * The left-out addresses as {@link #key keys}. A missing or unreadable file (another OS, IPv6
   * off) yields none: the file only refines what the JDK reports.
   */
  static Set<String> read(Path ifInet6) {
    String text;
    try {
      text = HostFiles.text(ifInet6);
    } catch (IOException | SecurityException noSuchInformation) {
      return Set.of();
    }
    return parse(text);
  }

  static Set<String> parse(String text) {
    Set<String> leftOut = new HashSet<>();
    for (String line : text.split("\\R")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 6 || !fields[0].matches("[0-9a-fA-F]{32}")) {
        continue;
      }
      try {
        if (leftOut(Integer.parseInt(fields[4], 16))) {
          leftOut.add(fields[0].toLowerCase(Locale.ROOT) + "%" + fields[5]);
        }
      } catch (NumberFormatException notALineWeKnow) {
        // ignore the line: the file only refines what the JDK reports
      }
    }
    return leftOut;
  }

  /** An address on an interface, as {@link #read} lists it: 32 lower-case hex digits, '%', name. */
  static String key(byte[] address, String interfaceName) {
    return HexFormat.of().formatHex(address) + "%" + interfaceName;
  }

  private static boolean leftOut(int flags) {
    boolean underDetection = (flags & IFA_F_TENTATIVE) != 0 && (flags & IFA_F_OPTIMISTIC) == 0;
    return (flags & (IFA_F_TEMPORARY | IFA_F_DADFAILED)) != 0 || underDetection;
  }
}
