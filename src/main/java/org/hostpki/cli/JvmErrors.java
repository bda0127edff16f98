package org.hostpki.cli;

import java.io.IOException;
import org.hostpki.model.HostpkiException;

/**
 * What the JVM itself throws when a run meets the limits of the machine it runs on — out of heap
 * (a trust store of 100,000 certificates under a small {@code -Xmx}), out of file descriptors (a
 * low {@code ulimit -n}), out of threads (a low {@code ulimit -u}), its own code no longer
 * loadable (its jars replaced under the running JVM) — in the words of every other
 * error: one line with the fix, no stack trace. These are {@link Error}s, not exceptions: picocli
 * hands them to no handler, and the JVM would print its own trace of them.
 */
final class JvmErrors {
  /** The JDK's text for a thread the operating system refused (EAGAIN from pthread_create). */
  private static final String NATIVE_THREAD = "unable to create native thread";

  /** The JDK's text for EMFILE and ENFILE. */
  private static final String TOO_MANY_OPEN_FILES = "Too many open files";

  private static final String NEVER_HALF_WRITTEN =
      " A store is never left half-written: it holds its previous set or a complete new one"
          + " (`hostpki status` shows which)";

  private JvmErrors() {}

  /** The error in a user's words; the original is its cause, for {@code --debug}. */
  static HostpkiException describe(Error error) {
    if (error instanceof OutOfMemoryError && String.valueOf(error.getMessage()).contains(NATIVE_THREAD)) {
      // Not the heap: the process limit (RLIMIT_NPROC counts threads) or the cgroup's pids.max.
      return new HostpkiException(
          "hostpki could not start a thread (" + error.getMessage() + "): the limit on processes is"
              + " reached; raise it (ulimit -u; TasksMax= in a systemd unit) and run it again."
              + NEVER_HALF_WRITTEN,
          error);
    }
    if (error instanceof OutOfMemoryError) {
      long mebibytes = Runtime.getRuntime().maxMemory() / (1024 * 1024);
      return new HostpkiException(
          "hostpki ran out of memory (" + error.getMessage() + "; this JVM may use at most "
              + mebibytes + " MiB): give it more, e.g. HOSTPKI_JAVA_OPTS=-Xmx"
              + Math.max(256, 4 * mebibytes) + "m, and run it again." + NEVER_HALF_WRITTEN,
          error);
    }
    if (tooManyOpenFiles(error)) {
      return new HostpkiException(
          "hostpki ran out of file descriptors (too many open files): raise the limit (ulimit -n 1024;"
              + " LimitNOFILE= in a systemd unit) and run it again." + NEVER_HALF_WRITTEN,
          error);
    }
    if (error instanceof LinkageError && !(error instanceof ExceptionInInitializerError)) {
      // NoClassDefFoundError, ClassFormatError, NoSuchMethodError: the JVM reads its jars while it
      // runs, and a jar copied over the running one (cp or install write the same file) has other
      // bytes at the offsets it read at start, or other code. Not an ExceptionInInitializerError,
      // also a LinkageError: the JVM passes a class initialiser's Errors as they are, so it wraps
      // an exception of hostpki's own code, a bug to report.
      return new HostpkiException(
          "hostpki's own code could not be loaded (" + error.getClass().getSimpleName()
              + (error.getMessage() == null ? "" : " for " + error.getMessage()) + "): were its jars replaced while it"
              + " ran, copied over the running ones (cp, install) instead of unpacked beside them and"
              + " the link switched (README, \"Install\")? Run it again (systemd restarts a watch that"
              + " stops this way); if this happens again, install hostpki anew." + NEVER_HALF_WRITTEN,
          error);
    }
    return new HostpkiException(
        "internal error: " + error + " (run with --debug for details and report it)", error);
  }

  /**
   * Loads this class at start: the error it describes may be that no more code can be loaded
   * (the jar was replaced under the running JVM), this class included.
   */
  static void load() {}

  private static boolean tooManyOpenFiles(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException && String.valueOf(t.getMessage()).contains(TOO_MANY_OPEN_FILES)) {
        return true;
      }
    }
    return false;
  }
}
