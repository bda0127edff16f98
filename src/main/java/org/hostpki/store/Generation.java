package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.json.JsonReader;

/**
 * One kept generation of the store, for history and rollback.
 *
 * @param name the directory name, e.g. {@code ..2026_03_01_12_00_00.000000000}
 * @param current whether {@code ..data} points at it
 * @param metadata the {@code .generation.json} the writer was given, when the generation has one
 */
public record Generation(String name, boolean current, Optional<byte[]> metadata) {

  /**
   * The member of {@code .generation.json} naming the desired-state file (absolute) whose apply,
   * sign or revoke wrote the generation; records written before hostpki recorded it have none.
   */
  public static final String DESIRED_STATE = "desiredState";

  /**
   * The member of {@code .generation.json} after {@link #DESIRED_STATE}: the digest (SHA-256, hex)
   * of what that desired state said (model {@code DesiredStateContent}), so that another file saying
   * the same is not taken for a writer that undoes this one's changes; records written before
   * hostpki recorded it have none.
   */
  public static final String DESIRED_STATE_DIGEST = "desiredStateDigest";

  public Generation {
    if (!GenerationNames.isGeneration(Objects.requireNonNull(name, "name"))) {
      throw new IllegalArgumentException("not a generation name: " + name);
    }
    metadata = Objects.requireNonNull(metadata, "metadata").map(byte[]::clone);
  }

  /** When the generation was written (UTC, from its name). */
  public Instant time() {
    return GenerationNames.time(name);
  }

  /**
   * The desired-state file that wrote it ({@link #DESIRED_STATE}), as recorded, when its record
   * names one: a path of the file system the store is on, which the caller resolves it on.
   */
  public Optional<String> desiredState() {
    return leading(DESIRED_STATE);
  }

  /** The digest of what the desired state that wrote it said ({@link #DESIRED_STATE_DIGEST}), when recorded. */
  public Optional<String> desiredStateDigest() {
    return leading(DESIRED_STATE_DIGEST);
  }

  private Optional<String> leading(String member) {
    try {
      // A leading member: the plan after it is not parsed (every plan reads this).
      return JsonReader.leadingString(new String(metadata.orElse(new byte[0]), StandardCharsets.UTF_8), member)
          .filter(value -> !value.isEmpty());
    } catch (JsonReader.MalformedJsonException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<byte[]> metadata() {
    return metadata.map(byte[]::clone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Generation other
        && name.equals(other.name)
        && current == other.current
        && metadata.isPresent() == other.metadata.isPresent()
        && Arrays.equals(metadata.orElse(null), other.metadata.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, current, metadata.map(Arrays::hashCode).orElse(0));
  }

  @Override
  public String toString() {
    return "Generation[" + name + (current ? ", current" : "") + "]";
  }
}
