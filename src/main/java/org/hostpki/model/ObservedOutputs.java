package org.hostpki.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the store holds of the files a desired state declares on top of its own: the outputs
 * ({@code outputs:}) read back as their format, the files whose owner, group or mode is not yet
 * the declared one, the files left from outputs no longer declared, and the PKCS#12 and other
 * password-protected files that opened only with {@code store.previousPassword}.
 *
 * @param declared each declared output by its file name, as read; absent when none of its files
 *     is in the store
 * @param undeclared files at the top of the store that are neither hostpki's own nor declared:
 *     outputs removed from the desired state
 * @param accessDrift declared files whose access differs from the declaration, each with what it
 *     has ({@code 0600 root:root})
 * @param previousPassword files that open with {@code store.previousPassword}, not with {@code
 *     store.password}
 */
public record ObservedOutputs(
    Map<String, Observed> declared,
    SortedSet<String> undeclared,
    SortedMap<String, ObservedAccess> accessDrift,
    Set<String> previousPassword) {

  public static final ObservedOutputs NONE =
      new ObservedOutputs(Map.of(), new TreeSet<>(), new TreeMap<>(), Set.of());

  public ObservedOutputs {
    declared = Collections.unmodifiableMap(new TreeMap<>(declared));
    undeclared = Collections.unmodifiableSortedSet(new TreeSet<>(undeclared));
    accessDrift = Collections.unmodifiableSortedMap(new TreeMap<>(accessDrift));
    previousPassword = Set.copyOf(previousPassword);
  }

  /**
   * One declared output as read.
   *
   * @param facts what it holds; empty when it could not be read as its format
   * @param problem why not, in words ({@code holds no private key entry}); empty when read
   */
  public record Observed(Optional<OutputFacts> facts, Optional<String> problem) {
    public Observed {
      Objects.requireNonNull(facts, "facts");
      Objects.requireNonNull(problem, "problem");
      if (facts.isPresent() == problem.isPresent()) {
        throw new IllegalArgumentException("an output is read, or has a problem");
      }
    }

    public static Observed read(OutputFacts facts) {
      return new Observed(Optional.of(facts), Optional.empty());
    }

    public static Observed unreadable(String problem) {
      return new Observed(Optional.empty(), Optional.of(problem));
    }
  }
}
