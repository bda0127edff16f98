package org.hostpki.cli;

import org.hostpki.config.Problem;

/**
 * A problem as a GitHub Actions workflow command, which the runner turns into an annotation on
 * the file's line: {@code ::error file=F,line=L,col=C::MESSAGE}. Escaped as the runner unescapes
 * (actions/toolkit, command.ts): {@code %}, CR and LF everywhere, and {@code :} and {@code ,} in
 * the properties too.
 */
final class GithubAnnotation {
  private GithubAnnotation() {}

  static String of(Problem p) {
    StringBuilder sb = new StringBuilder("::").append(p.severity().label());
    sb.append(" file=").append(property(p.file().toString()));
    if (p.line() > 0) {
      sb.append(",line=").append(p.line()).append(",col=").append(p.column());
    }
    return sb.append("::").append(data(p.message())).toString();
  }

  static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }
}
