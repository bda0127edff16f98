package org.hostpki.install;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * The operating system's trusted roots as a trust source ({@code trust.includeSystemRoots}, as
 * trust-manager's {@code useDefaultCAs}): the certificates of the bundle its tool writes — Debian's
 * {@code /etc/ssl/certs/ca-certificates.crt}, Fedora's {@code
 * /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem} — which include the roots the administrator
 * added locally, but not what hostpki installed there itself (that would come back under a second
 * name).
 *
 * <p>Each gets a name that stays the same when the bundle changes around it: {@code system-}, its
 * commonName (or organizationalUnit, or organization) with every character outside {@code
 * [A-Za-z0-9._-]} as {@code _}, and the first 8 hex digits of its SHA-256 — {@code
 * system-ISRG_Root_X1-96bcec06}. The prefix {@code system-} is the system roots'.
 */
public final class SystemRoots {
  public static final String PREFIX = "system-";

  private static final int MAX_LABEL = 64;

  private SystemRoots() {}

  /** The system's roots under {@code root}, by name. */
  public static SortedMap<String, Certificate> read(Path root) {
    SystemTrustLayout layout =
        SystemTrustLayout.detect(root)
            .orElseThrow(
                () ->
                    new HostpkiException(
                        "trust.includeSystemRoots: hostpki does not know where this system keeps its CA bundle"
                            + " (neither Debian/Ubuntu's /etc/ssl/certs/ca-certificates.crt nor Fedora/RHEL's"
                            + " /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem); declare the roots you need"
                            + " under trust.directories instead"));
    try {
      byte[] bundle =
          InstallFiles.read(layout.bundle(), 64 << 20, true)
              .orElseThrow(() -> new IOException(layout.bundle() + " does not exist; run " + layout.family().tool()));
      return named(Pem.readCertificates(bundle, 100_000), installedByHostpki(layout));
    } catch (IOException e) {
      throw new HostpkiException("trust.includeSystemRoots: cannot read the system's CA bundle: " + e.getMessage());
    } catch (InvalidMaterialException e) {
      throw new HostpkiException("trust.includeSystemRoots: " + layout.bundle() + " " + e.getMessage());
    }
  }

  /** The certificates by their names, without those hostpki installed and without repeats. */
  static SortedMap<String, Certificate> named(List<Certificate> certificates, Set<Fingerprint> excluded) {
    SortedMap<String, Certificate> out = new TreeMap<>();
    Set<Fingerprint> seen = new HashSet<>(excluded);
    for (Certificate certificate : certificates) {
      if (!seen.add(certificate.fingerprint())) {
        continue;
      }
      String name = name(certificate.facts(), 8);
      if (out.containsKey(name)) {
        name = name(certificate.facts(), 64); // 8 hex digits alike: the whole digest tells them apart
      }
      out.put(name, certificate);
    }
    return out;
  }

  static String name(CertificateFacts facts, int hexDigits) {
    String label =
        facts.subject().commonName()
            .or(() -> facts.subject().organizationalUnit())
            .or(() -> facts.subject().organization())
            .orElse("root");
    // Letters with accents lose them (Főtanúsítvány becomes Fotanusitvany), the rest becomes _.
    String ascii = Normalizer.normalize(label, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
    String safe = ascii.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._-]+|[._-]+$", "");
    if (safe.isEmpty()) {
      safe = "root";
    }
    if (safe.length() > MAX_LABEL) {
      safe = safe.substring(0, MAX_LABEL);
    }
    return PREFIX + safe + "-" + facts.fingerprint().hex().substring(0, hexDigits);
  }

  /** What hostpki itself put into the system store, whose certificates the bundle now holds too. */
  private static Set<Fingerprint> installedByHostpki(SystemTrustLayout layout) throws IOException {
    Set<Fingerprint> out = new HashSet<>();
    if (!Files.isDirectory(layout.anchors())) {
      return out;
    }
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(layout.anchors(), InstallEntryNames.MARK + "*" + layout.suffix())) {
      for (Path file : dir) {
        Optional<byte[]> bytes;
        try {
          bytes = InstallFiles.read(file, 1 << 20, false);
        } catch (IOException e) {
          continue; // not a regular file: nothing the tool took up either
        }
        try {
          for (Certificate c : Pem.readCertificates(bytes.orElse(new byte[0]))) {
            out.add(c.fingerprint());
          }
        } catch (InvalidMaterialException e) {
          // an unreadable file is not in the bundle either
        }
      }
    }
    return out;
  }
}
