package org.hostpki.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the JDK's {@code keytool} (of the Java running the tests; English, UTC) and returns what it printed. */
final class Keytool {
  private Keytool() {}

  static OpenSsl.Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-Duser.language=en", "-J-Duser.country=US", "-J-Duser.timezone=UTC"));
    command.addAll(List.of(args));
    try {
      return OpenSsl.exec(Path.of("."), command);
    } catch (IOException e) {
      throw new AssertionError("cannot run keytool: " + e.getMessage(), e);
    }
  }
}
