package org.hostpki.model;

/**
 * A failure the user can understand and act on: a corrupt store file, a wrong password, a lock
 * held by another process. The message is complete and printed as is (no stack trace); it names
 * the file or thing concerned and, where there is one, the fix. The CLI maps it to exit code 1.
 */
public class HostpkiException extends RuntimeException {
  public HostpkiException(String message) {
    super(message);
  }

  public HostpkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
