package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Jvm;
import org.hostpki.testkit.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard output on a full disk ({@code /dev/full}: every write fails with ENOSPC) is an error
 * said on standard error, not exit 0 with a cut document that a script then reads.
 */
class StandardOutputTest {
  @TempDir Path dir;

  @Test
  void aFullDiskUnderStandardOutputFailsTheRun() {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" > /dev/full", "sh"));
    command.addAll(Jvm.commandLine(Main.class, "version"));

    ProcessResult run = Command.of(command).in(dir).env("NO_COLOR", "1").run();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stderr())
        .as(run.toString())
        .isEqualTo(
            "error: cannot write standard output (No space left on device): what hostpki printed"
                + " there is incomplete, but the command itself ran to its end (exit code 0 otherwise):"
                + " a command that changes things (apply, rollback, revoke, sign, a file written with -o)"
                + " made its changes, one that only reads (status, plan, check, history) changed nothing;"
                + " 'hostpki status' shows the store. Make room or send the output elsewhere\n");
  }

  /** A code that already says "not done" stays: apply's 3 (a hook failed), Nagios' 2 (CRITICAL). */
  @Test
  void aFailedWrite_makesOnlySuccessAnError() {
    java.io.StringWriter said = new java.io.StringWriter();
    java.io.PrintWriter err = new java.io.PrintWriter(said);
    java.util.Optional<String> full = java.util.Optional.of("No space left on device");

    assertThat(StandardOutput.exitCode(ExitCodes.OK, full, err)).isEqualTo(ExitCodes.ERROR);
    assertThat(StandardOutput.exitCode(ExitCodes.HOOK_FAILED, full, err)).isEqualTo(ExitCodes.HOOK_FAILED);
    assertThat(StandardOutput.exitCode(ExitCodes.CHANGES_PENDING, full, err)).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(StandardOutput.exitCode(ExitCodes.USAGE, full, err)).isEqualTo(ExitCodes.USAGE);
    assertThat(StandardOutput.exitCode(ExitCodes.OK, java.util.Optional.empty(), err)).isEqualTo(ExitCodes.OK);
    assertThat(said.toString().lines()).hasSize(4).allMatch(l -> l.contains("the command itself ran to its end"));
  }
}
