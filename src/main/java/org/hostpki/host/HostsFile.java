package org.hostpki.host;

import java.util.Locale;
import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.IpAddresses;

/**
 * The host's own line of {@code /etc/hosts} (hosts(5)): {@code ADDRESS CANONICAL_NAME [ALIAS...]},
 * {@code #} starting a comment. As the C library's files lookup does for {@code hostname -f}, the
 * first line that names the host (its canonical name or an alias, in any case) decides, and its
 * canonical name is the host's fully qualified name: {@code 192.0.2.10 web1.example.com web1}.
 */
final class HostsFile {
  private HostsFile() {}

  /**
   * The first line naming the host.
   *
   * @param line its number, from 1
   * @param canonicalName its first name, as written
   */
  record Entry(int line, String canonicalName) {

    /**
     * The domain the canonical name gives the host: the rest after {@code shortName.}, lower-case;
     * empty when the canonical name is the short name itself, another host's name or no DNS name.
     */
    Optional<String> domain(String shortName) {
      String prefix = shortName.toLowerCase(Locale.ROOT) + ".";
      return DnsName.fromHost(canonicalName)
          .map(DnsName::value)
          .filter(name -> name.startsWith(prefix))
          .map(name -> name.substring(prefix.length()));
    }
  }

  /** The first line with {@code hostname} among its names; empty when none names it. */
  static Optional<Entry> entry(String text, String hostname) {
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String[] fields = (hash < 0 ? line : line.substring(0, hash)).strip().split("[ \t]+");
      if (fields.length < 2 || !isAddress(fields[0])) {
        continue; // the C library skips a line without an address too
      }
      for (int f = 1; f < fields.length; f++) {
        if (fields[f].equalsIgnoreCase(hostname)) {
          return Optional.of(new Entry(i + 1, fields[1]));
        }
      }
    }
    return Optional.empty();
  }

  /** An address, with an IPv6 zone or without ({@code fe80::1%eth0} is valid in hosts(5)). */
  private static boolean isAddress(String field) {
    int percent = field.indexOf('%');
    return IpAddresses.parse(percent < 0 ? field : field.substring(0, percent)).isPresent();
  }
}
