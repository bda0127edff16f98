package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DesiredStateContent;
import org.junit.jupiter.api.Test;

/**
 * What a desired state says, apart from where it is written down ({@link DesiredStateContent}): the
 * same settings in another file, at other lines, have the same digest (an Ansible task's inline
 * desired: and the timer's file); another setting differs, by section.
 */
class DesiredStateContentTest {
  private static final String HOOKS =
      "hooks:\n  afterServerChange:\n    - [systemctl, reload, nginx]\n"
          + "outputs:\n  - {format: combined-pem, file: haproxy.pem, afterChange: [[systemctl, reload, haproxy]]}\n";

  private static DesiredState load(Path dir, String name, String yaml) {
    return new DesiredStateLoader().loadString(dir.resolve(name), yaml).desiredState().orElseThrow();
  }

  @Test
  void testTheSameSettingsInAnotherFileAtOtherLines_sayTheSame_andAnotherHostDiffersInHost() throws IOException {
    Path dir = Files.createTempDirectory("hostpki-content").toRealPath();
    String example = Files.readString(Path.of("examples/trust-store.yaml")) + HOOKS;
    DesiredState one = load(dir, "host.yaml", example);
    DesiredState moved = load(dir, ".hostpki-desired-x.json", "# moved down\n\n\n" + example);
    DesiredState other = load(dir, "other.yaml", example + "host: {detect: false, hostname: www}\n");

    assertThat(DesiredStateContent.digest(moved)).isEqualTo(DesiredStateContent.digest(one));
    assertThat(DesiredStateContent.differences(one, moved)).isEmpty();
    assertThat(DesiredStateContent.digest(other)).isNotEqualTo(DesiredStateContent.digest(one));
    assertThat(DesiredStateContent.differences(one, other)).containsExactly("host");
    Files.delete(dir);
  }
}
