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
    super("install/" + target.address() + ": " + message, cause);
    this.target = Objects.requireNonNull(target, "target");
    this.rolledBack = rolledBack;
  }

  public InstallTarget target() {
    return target;
  }

  /** Whether the target was left (or put back) as it was before the failed call. */
  public boolean rolledBack() {
    return rolledBack;
  }
}
