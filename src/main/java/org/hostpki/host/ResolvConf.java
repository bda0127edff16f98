package org.hostpki.host;

import java.util.Optional;
import org.hostpki.model.DnsName;

/**
 * The local domain as {@code /etc/resolv.conf} declares it (resolv.conf(5)): the {@code domain}
 * line, or the first entry of the {@code search} line; when there are several such lines the last
 * one wins, as for the resolver.
 */
final class ResolvConf {
  private ResolvConf() {}

  static Optional<String> domain(String text) {
    Optional<String> domain = Optional.empty();
    for (String line : text.split("\\R")) {
      String[] words = withoutComment(line).strip().split("[ \t]+");
      if (words.length < 2 || !(words[0].equals("domain") || words[0].equals("search"))) {
        continue;
      }
      // "search ." (systemd-resolved) means no search domain: it still overrides earlier lines.
      domain = DnsName.fromHost(words[1]).map(DnsName::value);
    }
    return domain;
  }

  /**
   * resolv.conf(5) comments are lines starting with '#' or ';'. A trailing comment is cut too: a
   * hand-edited {@code domain example.com # office} then still names example.com.
   */
  private static String withoutComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '#' || c == ';') {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
