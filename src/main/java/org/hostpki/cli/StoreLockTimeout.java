package org.hostpki.cli;

import java.time.Duration;
import picocli.CommandLine;
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
      converter = StoreLockTimeout.Converter.class,
      description = "Wait this long for another writer of the store (an apply, rollback, sign or revoke) to finish (e.g. 30s); default: fail at once.")
  Duration value;

  /** A duration of 0 or more: a negative wait is a usage error, not an internal one. */
  static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration duration = new DurationConverter().convert(value);
      if (duration.isNegative()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is negative; a lock timeout is 0s (fail at once) or longer, e.g. 30s");
      }
      return duration;
    }
  }
}
