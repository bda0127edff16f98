package org.hostpki.host;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The syntax of the names that end up as dNSName SANs: letters, digits and hyphens (RFC 1123), so a
 * name a certificate could not carry is refused here rather than by the CA.
 */
final class DnsNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final int MAX_NAME_LENGTH = 253;

  private DnsNames() {}

  /** Trimmed, lower-case, without the trailing dot of an absolute name. */
  static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  static boolean isLabel(String text) {
    return LABEL.matcher(text).matches();
  }

  /** One or more labels separated by dots (already normalised). */
  static boolean isDomain(String text) {
    if (text.isEmpty() || text.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (String label : text.split("\\.", -1)) {
      if (!isLabel(label)) {
        return false;
      }
    }
    return true;
  }
}
