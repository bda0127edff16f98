package org.hostpki.cli;

/** The exit codes of CONTRACT §1, the same for every command. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** Invalid desired state, unreadable store, refused or failed apply: nothing changed on disk. */
  public static final int ERROR = 1;
  /** Changes pending: only {@code plan --detailed-exitcode} and {@code apply --check}. */
  public static final int CHANGES_PENDING = 2;
  /**
   * The store is at the desired state, but a hook failed: recorded with the generation, and the
   * next apply, watch tick or timer run retries it. Only from commands that run hooks ({@code
   * apply}, {@code rollback}).
   */
  public static final int HOOK_FAILED = 3;
  /** Unknown option, missing argument. */
  public static final int USAGE = 64;
}
