package org.hostpki.pki;

import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/** Runs the JDK's {@code keytool} (English, UTC) and returns what it printed. */
final class Keytool {
  private Keytool() {}

  static ProcessResult run(String... args) {
    return Tool.KEYTOOL
        .command(
            "-J-XX:TieredStopAtLevel=1", "-J-Duser.language=en", "-J-Duser.country=US",
            "-J-Duser.timezone=UTC")
        .with(args)
        .run();
  }
}
