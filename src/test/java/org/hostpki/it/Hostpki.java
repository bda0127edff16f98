package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built CLI, run as the README runs it: {@code java -jar target/hostpki-VERSION.jar}, in a JVM
 * of its own, with the {@code java} of the JDK running the tests.
 */
final class Hostpki {
  /** The PKCS#12 password of every store the suite makes; hostpki reads it from this variable. */
  static final String PASSWORD = "it-store-secret";

  static final String PASSWORD_VARIABLE = "HOSTPKI_PASSWORD";

  // RSA 3072 key generation in a cold JVM on a busy 2-core machine takes a while.
  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  private Hostpki() {}

  /** Runs {@code hostpki ARGS} in the directory; the store password is in the environment. */
  static ProcessResult run(Path directory, String... args) {
    return command(List.of(), directory, args).run();
  }

  /**
   * {@code hostpki ARGS} under the real {@code faketime}: libfaketime moves the clock of the whole
   * JVM, as a wrong system clock would.
   *
   * @param fakeTime libfaketime's advanced format: {@code -1d}, {@code +7300d}, {@code @2001-01-01
   *     00:00:00}
   */
  static Command underFakeTime(String fakeTime, Path directory, String... args) {
    return command(List.of("faketime", "-f", fakeTime), directory, args);
  }

  private static Command command(List<String> prefix, Path directory, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args));
    return Command.of(command)
        .in(directory)
        .env(PASSWORD_VARIABLE, PASSWORD)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT);
  }

  /** Writes the desired-state file, applies it and returns the store it describes. */
  static Store apply(DesiredStateFile desired) {
    desired.write();
    run(desired.directory(), "apply", "-f", desired.file().toString()).assertSucceeded();
    return new Store(desired.storeDirectory());
  }

  private static Path jar() {
    String property = System.getProperty("hostpki.jar");
    assertThat(property)
        .as("system property hostpki.jar (set by maven-failsafe; run the suite with `mvn verify`)")
        .isNotBlank();
    Path jar = Path.of(property);
    assertThat(Files.isRegularFile(jar))
        .as("the built jar %s exists (`mvn package` makes it)", jar)
        .isTrue();
    return jar;
  }
}
