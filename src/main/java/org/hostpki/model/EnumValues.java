package org.hostpki.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finding an enum's constant by one of its words (a YAML name, a JSON code, an OID): the lookup
 * every enum that stands for outside text needs, written once.
 */
public final class EnumValues {
  private EnumValues() {}

  /**
   * The constant of {@code type} whose {@code key} equals {@code wanted}; the first in declaration
   * order when several do.
   */
  public static <E extends Enum<E>, K> Optional<E> find(
      Class<E> type, Function<? super E, ? extends K> key, K wanted) {
    return Arrays.stream(type.getEnumConstants())
        .filter(e -> Objects.equals(key.apply(e), wanted))
        .findFirst();
  }
}
