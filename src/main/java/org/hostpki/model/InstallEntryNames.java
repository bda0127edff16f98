package org.hostpki.model;

import java.util.Locale;

/**
 * The names of what hostpki installs. Every entry it puts into a target carries {@link #MARK}
 * before its name — file {@code hostpki-ca.crt}, Java alias {@code hostpki-ca}, NSS nickname
 * {@code hostpki-ca-…} — and hostpki never touches an entry without it.
 *
 * <p>Names are lower case: Java key stores fold aliases to lower case, and trusted certificate
 * names already differ in more than case. The internal CA is {@code ca} (during a rotation also
 * {@code ca-next}, then {@code ca-previous}); a declared trusted certificate {@code NAME} is
 * {@code trust-name}, so that no declared name can take the CA's place.
 */
public final class InstallEntryNames {
  /** What marks an entry as hostpki's own. */
  public static final String MARK = "hostpki-";

  public static final String CA = "ca";
  public static final String CA_NEXT = "ca-next";
  public static final String CA_PREVIOUS = "ca-previous";

  /** Long enough for any trusted certificate name; short enough for every target's own limits. */
  public static final int MAX_LENGTH = 180;

  private InstallEntryNames() {}

  /** The entry name of a declared trusted certificate. */
  public static String trusted(String trustName) {
    return "trust-" + trustName.toLowerCase(Locale.ROOT);
  }

  /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static boolean isValid(String name) {
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  /** Refuses a name that is not {@link #isValid valid}: a caller's mistake, not a user's. */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException("not an install entry name: '" + name + "'");
    }
    return name;
  }
}
