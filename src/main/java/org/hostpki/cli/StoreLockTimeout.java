package org.hostpki.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --lock-timeout} of the commands that write a store once: apply, rollback, and sign and
 * revoke (which write the fleet CA's store). They all take the store's one lock, so each waits for
 * any of the others. watch has its own: it waits by default, as a loop should.
 */
final class StoreLockTimeout {
  @Option(
      names = "--lock-timeout",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "Wait this long for another writer of the store (an apply, rollback, sign or revoke) to finish (e.g. 30s); default: fail at once.")
  Duration value;
}
