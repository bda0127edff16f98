package org.hostpki.pki;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.bouncycastle.asn1.ASN1Object;

/**
 * The version of the BouncyCastle jar this process runs with, as its manifest gives it (the jars
 * carry an OSGi {@code Bundle-Version}, no {@code Implementation-Version}). Read from the jar that
 * actually loaded the classes, so a jar swapped in by hand or by a distribution shows up; and
 * without making a provider, which would register hundreds of algorithms.
 */
public final class BouncyCastleVersion {
  private BouncyCastleVersion() {}

  /** Empty when the classes do not come from a jar with a version (a class folder, say). */
  public static Optional<String> ofRuntime() {
    CodeSource source = ASN1Object.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      Path jar = Path.of(source.getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        return Optional.empty();
      }
      try (JarFile file = new JarFile(jar.toFile(), false)) {
        Manifest manifest = file.getManifest();
        if (manifest == null) {
          return Optional.empty();
        }
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        if (version == null) {
          version = manifest.getMainAttributes().getValue("Implementation-Version");
        }
        return Optional.ofNullable(version).map(String::strip).filter(v -> !v.isEmpty());
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
