package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry of {@code trust.crls}: a CRL file, or a folder of them.
 *
 * @param path resolved against the desired state's folder
 * @param origin where the desired state names it
 */
public record CrlSource(Path path, SourcePosition origin) {
  public CrlSource {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(origin, "origin");
  }

  /** {@code hostpki.yaml:14:5 (/etc/fleet/fleet.crl)}: where errors about it point. */
  @Override
  public String toString() {
    return origin + " (" + path + ")";
  }
}
