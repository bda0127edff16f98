package org.hostpki.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The IPv6 privacy addresses Linux lists in {@code /proc/net/if_inet6}. Each line is {@code
 * ADDRESS IFINDEX PREFIXLEN SCOPE FLAGS NAME} in hex; flag 0x01 ({@code IFA_F_TEMPORARY}) marks an
 * address the kernel made up for outgoing connections and replaces regularly.
 */
final class Ipv6TemporaryAddresses {
  private static final int IFA_F_TEMPORARY = 0x01;

  private Ipv6TemporaryAddresses() {}

  /**
   * The temporary addresses as 32 lower-case hex digits. A missing or unreadable file (another OS,
   * IPv6 off) yields none: the file only refines what the JDK reports.
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
    Set<String> temporary = new HashSet<>();
    for (String line : text.split("\\R")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 5 || !fields[0].matches("[0-9a-fA-F]{32}")) {
        continue;
      }
      try {
        if ((Integer.parseInt(fields[4], 16) & IFA_F_TEMPORARY) != 0) {
          temporary.add(fields[0].toLowerCase(Locale.ROOT));
        }
      } catch (NumberFormatException notALineWeKnow) {
        // ignore the line: the file only refines what the JDK reports
      }
    }
    return temporary;
  }
}
