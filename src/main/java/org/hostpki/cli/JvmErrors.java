package org.hostpki.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
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

  /**
   * How many file descriptors this process holds, against its soft limit, when an error is
   * described. Some of the JDK's class initialisers swallow the "Too many open files" of a file
   * they could not open and throw an Error with no cause: {@code java.security.Security} answers
   * {@code InternalError: Error loading java.security file} (found: {@code ulimit -n 20}).
   */
  record OpenFiles(long open, long limit) {
    /** Left to the JVM's own use between the failed open and this count (its stream closed). */
    private static final long MARGIN = 8;

    boolean nearLimit() {
      return limit > 0 && open + MARGIN >= limit;
    }

    /**
     * This process's count, from /proc; none (no limit known) where /proc cannot be read, the
     * limit itself where not even /proc can be opened for too many open files.
     */
    static OpenFiles ofThisProcess() {
      long limit;
      long open = 0;
      try {
        OptionalLong soft = softLimit(Files.readAllLines(Path.of("/proc/self/limits")));
        if (soft.isEmpty()) {
          return new OpenFiles(0, 0);
        }
        limit = soft.getAsLong();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
          for (Path ignored : fds) {
            open++;
          }
        }
      } catch (IOException e) {
        return tooManyOpenFiles(e) ? new OpenFiles(1, 1) : new OpenFiles(0, 0);
      } catch (RuntimeException e) {
        return new OpenFiles(0, 0);
      }
      return new OpenFiles(open, limit);
    }

    /** The soft limit of the "Max open files" line of /proc/self/limits; none if unknown or unlimited. */
    static OptionalLong softLimit(List<String> limits) {
      for (String line : limits) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return !soft.isEmpty() && soft.chars().allMatch(Character::isDigit)
              ? OptionalLong.of(Long.parseLong(soft)) : OptionalLong.empty();
        }
      }
      return OptionalLong.empty();
    }
  }

  /** The error in a user's words; the original is its cause, for {@code --debug}. */
  static HostpkiException describe(Error error) {
    return describe(error, OpenFiles::ofThisProcess);
  }

  /** As {@link #describe(Error)}, with this process's open files counted by {@code openFiles}. */
  static HostpkiException describe(Error error, Supplier<OpenFiles> openFiles) {
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
    if (tooManyOpenFiles(error) || (causeSwallowed(error) && openFiles.get().nearLimit())) {
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

  /**
   * An Error the JDK threw for a failure it did not pass on (no cause, or causes of its own
   * words with no IOException among them), or a NoClassDefFoundError (a class whose
   * initialiser failed so, or one whose jar could not be opened): only the count of open files
   * can tell whether the limit was the reason, not replaced jars.
   * {@code javax.crypto.JceSecurity}'s initialiser, run by the first PKCS#12 load (a
   * trust.install java target), drops the "Too many open files" of its policy files and throws
   * ExceptionInInitializerError &lt;- SecurityException "Can not initialize cryptographic
   * mechanism" &lt;- SecurityException "Couldn't parse jurisdiction policy files" (found:
   * {@code ulimit -n 27}).
   */
  private static boolean causeSwallowed(Error error) {
    return !ioExceptionInChain(error)
        && (error instanceof InternalError || error instanceof ExceptionInInitializerError
            || error instanceof NoClassDefFoundError);
  }

  /** Whether the chain of causes holds an IOException: then its own words tell what failed. */
  private static boolean ioExceptionInChain(Throwable error) {
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static boolean tooManyOpenFiles(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException && String.valueOf(t.getMessage()).contains(TOO_MANY_OPEN_FILES)) {
        return true;
      }
    }
    return false;
  }
}
