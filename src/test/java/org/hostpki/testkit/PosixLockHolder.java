package org.hostpki.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process (python3) that holds a POSIX write lock on a file, as a process that is not
 * hostpki would: it names itself nowhere, and only the kernel's lock table says who it is.
 */
public final class PosixLockHolder implements AutoCloseable {
  private final Process process;

  private PosixLockHolder(Process process) {
    this.process = process;
  }

  /** Starts the holder and returns once it holds the lock on {@code file} (which must exist). */
  public static PosixLockHolder lock(Path file) throws IOException {
    Process process =
        new ProcessBuilder(
                "python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\nsys.stdin.read()",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    PosixLockHolder holder = new PosixLockHolder(process);
    if (!"held".equals(line)) {
      holder.close();
      throw new IOException("python3 did not lock " + file + ": " + line);
    }
    return holder;
  }

  /** Its PID. */
  public long pid() {
    return process.pid();
  }

  /** Stops it, which releases the lock. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
