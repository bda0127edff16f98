package org.hostpki.crash;

/** What happens at the operation chosen to fail. */
enum FailureMode {
  /**
   * The operation throws an {@link java.io.IOException}; the code sees it and goes on (its error
   * handling and clean-up run), and later operations work again: a full disk, an I/O error.
   */
  ERROR,
  /**
   * The power goes off: the operation and every later one (reads too) throw, and none of them
   * reaches the file system. What was done before stays, as if the disk had written it all.
   */
  POWER_CUT,
  /**
   * The power goes off as in {@link #POWER_CUT}, and the disk keeps only what was synced: see
   * {@link WriteBackCache} for the model.
   */
  POWER_CUT_LOSING_UNSYNCED
}
