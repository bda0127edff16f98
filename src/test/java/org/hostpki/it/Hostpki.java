package org.hostpki.it;

import java.nio.file.Path;
import java.util.List;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * The built CLI ({@link Cli#jar}), with the store password every store of this suite has in its
 * environment.
 */
final class Hostpki {
  /** The PKCS#12 password of every store the suite makes; hostpki reads it from this variable. */
  static final String PASSWORD = "it-store-secret";

  static final String PASSWORD_VARIABLE = "HOSTPKI_PASSWORD";

  private Hostpki() {}

  /** Runs {@code hostpki ARGS} in the directory; the store password is in the environment. */
  static ProcessResult run(Path directory, String... args) {
    return command(directory, args).run();
  }

  /**
   * {@code hostpki ARGS} under the real {@code faketime}: libfaketime moves the clock of the whole
   * JVM, as a wrong system clock would.
   *
   * @param fakeTime libfaketime's advanced format: {@code -1d}, {@code +7300d}, {@code @2001-01-01
   *     00:00:00}
   */
  static Command underFakeTime(String fakeTime, Path directory, String... args) {
    return command(directory, args).under(List.of(Tool.FAKETIME.require().toString(), "-f", fakeTime));
  }

  private static Command command(Path directory, String... args) {
    return Cli.jar(directory, args).env(PASSWORD_VARIABLE, PASSWORD);
  }

  /** Writes the desired-state file, applies it and returns the store it describes. */
  static Store apply(DesiredStateFile desired) {
    desired.write();
    run(desired.directory(), "apply", "-f", desired.file().toString()).assertSucceeded();
    return new Store(desired.storeDirectory());
  }
}
