package org.hostpki.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM of its own with the tests' class path: for what must run in another process (a run to
 * kill, a lock holder, a child in a namespace), without the packaged jar.
 */
public final class Jvm {
  /** As bin/hostpki starts hostpki: a short run, no JIT tiers it will not live to use. */
  public static final List<String> SHORT_RUN =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

  private Jvm() {}

  /** The {@code java} of the JDK running the tests. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java -cp TEST-CLASS-PATH MAIN ARGS}, started as a short run. */
  public static List<String> commandLine(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(SHORT_RUN);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    return command;
  }

  public static Command command(Class<?> mainClass, String... args) {
    return Command.of(commandLine(mainClass, args));
  }
}
