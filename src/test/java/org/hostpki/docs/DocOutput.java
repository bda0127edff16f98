package org.hostpki.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Compares what a document shows with what its commands printed, ignoring only what differs
 * from run to run: fingerprints, serials and commits (long hex), dates and times, durations, kept
 * generation names and the names {@code mktemp} makes. A line {@code ...} stands for any lines.
 */
final class DocOutput {
  private DocOutput() {}

  private record Rule(Pattern pattern, String replacement) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(Pattern.compile("\\.\\.\\d{4}_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d\\d\\.\\d{9}"), "..GENERATION"),
          new Rule(Pattern.compile("/tmp/tmp\\.[A-Za-z0-9]{10}"), "/tmp/MKTEMP"),
          new Rule(Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z"), "TIME"),
          new Rule(Pattern.compile("\\d{4}-\\d\\d-\\d\\d( \\d\\d:\\d\\d(:\\d\\d)?( UTC)?)?"), "DATE"),
          new Rule(Pattern.compile("\\b(?:[0-9A-F]{2}:){3,}[0-9A-F]{2}\\b"), "FINGERPRINT"),
          new Rule(Pattern.compile("\\b[0-9A-Fa-f]{16,}(-dirty)?\\b"), "HEX"),
          // hostpki's own durations (DurationText.left, exact): "397 days", and below two days
          // "1d 3h 5m", "14h 11m", "59m 24s"
          new Rule(
              Pattern.compile("\\b(\\d+ days?|\\d+d(?: \\d+h)?(?: \\d+m)?|\\d+h(?: \\d+m)?|\\d+m(?: \\d+s)?)\\b"),
              "DURATION"),
          // a jitter under a minute is not said: the random key decides (RenewalSchedule)
          new Rule(Pattern.compile(", DURATION earlier by jitter"), ""),
          new Rule(Pattern.compile("\\b\\d+ (days?|hours?|minutes?|seconds?|h|min|s|ms)\\b"), "N $1"),
          new Rule(Pattern.compile("\\b\\d+(\\.\\d+)? s\\b"), "N s"));

  /** The text with what varies from run to run replaced by a placeholder. */
  static String normalise(String line) {
    String s = line.stripTrailing();
    for (Rule r : RULES) {
      s = r.pattern().matcher(s).replaceAll(r.replacement());
    }
    return s;
  }

  /**
   * Where {@code actual} differs from {@code expected}: empty when they match, else a
   * description with both, normalised, line by line.
   */
  static Optional<String> difference(String expected, String actual) {
    List<String> want = lines(expected);
    List<String> got = lines(actual);
    if (matches(want, 0, got, 0)) {
      return Optional.empty();
    }
    StringBuilder d = new StringBuilder();
    d.append("--- the document shows (normalised)\n");
    want.forEach(l -> d.append("  ").append(l).append('\n'));
    d.append("+++ the commands printed (normalised)\n");
    got.forEach(l -> d.append("  ").append(l).append('\n'));
    return Optional.of(d.toString());
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    text.lines().map(DocOutput::normalise).forEach(out::add);
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static boolean matches(List<String> want, int w, List<String> got, int g) {
    if (w == want.size()) {
      return g == got.size();
    }
    if (want.get(w).strip().equals("...")) {
      for (int skip = g; skip <= got.size(); skip++) {
        if (matches(want, w + 1, got, skip)) {
          return true;
        }
      }
      return false;
    }
    return g < got.size() && want.get(w).equals(got.get(g)) && matches(want, w + 1, got, g + 1);
  }
}
