package org.hostpki.store;

/**
 * Files in a generation directory that record what happens around the set rather than being part
 * of it: never carried over by a hard link, never counted in the content, and — unlike the files
 * of the set — replaced after the generation was made, each as a whole by one rename of a new
 * file ({@link StoreDirectory#putRecord}), never edited in place.
 *
 * <p>The store package keeps them; what they say is for the apply package.
 */
public enum GenerationRecord {
  /** The hooks this generation made due: written inside the generation before its commit. */
  HOOKS_DUE(".hooks-due.json"),
  /** Which of them have run successfully, and the last failure: written after each attempt. */
  HOOKS_DONE(".hooks-done.json"),
  /** A rollback's hold on this generation: written before the switch to it. */
  HOLD(".hold.json");

  /** The suffix of a record being written, before its rename; a leftover after a crash. */
  static final String TEMPORARY_SUFFIX = ".tmp";

  private final String fileName;

  GenerationRecord(String fileName) {
    this.fileName = fileName;
  }

  /** Its name at the top of the generation directory. */
  public String fileName() {
    return fileName;
  }

  /** Whether a top-level name in a generation is a record or a record being written. */
  static boolean isRecordFile(String name) {
    for (GenerationRecord r : values()) {
      if (name.equals(r.fileName) || name.equals(r.fileName + TEMPORARY_SUFFIX)) {
        return true;
      }
    }
    return false;
  }
}
