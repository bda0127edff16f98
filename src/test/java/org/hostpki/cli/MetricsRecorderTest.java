package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.junit.jupiter.api.Test;

/**
 * What an apply's metrics say of its install targets: its plan was made before it ran (rvcore15:
 * the apply that fixed a failing target left hostpki_warnings{code="install-failed"} 1).
 */
class MetricsRecorderTest {
  private static final Warning FAILED_JAVA =
      new Warning(WarningCode.INSTALL_FAILED, "install/java:/opt/app/cacerts", "the last attempt failed");
  private static final Warning UNREADABLE_NSS =
      new Warning(WarningCode.INSTALL_UNREADABLE, "install/nss:sql:/home/app/.pki/nssdb", "cannot be read");
  private static final Warning OTHER = new Warning(WarningCode.INSTALL_FAILED, "install/system", "failed");

  @Test
  void aTargetThisApplyChangedIsNoLongerFailing() {
    List<Warning> after = MetricsRecorder.warningsAfterApply(List.of(FAILED_JAVA, UNREADABLE_NSS), List.of(), false);

    assertThat(after).containsExactly(UNREADABLE_NSS);
    assertThat(MetricsRecorder.installFailingAfterApply(after, List.of()))
        .containsExactly("nss:sql:/home/app/.pki/nssdb");
  }

  @Test
  void aTargetThatFailedAgainStaysFailingOnce() {
    List<Warning> after = MetricsRecorder.warningsAfterApply(List.of(FAILED_JAVA, OTHER), List.of("java:/opt/app/cacerts"), false);

    assertThat(after).containsExactly(FAILED_JAVA);
    assertThat(MetricsRecorder.installFailingAfterApply(after, List.of("java:/opt/app/cacerts")))
        .containsExactly("java:/opt/app/cacerts");
  }

  /** A run a rollback holds tries no target: what the plan saw failing still fails. */
  @Test
  void aHeldRunKeepsThePlansFailures() {
    List<Warning> after = MetricsRecorder.warningsAfterApply(List.of(FAILED_JAVA), List.of(), true);

    assertThat(after).containsExactly(FAILED_JAVA);
    assertThat(MetricsRecorder.installFailingAfterApply(after, List.of())).containsExactly("java:/opt/app/cacerts");
  }
}
