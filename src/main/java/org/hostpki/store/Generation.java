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
 * <p>A generation read from a store reads its {@code .generation.json} when asked, and again each
 * time: after the first apply of 100,000 trusted certificates it is 45 MB, and every plan asks for
 * the {@link #desiredState() writer} it names, which only the file's head is read for.
 */
public final class Generation {

  /** Reads a generation's {@code .generation.json}: whole, or its head (see {@link #HEAD}). */
  interface Metadata {
    Optional<byte[]> read(boolean head);
  }

  /**
   * How much of {@code .generation.json} is read for its leading members: they come first (the
   * writer puts them there) and are a path and a digest.
   */
  static final int HEAD = 1 << 16;

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

  private final String name;
  private final boolean current;
  private final Metadata metadata;

  /**
   * @param name the directory name, e.g. {@code ..2026_03_01_12_00_00.000000000}
   * @param current whether {@code ..data} points at it
   * @param metadata the {@code .generation.json} the writer was given, when the generation has one
   */
  public Generation(String name, boolean current, Optional<byte[]> metadata) {
    this(name, current, given(Objects.requireNonNull(metadata, "metadata").map(byte[]::clone)));
  }

  Generation(String name, boolean current, Metadata metadata) {
    if (!GenerationNames.isGeneration(Objects.requireNonNull(name, "name"))) {
      throw new IllegalArgumentException("not a generation name: " + name);
    }
    this.name = name;
    this.current = current;
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  private static Metadata given(Optional<byte[]> bytes) {
    return head -> bytes.map(byte[]::clone);
  }

  /** The directory name, e.g. {@code ..2026_03_01_12_00_00.000000000}. */
  public String name() {
    return name;
  }

  /** Whether {@code ..data} points at it. */
  public boolean current() {
    return current;
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
      // A leading member: the plan after it is not parsed (every plan reads this), nor read.
      return JsonReader.leadingString(new String(metadata.read(true).orElse(new byte[0]), StandardCharsets.UTF_8), member)
          .filter(value -> !value.isEmpty());
    } catch (JsonReader.MalformedJsonException e) {
      return Optional.empty();
    }
  }

  /** The {@code .generation.json} the writer was given, when the generation has one (read now). */
  public Optional<byte[]> metadata() {
    return metadata.read(false);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Generation other) || !name.equals(other.name) || current != other.current) {
      return false;
    }
    Optional<byte[]> mine = metadata();
    Optional<byte[]> theirs = other.metadata();
    return mine.isPresent() == theirs.isPresent()
        && Arrays.equals(mine.orElse(null), theirs.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, current);
  }

  @Override
  public String toString() {
    return "Generation[" + name + (current ? ", current" : "") + "]";
  }
}
