package org.hostpki.host;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
   * The addresses of one reading of the file that are not left out, by interface name; empty when
   * it cannot be read. The JDK reads the same file again, a moment later: a privacy address made
   * in between (they rotate, one per prefix) was in its list and not left out, and went into the
   * certificate. Found in a namespace trial with 60 prefixes rotating their privacy addresses:
   * watch saw a drift every few seconds, and a timer's {@code apply}, with no debounce, would have
   * re-issued the certificate with the address, and again without it at its next run.
   */
  static Optional<Map<String, List<InetAddress>>> kept(Path ifInet6) {
    String text;
    try {
      text = HostFiles.text(ifInet6);
    } catch (IOException | SecurityException noSuchInformation) {
      return Optional.empty();
    }
    Map<String, List<InetAddress>> kept = new HashMap<>();
    Set<String> leftOut = parse(text);
    for (String line : text.split("\\R")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 6 || !fields[0].matches("[0-9a-fA-F]{32}")) {
        continue;
      }
      String key = fields[0].toLowerCase(Locale.ROOT) + "%" + fields[5];
      if (!leftOut.contains(key)) {
        try {
          // an Inet6Address also for ::ffff:a.b.c.d, which the identity leaves out as such
          kept.computeIfAbsent(fields[5], n -> new ArrayList<>())
              .add(Inet6Address.getByAddress(null, HexFormat.of().parseHex(fields[0]), -1));
        } catch (UnknownHostException cannotHappenForSixteenBytes) {
          // skip it
        }
      }
    }
    return Optional.of(kept);
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

  private static boolean leftOut(int flags) {
    boolean underDetection = (flags & IFA_F_TENTATIVE) != 0 && (flags & IFA_F_OPTIMISTIC) == 0;
    return (flags & (IFA_F_TEMPORARY | IFA_F_DADFAILED)) != 0 || underDetection;
  }
}
