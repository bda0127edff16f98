package org.hostpki.apply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Runs one step over many independent items on every core (the common fork-join pool), with the
 * results in the items' order and every exception kept, never lost in a race: the caller decides
 * which one a one-by-one run would have thrown first.
 */
final class Parallel {
  private Parallel() {}

  /** Below this many items, splitting the work costs more than it saves. */
  static final int MIN_ITEMS = 64;

  static <T, R> List<Outcome<R>> map(List<T> items, Function<T, R> step) {
    @SuppressWarnings("unchecked")
    Outcome<R>[] out = new Outcome[items.size()];
    IntStream range = IntStream.range(0, items.size());
    if (items.size() >= MIN_ITEMS) {
      range = range.parallel();
    }
    // Each index is written by one task; the stream's end makes the writes visible here.
    range.forEach(
        i -> {
          try {
            out[i] = Outcome.of(step.apply(items.get(i)));
          } catch (RuntimeException e) {
            out[i] = Outcome.failed(e);
          }
        });
    return new ArrayList<>(Arrays.asList(out));
  }
}
