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
                + " there is incomplete; make room or send it elsewhere, and run the command again\n");
  }
}
