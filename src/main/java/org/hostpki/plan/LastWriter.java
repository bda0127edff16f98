package org.hostpki.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Another desired-state file that wrote the store's current generation and says other than the
 * one planned ({@link PlanInput#lastWriter()}).
 *
 * @param file the file (absolute) as the generation's record names it
 * @param differences the top-level sections ({@code host}, {@code server}...) the two differ in,
 *     when that file could still be read; empty when it could not (only its recorded digest told)
 * @param notAFile whether the record names something that is there but is no file a person
 *     could have written a desired state in (a device, a FIFO, a kernel file under /proc): "remove
 *     it" is then no advice to give
 */
public record LastWriter(Path file, List<String> differences, boolean notAFile) {
  public LastWriter(Path file, List<String> differences) {
    this(file, differences, false);
  }

  public LastWriter {
    Objects.requireNonNull(file, "file");
    differences = List.copyOf(differences);
  }
}
