package org.hostpki.host;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostIdentity;

/**
 * Detection that finds a given identity. A missing address or a placeholder name is noted as by
 * the live probe; the identity's host-file notes come with its domain, when that is detected.
 */
final class FixedDetection implements HostDetection {
  private final HostIdentity detected;
  private final List<HostIdentity.Note> notes = new ArrayList<>();

  FixedDetection(HostIdentity detected) {
    this.detected = detected;
  }

  @Override
  public HostName hostname() {
    return new HostName(detected.hostname(), detected.domain());
  }

  @Override
  public Optional<String> domain(String shortName) {
    detected.notes().stream()
        .filter(
            n ->
                n.kind() == HostIdentity.Note.Kind.HOST_FILE
                    || n.kind() == HostIdentity.Note.Kind.PLACEHOLDER_DOMAIN)
        .forEach(notes::add);
    return detected.domain();
  }

  @Override
  public List<InetAddress> addresses(List<String> ignoreInterfaces) {
    return detected.addresses();
  }

  @Override
  public List<HostIdentity.Note> notes() {
    return List.copyOf(notes);
  }
}
