package org.hostpki.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A rollback's hold on the store: a person chose this generation, so unattended runs ({@code
 * watch}, {@code apply --unattended}) leave it as it is until a person's plain {@code apply}
 * releases the hold.
 *
 * @param at when the rollback was made
 * @param from the generation that was current before, if one was
 * @param to the generation the rollback made current
 */
public record RollbackHold(Instant at, Optional<String> from, String to) {
  public RollbackHold {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
