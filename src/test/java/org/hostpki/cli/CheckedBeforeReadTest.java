package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desired state read through a way another user could change, clean again when it is checked
 * after the read: nobody swapped a link of theirs from a clean file to one declaring a hook and
 * back, and root ran the hook. What the check before the read found refuses it.
 */
class CheckedBeforeReadTest {
  @TempDir Path dir;

  @Test
  void aWayThatWasUnsafeWhenTheFileWasReadIsRefusedThoughItIsCleanNow() throws Exception {
    Path yaml = Files.writeString(dir.resolve("host.yaml"), "");
    DesiredState desired = new DesiredStateLoader().loadString(yaml, """
        apiVersion: hostpki/v1
        store: {path: pki}
        """).desiredState().orElseThrow();
    assertThatCode(() -> StoreCommand.requireSafeToRun(desired, Optional.empty(), "nothing was changed"))
        .doesNotThrowAnyException();

    String before = yaml + " says who gets the keys and what is trusted, but " + dir.resolve("h.yaml")
        + " is a symbolic link owned by nobody";
    assertThatThrownBy(() -> StoreCommand.requireSafeToRun(desired, Optional.of(before), "nothing was changed"))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(before + "; nothing was changed");
  }
}
