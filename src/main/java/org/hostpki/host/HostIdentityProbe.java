package org.hostpki.host;

import java.util.Objects;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;

/** Finds the live identity of the host, as the desired state's {@code host:} section asks. */
public interface HostIdentityProbe {

  /**
   * The host identity: detection, with each part given in {@code spec} overriding detection of that
   * part; with {@code spec.detect()} false only the given parts.
   *
   * @throws HostpkiException when a part that is needed can be neither detected nor taken from the
   *     spec; the message names the YAML key to set
   */
  HostIdentity identify(HostSpec spec);

  /**
   * A probe whose detection finds {@code detected}, for tests of other packages. The spec is
   * applied as by the live probe: its overrides win, and with {@code detect: false} only the given
   * parts are used ({@code ignoreInterfaces} has nothing to act on here).
   */
  static HostIdentityProbe fixed(HostIdentity detected) {
    Objects.requireNonNull(detected, "detected");
    return spec -> SpecOverrides.identify(spec, new FixedDetection(detected));
  }
}
