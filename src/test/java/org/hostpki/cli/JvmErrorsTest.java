package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's own errors at the machine's limits (heap, file descriptors) are one line with the fix,
 * as every error is, never the JVM's stack trace; {@code --output json} still gets its document.
 */
class JvmErrorsTest {
  @TempDir Path dir;

  private CliResult planFailingWith(Error error, String... more) throws IOException {
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n");
    HostIdentityProbe probe = spec -> {
      throw error;
    };
    String[] args = new String[2 + more.length];
    args[0] = "plan";
    args[1] = "host.yaml";
    System.arraycopy(more, 0, args, 2, more.length);
    return Cli.in(dir).probe(probe).run(args);
  }

  @Test
  void outOfHeapIsOneLineNamingTheSetting() throws IOException {
    CliResult run = planFailingWith(new OutOfMemoryError("Java heap space")).assertExitCode(1).assertNoStackTrace();

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err())
        .startsWith("error: hostpki ran out of memory (Java heap space; this JVM may use at most ")
        .contains("HOSTPKI_JAVA_OPTS=-Xmx", "never left half-written");
  }

  /**
   * A jar copied over the one a running hostpki started from (cp, install: the same file, other
   * bytes): the next class it loads fails. A watch died with the JVM's trace of a
   * NoClassDefFoundError of this very class, which was loaded only then.
   */
  @Test
  void codeThatCannotBeLoadedSaysTheJarsWereReplacedWhileItRan() throws IOException {
    Error error = new NoClassDefFoundError("org/hostpki/apply/HookRunner");

    CliResult run = planFailingWith(error).assertExitCode(1).assertNoStackTrace();

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err())
        .startsWith("error: hostpki's own code could not be loaded (NoClassDefFoundError for"
            + " org/hostpki/apply/HookRunner): were its jars replaced while it ran")
        .contains("Run it again", "never left half-written");
  }

  /**
   * An exception in a class initialiser is a LinkageError too, but a bug of hostpki's own code
   * (the JVM wraps no Error there): reported as one, not as jars replaced while it ran.
   */
  @Test
  void anExceptionInAClassInitialiserIsAnInternalErrorNotReplacedJars() throws IOException {
    Error error = new ExceptionInInitializerError(new IllegalStateException("no such curve"));

    CliResult run = planFailingWith(error).assertExitCode(1);

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: internal error: java.lang.ExceptionInInitializerError")
        .contains("report it").doesNotContain("replaced", "null");
  }

  /** The JDK reports a thread refused by the process limit as an OutOfMemoryError: not the heap. */
  @Test
  void aThreadRefusedByTheProcessLimitNamesThatLimitNotTheHeap() throws IOException {
    Error error = new OutOfMemoryError(
        "unable to create native thread: possibly out of memory or process/resource limits reached");

    CliResult run = planFailingWith(error).assertExitCode(1).assertNoStackTrace();

    assertThat(run.err()).startsWith("error: hostpki could not start a thread").contains("ulimit -u", "TasksMax=")
        .doesNotContain("-Xmx");
  }

  @Test
  void outOfFileDescriptorsInAClassInitialiserIsOneLineWithTheLimit() throws IOException {
    Error error = new ExceptionInInitializerError(new IOException("Too many open files"));

    CliResult run = planFailingWith(error, "--output", "json").assertExitCode(1).assertNoStackTrace();

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: hostpki ran out of file descriptors").contains("ulimit -n");
    assertThat(run.out()).contains("\"command\":\"plan\"", "ran out of file descriptors");
  }

  /**
   * {@code java.security.Security}'s initialiser swallows the "Too many open files" of its
   * java.security file and throws an InternalError with no cause (found: {@code ulimit -n 20},
   * plan, status and export said "internal error ... report it"): the count of open files
   * against the limit tells.
   */
  @Test
  void anErrorWithoutCauseAtTheDescriptorLimitNamesTheLimit() {
    Error error = new InternalError("Error loading java.security file");

    HostpkiException atLimit = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(19, 20));
    HostpkiException withRoom = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(30, 1024));
    HostpkiException notEvenProc = JvmErrors.describe(
        new NoClassDefFoundError("Could not initialize class java.security.Security"),
        () -> new JvmErrors.OpenFiles(1, 1));

    assertThat(atLimit.getMessage()).startsWith("hostpki ran out of file descriptors").contains("ulimit -n");
    assertThat(notEvenProc.getMessage()).startsWith("hostpki ran out of file descriptors");
    assertThat(withRoom.getMessage()).startsWith("internal error: java.lang.InternalError");
  }

  /**
   * {@code javax.crypto.JceSecurity}'s initialiser, run by the first PKCS#12 load (a
   * trust.install java target), keeps no IOException in its chain of causes (found by rvcore15:
   * {@code ulimit -n 27}, plan/status/check said "internal error: ExceptionInInitializerError").
   */
  @Test
  void anInitialiserErrorWithCausesOfItsOwnAtTheDescriptorLimitNamesTheLimit() {
    Error error = new ExceptionInInitializerError(new SecurityException(
        "Can not initialize cryptographic mechanism",
        new SecurityException("Couldn't parse jurisdiction policy files in: unlimited")));

    HostpkiException atLimit = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(21, 27));
    HostpkiException withRoom = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(30, 1024));

    assertThat(atLimit.getMessage()).startsWith("hostpki ran out of file descriptors").contains("ulimit -n");
    assertThat(withRoom.getMessage()).startsWith("internal error: java.lang.ExceptionInInitializerError");
  }

  /**
   * A class whose jar could not be opened at the limit (hostpki run from its classes and lib/,
   * {@code ulimit -n 24}): the JVM's NoClassDefFoundError names the class, not the reason, and
   * was taken for jars replaced while it ran.
   */
  @Test
  void aClassNotLoadedAtTheDescriptorLimitNamesTheLimitNotReplacedJars() {
    Error error = new NoClassDefFoundError("org/hostpki/store/StoreNames");

    HostpkiException atLimit = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(20, 24));
    HostpkiException withRoom = JvmErrors.describe(error, () -> new JvmErrors.OpenFiles(30, 1024));

    assertThat(atLimit.getMessage()).startsWith("hostpki ran out of file descriptors");
    assertThat(withRoom.getMessage()).startsWith("hostpki's own code could not be loaded");
  }

  @Test
  void theSoftLimitIsReadFromProcSelfLimits() {
    assertThat(JvmErrors.OpenFiles.softLimit(List.of(
            "Limit                     Soft Limit           Hard Limit           Units",
            "Max open files            27                   1048576              files")))
        .hasValue(27);
    assertThat(JvmErrors.OpenFiles.softLimit(List.of(
            "Max open files            unlimited            unlimited            files")))
        .isEmpty();
    assertThat(JvmErrors.OpenFiles.ofThisProcess().nearLimit()).isFalse();
  }
}
