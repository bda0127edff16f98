package org.hostpki.cli;

/** The exit codes of CONTRACT §1, the same for every command. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** Invalid desired state, unreadable store, refused or failed apply: nothing changed on disk. */
  public static final int ERROR = 1;
  /**
   * Changes or hooks pending: only {@code plan --detailed-exitcode}, {@code apply --check}, {@code
   * sign --check}, {@code revoke --check} and {@code check}.
   */
  public static final int CHANGES_PENDING = 2;
  /**
   * The store is at the desired state, but a hook failed: recorded with the generation, and the
   * next apply, watch tick or timer run retries it. From the commands that run hooks ({@code
   * apply}, {@code rollback}), and from {@code check} for a pending hook.
   */
  public static final int HOOK_FAILED = 3;
  /** Unknown option, missing argument. */
  public static final int USAGE = 64;
}
