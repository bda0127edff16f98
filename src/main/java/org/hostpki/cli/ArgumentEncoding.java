package org.hostpki.cli;

import java.nio.file.InvalidPathException;
import java.util.Optional;
import org.hostpki.model.HostpkiException;

/**
 * File names the JVM cannot carry. The JVM decodes the command line and encodes file names in the
 * locale's character set ({@code sun.jnu.encoding}): bytes that are not UTF-8 in a UTF-8 locale,
 * and any non-ASCII character in the C locale (systemd's and cron's default), arrive as U+FFFD, so
 * an existing file was "no such file", and a name from a desired state stopped the run with
 * "internal error: InvalidPathException". Both are said as what they are, with the fix.
 */
final class ArgumentEncoding {
  private static final char REPLACEMENT = '\uFFFD';

  private ArgumentEncoding() {}

  /** The locale's character set for file names and arguments, as this JVM uses it. */
  static String ofThisJvm() {
    return System.getProperty("sun.jnu.encoding", "UTF-8");
  }

  /**
   * Why an argument cannot be used as given, when one arrived with bytes the locale's character
   * set {@code charset} could not decode (a U+FFFD in it).
   */
  static Optional<String> undecodable(String[] args, String charset) {
    for (String arg : args) {
      if (arg.indexOf(REPLACEMENT) >= 0) {
        return Optional.of(
            utf8(charset)
                ? "the argument '" + arg + "' holds bytes that are not UTF-8 (shown as " + REPLACEMENT
                    + "), and hostpki reads names as UTF-8; rename the file to a UTF-8 name (convmv -f latin1 -t utf8 NAME)"
                : "the argument '" + arg + "' holds characters the locale's character set (" + charset
                    + ") does not have (shown as " + REPLACEMENT + "); run hostpki in a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
      }
    }
    return Optional.empty();
  }

  /** A file name the JVM refused to make a path of, as the error it is for the user. */
  static HostpkiException unusable(InvalidPathException e, String charset) {
    String why = utf8(charset) || e.getInput().chars().allMatch(c -> c < 0x80)
        ? e.getReason()
        : "the locale's character set (" + charset + ") does not have its characters; run hostpki in a UTF-8 locale, e.g. LC_ALL=C.UTF-8";
    return new HostpkiException("cannot use the file name '" + e.getInput() + "': " + why, e);
  }

  private static boolean utf8(String charset) {
    return charset.replace("-", "").equalsIgnoreCase("UTF8");
  }
}
