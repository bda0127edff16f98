package org.hostpki.install;

import java.util.Objects;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallTarget;

/**
 * An install target could not be read or changed: a tool failed (its own message is in this one),
 * a file is not what it should be, a password is wrong. When thrown by {@link
 * TrustInstaller#apply}, {@link #rolledBack()} says whether the target is as it was before the
 * call.
 */
public final class InstallException extends HostpkiException {
  private final InstallTarget target;
  private final boolean rolledBack;

  InstallException(InstallTarget target, String message) {
    this(target, message, true, null);
  }

  InstallException(InstallTarget target, String message, boolean rolledBack, Throwable cause) {
    super("install/" + target.address() + ": " + lines(message).stream().findFirst().orElse(""), details(message));
    if (cause != null) {
      initCause(cause);
    }
    this.target = Objects.requireNonNull(target, "target");
    this.rolledBack = rolledBack;
  }

  /**
   * The first line is the headline; a tool's output and the word on the rollback come on lines of
   * their own, printed indented below it (not as an escaped {@code \n} inside one line).
   */
  private static java.util.List<String> lines(String message) {
    return message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static java.util.List<String> details(String message) {
    java.util.List<String> all = lines(message);
    return all.isEmpty() ? all : all.subList(1, all.size());
  }

  public InstallTarget target() {
    return target;
  }

  /** Whether the target was left (or put back) as it was before the failed call. */
  public boolean rolledBack() {
    return rolledBack;
  }
}
