package org.hostpki.store;

import org.hostpki.model.HostpkiException;

/**
 * A write or rollback whose commit succeeded — {@code ..data} points at the new generation, and
 * every reader sees the new set — but whose tidying up after it failed: making or removing the
 * visible links, removing old generations. Unlike every other failure of the store, something did
 * change, so a caller must not report "nothing changed" (and should still run its hooks). The
 * next write finishes the tidying up.
 */
public final class StoreTidyUpException extends HostpkiException {
  private final String generation;

  StoreTidyUpException(String message, String generation, Throwable cause) {
    super(message, cause);
    this.generation = generation;
  }

  /** The generation now current. */
  public String generation() {
    return generation;
  }
}
