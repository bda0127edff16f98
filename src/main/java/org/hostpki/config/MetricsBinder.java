package org.hostpki.config;

import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.model.MetricsSpec;

/** The {@code metrics} section: the Prometheus textfile. */
final class MetricsBinder {
  private final Fields fields;

  MetricsBinder(Fields fields) {
    this.fields = fields;
  }

  /**
   * @param store the store's folder: the textfile must not be inside it, where only hostpki's own
   *     generations live
   */
  MetricsSpec bind(YamlNode.Mapping metrics, Path store) {
    Optional<Fields.Given<String>> text = fields.string(metrics, "textfile");
    if (text.isPresent() && text.get().value().equals("-")) {
      // Not standard output, as for export -o: it would mix with what the command prints.
      fields.error(
          text.get().node(),
          text.get().node().displayName() + " '-' would be a file named '-' in this file's folder;"
              + " give the metrics file's path, e.g. /var/lib/prometheus/node-exporter/hostpki.prom");
      return new MetricsSpec(Optional.empty(), fields.bool(metrics, "trustCertificates").orElse(false));
    }
    Optional<Path> textfile = text.flatMap(fields::path);
    if (textfile.isPresent()) {
      YamlNode node = text.get().node();
      Path file = textfile.get();
      if (file.startsWith(store)) {
        fields.error(
            node,
            node.displayName() + " '" + text.get().value() + "' is inside the store (store.path),"
                + " which holds only hostpki's generations; write it to node_exporter's textfile"
                + " folder, e.g. /var/lib/prometheus/node-exporter/hostpki.prom");
        textfile = Optional.empty();
      } else if (!file.getFileName().toString().endsWith(".prom")) {
        fields.warning(
            node,
            node.displayName() + " '" + text.get().value() + "' does not end in .prom, so"
                + " node_exporter's textfile collector will not read it");
      }
    }
    return new MetricsSpec(textfile, fields.bool(metrics, "trustCertificates").orElse(false));
  }
}
