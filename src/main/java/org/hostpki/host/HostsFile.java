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

    /**
     * Why the canonical name, which names the host under a domain ({@code web1.}…), is no DNS
     * name; empty when it is one, or names no domain of the host.
     */
    Optional<String> problem(String shortName) {
      String name = canonicalName.strip().toLowerCase(Locale.ROOT);
      name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      return name.startsWith(shortName.toLowerCase(Locale.ROOT) + ".")
          ? DnsName.problem(name, false)
          : Optional.empty();
    }
  }

  /**
   * The first line with {@code hostname} among its names; empty when none names it. Found: an ad
   * blocker's /etc/hosts of 300,000 lines (13 MB) cost every run 1.5 s of CPU and 800 MB when each
   * line was split and its address parsed: only a line holding the name as a word is.
   */
  static Optional<Entry> entry(String text, String hostname) {
    int number = 0;
    for (int start = 0; start < text.length(); ) {
      int end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end;
      number++;
      if (holdsWord(text, start, end, hostname)) {
        Optional<Entry> entry = entry(text.substring(start, end), number, hostname);
        if (entry.isPresent()) {
          return entry;
        }
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static Optional<Entry> entry(String line, int number, String hostname) {
    int hash = line.indexOf('#');
    String[] fields = (hash < 0 ? line : line.substring(0, hash)).strip().split("[ \t]+");
    if (fields.length < 2 || !isAddress(fields[0])) {
      return Optional.empty(); // the C library skips a line without an address too
    }
    for (int f = 1; f < fields.length; f++) {
      if (fields[f].equalsIgnoreCase(hostname)) {
        return Optional.of(new Entry(number, fields[1]));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code text[start, end)} has {@code word}, in any case, between blanks or '#'. */
  private static boolean holdsWord(String text, int start, int end, String word) {
    int i = start;
    while (i < end) {
      while (i < end && isBoundary(text.charAt(i))) {
        i++;
      }
      int wordStart = i;
      while (i < end && !isBoundary(text.charAt(i))) {
        i++;
      }
      if (i - wordStart == word.length() && text.regionMatches(true, wordStart, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  /** An address, with an IPv6 zone or without ({@code fe80::1%eth0} is valid in hosts(5)). */
  private static boolean isAddress(String field) {
    int percent = field.indexOf('%');
    return IpAddresses.parse(percent < 0 ? field : field.substring(0, percent)).isPresent();
  }

  private static boolean isBoundary(char c) {
    return c == '#' || Character.isWhitespace(c);
  }
}
