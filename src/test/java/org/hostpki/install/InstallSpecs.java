package org.hostpki.install;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.SourcePosition;

/** {@code trust.install} settings for tests. */
final class InstallSpecs {
  private static final SourcePosition HERE = new SourcePosition(Path.of("/etc/hostpki/host.yaml"), 1, 1);

  private InstallSpecs() {}

  static InstallSpec system() {
    return new InstallSpec(List.of(InstallSpec.Content.CA), true, false, List.of(), Optional.empty(), List.of(), HERE);
  }

  static InstallSpec of(boolean system, boolean runningJava, List<Path> javaKeystores, List<Path> nss) {
    return new InstallSpec(List.of(InstallSpec.Content.CA), system, runningJava, javaKeystores, Optional.empty(), nss, HERE);
  }
}
