package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Monitoring output.
 *
 * @param textfile where to write the Prometheus text-format file (for node_exporter's textfile
 *     collector); empty: none is written
 * @param trustCertificates also write one series per trusted certificate (a large trust store
 *     would otherwise give a series per entry; by default only the count and the soonest expiry)
 */
public record MetricsSpec(Optional<Path> textfile, boolean trustCertificates) {
  public MetricsSpec {
    Objects.requireNonNull(textfile, "textfile");
  }

  public static MetricsSpec none() {
    return new MetricsSpec(Optional.empty(), false);
  }
}
