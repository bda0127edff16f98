package org.hostpki.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The store locks this JVM holds: the one piece of static state in hostpki, and on purpose.
 *
 * <p>{@link java.nio.channels.FileChannel#tryLock()} takes a POSIX record lock (fcntl), and such
 * locks belong to the process: closing any descriptor of the lock file in the process releases
 * them, even one opened only to try the lock again or to read who holds it. So a second attempt
 * from this JVM must not open the file at all while the first holds it; it consults this table
 * instead, which mirrors a fact about the process, not about any object.
 */
final class HeldLocks {
  private static final ConcurrentMap<Path, LockHolder> HELD = new ConcurrentHashMap<>();

  private HeldLocks() {}

  /** Claims the lock file for this JVM; false when some caller in it has already. */
  static boolean claim(Path lockFile, LockHolder holder) {
    return HELD.putIfAbsent(lockFile, holder) == null;
  }

  static Optional<LockHolder> holder(Path lockFile) {
    return Optional.ofNullable(HELD.get(lockFile));
  }

  static void release(Path lockFile) {
    HELD.remove(lockFile);
  }
}
