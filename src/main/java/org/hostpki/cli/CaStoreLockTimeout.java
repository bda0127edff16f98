package org.hostpki.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --lock-timeout} of the commands that write a fleet CA's store: sign and revoke. */
final class CaStoreLockTimeout {
  @Option(
      names = "--lock-timeout",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "Wait this long for another writer of the CA store (e.g. 30s); default: fail at once.")
  Duration value;
}
