package org.hostpki.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link LockHolderProcess} in a JVM of its own; tests must {@link #kill()} it. */
final class ChildJvm {
  private final Process process;
  private final BufferedReader output;

  private ChildJvm(Process process) {
    this.process = process;
    this.output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static ChildJvm start(String mode, Path store) throws IOException {
    return start(commandLine(mode, store));
  }

  /** Runs {@code commandLine}: {@link #commandLine} under a prefix (unshare, say). */
  static ChildJvm start(List<String> commandLine) throws IOException {
    Process process =
        new ProcessBuilder(commandLine)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new ChildJvm(process);
  }

  /** The command line that runs {@link LockHolderProcess} with {@code mode} on {@code store}. */
  static List<String> commandLine(String mode, Path store) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        location(StoreLock.class)
            + System.getProperty("path.separator")
            + location(LockHolderProcess.class);
    return List.of(java, "-cp", classpath, LockHolderProcess.class.getName(), mode, store.toString());
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** The PID of the JVM as this process sees it: under a prefix, the descendant running java. */
  long jvmPid() {
    return process.descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(process.pid());
  }

  /** The child's next line of output (blocks until it prints one or exits). */
  String nextLine() throws IOException {
    String line = output.readLine();
    return line == null ? "<exited>" : line;
  }

  /** Kills the child by its PID, as a crash would end a holder, and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly); // the JVM under a prefix
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
