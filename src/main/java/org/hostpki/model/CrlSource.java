package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@code trust.crls}: a CRL file, or a folder of them.
 *
 * @param path resolved against the desired state's folder
 * @param origin where the desired state names it
 */
public record CrlSource(Path path, SourcePosition origin) {
  /** File name endings read from a folder, besides {@code HASH.rN}. */
  public static final List<String> FILE_ENDINGS = List.of(".crl", ".pem", ".der");

  /**
   * Whether a file of a folder of CRLs is read, by its name: {@code *.crl}, {@code *.pem}, {@code
   * *.der} and {@code HASH.rN}, not one starting with a dot.
   */
  public static boolean isCrlFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && (FILE_ENDINGS.stream().anyMatch(lower::endsWith) || StoreLayout.isHashedCrl(name));
  }

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
