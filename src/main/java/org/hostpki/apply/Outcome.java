package org.hostpki.apply;

/**
 * What one task of a parallel step gave: a value or the exception it threw, kept so that the
 * caller can throw the errors in the order a one-by-one run would have met them.
 */
record Outcome<T>(T value, RuntimeException error) {
  static <T> Outcome<T> of(T value) {
    return new Outcome<>(value, null);
  }

  static <T> Outcome<T> failed(RuntimeException error) {
    return new Outcome<>(null, error);
  }

  /** The value; throws the task's exception when it failed. */
  T get() {
    if (error != null) {
      throw error;
    }
    return value;
  }
}
