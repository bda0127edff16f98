package org.hostpki.model;

import java.util.List;

/**
 * A failure the user can understand and act on: a corrupt store file, a wrong password, a lock
 * held by another process. The message is complete and printed as is (no stack trace); it names
 * the file or thing concerned and, where there is one, the fix. The CLI maps it to exit code 1.
 *
 * <p>The headline is one line, and so is each detail: the CLI prints each as a line of its own
 * and escapes any line break inside one, so text from outside that a message quotes cannot start
 * a line of its own. {@link #getMessage()} is the headline with the details on indented lines.
 */
public class HostpkiException extends RuntimeException {
  private final String headline;
  private final List<String> details;

  public HostpkiException(String message) {
    this(message, List.of());
  }

  public HostpkiException(String message, Throwable cause) {
    super(message, cause);
    this.headline = message;
    this.details = List.of();
  }

  /**
   * @param headline what went wrong, one line
   * @param details one line each, printed indented below the headline
   */
  public HostpkiException(String headline, List<String> details) {
    super(headline + String.join("", details.stream().map(d -> "\n  " + d).toList()));
    this.headline = headline;
    this.details = List.copyOf(details);
  }

  public String headline() {
    return headline;
  }

  public List<String> details() {
    return details;
  }
}
