package org.hostpki.host;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CanonicalNameLookup} with a hard time limit. The JDK resolver cannot be interrupted, so
 * the lookup runs on a daemon thread that is abandoned when time is up: it cannot keep the process
 * alive, and a host with a dead name server still gets its identity (without a domain) in time.
 */
final class BoundedLookup {
  private final CanonicalNameLookup lookup;
  private final Duration timeout;

  BoundedLookup(CanonicalNameLookup lookup, Duration timeout) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("lookup timeout must be positive: " + timeout);
    }
  }

  /** The canonical name, or empty on no answer, failure or timeout; never throws. */
  Optional<String> canonicalName(String hostname) {
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                Optional<String> name = lookup.canonicalName(hostname);
                answer.complete(name == null ? Optional.empty() : name);
              } catch (Throwable noAnswer) {
                // Even an Error: this thread ends here, and a trace on the user's terminal for a
                // failed lookup of an optional domain would help nobody.
                answer.complete(Optional.empty());
              }
            },
            "hostpki-canonical-name-lookup");
    worker.setDaemon(true);
    worker.start();
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException slowResolver) {
      worker.interrupt();
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException cannotHappen) {
      return Optional.empty();
    }
  }
}
