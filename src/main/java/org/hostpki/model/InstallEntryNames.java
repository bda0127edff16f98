package org.hostpki.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The names of what hostpki installs. Every entry it puts into a target carries {@link #MARK}
 * before its name — file {@code hostpki-web-3f9a0c1d-ca.crt}, Java alias {@code
 * hostpki-web-3f9a0c1d-ca}, NSS nickname {@code hostpki-web-3f9a0c1d-ca …} — and hostpki never
 * touches an entry without it.
 *
 * <p>An entry's name starts with its store's {@linkplain #tag tag}, so that two stores on one
 * host installing into one target (two services, each with its own store) never take each other's
 * names: each store reads and changes only the entries with its own tag, and those its install
 * record names.
 *
 * <p>Names are lower case: Java key stores fold aliases to lower case, and trusted certificate
 * names already differ in more than case. After the tag, the internal CA is {@code ca} (during a
 * rotation also {@code ca-next}, then {@code ca-previous}); a declared trusted certificate {@code
 * NAME} is {@code trust-name}, so that no declared name can take the CA's place.
 */
public final class InstallEntryNames {
  /** What marks an entry as hostpki's own. */
  public static final String MARK = "hostpki-";

  public static final String CA = "ca";
  public static final String CA_NEXT = "ca-next";
  public static final String CA_PREVIOUS = "ca-previous";

  /** Long enough for any trusted certificate name; short enough for every target's own limits. */
  public static final int MAX_LENGTH = 180;

  /** At most this much of the store folder's name goes into a tag. */
  static final int MAX_TAG_LABEL = 20;

  /** The longest {@linkplain #tag tag}: its label, '-' and 8 hex digits. */
  public static final int MAX_TAG_LENGTH = MAX_TAG_LABEL + 1 + 8;

  private InstallEntryNames() {}

  /** The entry name of a declared trusted certificate. */
  public static String trusted(String trustName) {
    return "trust-" + trustName.toLowerCase(Locale.ROOT);
  }

  /**
   * The tag of the store at {@code realPath} (its absolute path with links resolved): the store
   * folder's name, readable, then the first 8 hex digits of the path's SHA-256, unique on the
   * host — {@code /var/lib/hostpki/web} gives {@code web-3f9a0c1d}. The label is lower-case
   * letters, digits and '_' (any other character becomes '_'), at most {@value #MAX_TAG_LABEL}
   * characters, {@code store} when nothing is left; it has no '-', so the first '-' after it ends
   * it, and no store's tag is the start of another's entry names.
   */
  public static String tag(String realPath) {
    String folder = realPath.substring(realPath.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    StringBuilder label = new StringBuilder();
    for (int i = 0; i < folder.length() && label.length() < MAX_TAG_LABEL; i++) {
      char c = folder.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (alnum) {
        label.append(c);
      } else if (label.length() > 0 && label.charAt(label.length() - 1) != '_') {
        label.append('_');
      }
    }
    while (label.length() > 0 && label.charAt(label.length() - 1) == '_') {
      label.setLength(label.length() - 1);
    }
    String hash = Fingerprint.sha256(realPath.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 8);
    return (label.length() == 0 ? "store" : label) + "-" + hash;
  }

  /**
   * The {@linkplain #tag tag} an entry name starts with ({@code web-3f9a0c1d} of {@code
   * web-3f9a0c1d-ca}); empty when it does not start with one.
   */
  public static java.util.Optional<String> tagOf(String name) {
    int dash = name.indexOf('-');
    int end = dash + 9;
    if (dash < 1 || name.length() <= end || name.charAt(end) != '-') {
      return java.util.Optional.empty();
    }
    for (int i = dash + 1; i < end; i++) {
      char c = name.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(name.substring(0, end));
  }

  /** The entry name of {@code name} ({@link #CA}, {@link #trusted}) for the store tagged {@code tag}. */
  public static String tagged(String tag, String name) {
    return require(tag + "-" + name);
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
