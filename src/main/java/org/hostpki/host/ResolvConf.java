package org.hostpki.host;

import java.util.Locale;
import java.util.Optional;
import org.hostpki.model.DnsName;

/**
 * The local domain as {@code /etc/resolv.conf} declares it (resolv.conf(5)): the {@code domain}
 * line, or the first entry of the {@code search} line; when there are several such lines the last
 * one wins, as for the resolver.
 */
final class ResolvConf {
  private ResolvConf() {}

  /**
   * The line that decides the domain: its number (from 1), its keyword and its first entry as
   * written.
   */
  record Entry(int line, String keyword, String value) {

    /** The domain the entry names; empty for {@code .} (no search domain) and an invalid one. */
    Optional<String> domain() {
      return DnsName.fromHost(value).map(DnsName::value);
    }

    /**
     * Why the entry names no domain, as a phrase that follows it ({@code "has the character '_'
     * in 'exa_mple'; ..."}); empty when it names one, or is {@code .}: systemd-resolved writes
     * {@code search .} for "no search domain", which is no mistake.
     */
    Optional<String> problem() {
      if (value.equals(".") || domain().isPresent()) {
        return Optional.empty();
      }
      String name = value.toLowerCase(Locale.ROOT);
      String relative = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      return DnsName.problem(relative, false).or(() -> Optional.of("is not a DNS domain"));
    }
  }

  static Optional<String> domain(String text) {
    return entry(text).flatMap(Entry::domain);
  }

  /** The last {@code domain} or {@code search} line with an entry; empty when there is none. */
  static Optional<Entry> entry(String text) {
    Optional<Entry> entry = Optional.empty();
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String[] words = withoutComment(lines[i]).strip().split("[ \t]+");
      if (words.length < 2 || !(words[0].equals("domain") || words[0].equals("search"))) {
        continue;
      }
      // "search ." (systemd-resolved) means no search domain: it still overrides earlier lines.
      entry = Optional.of(new Entry(i + 1, words[0], words[1]));
    }
    return entry;
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
