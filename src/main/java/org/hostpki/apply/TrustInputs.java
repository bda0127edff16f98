package org.hostpki.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.files.FileReasons;
import org.hostpki.files.FileTooLargeException;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.files.NotARegularFileException;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificatePool;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * Reads the declared trusted certificates from their sources. A file holding one certificate
 * yields the name {@code NAME}; a file holding several yields {@code NAME-HEX} for each, HEX being
 * the first {@value #NAME_DIGITS} hex digits of its SHA-256 fingerprint (see {@link
 * #entryNames}), so that a name always means the same certificate and removing one certificate
 * from a bundle removes one entry; a file that is not a certificate is an error naming it, never
 * skipped.
 */
public final class TrustInputs {
  /** Hex digits of the fingerprint naming each certificate of a file holding several. */
  static final int NAME_DIGITS = StoreLayout.TRUSTED_NAME_DIGITS;

  /**
   * The longest name of a trusted certificate that {@code trust.install} installs: its entry name
   * ({@link InstallEntryNames#tagged}, {@link InstallEntryNames#trusted}) must fit {@link
   * InstallEntryNames#MAX_LENGTH} after the longest tag.
   */
  static final int MAX_INSTALLED_NAME =
      InstallEntryNames.MAX_LENGTH - InstallEntryNames.trusted("").length() - InstallEntryNames.MAX_TAG_LENGTH - 1;

  /** File name endings read from trust directories. */
  public static final List<String> EXTENSIONS = TrustSpec.FILE_ENDINGS;

  /**
   * The declared certificates and, with {@code trust.includeSystemRoots}, the system's public
   * roots ({@link org.hostpki.install.SystemRoots}, named {@code system-LABEL-HEX}) under the file
   * system {@code root}.
   *
   * @throws HostpkiException when a declared name is a system root's
   */
  static SortedMap<String, Certificate> withSystemRoots(
      TrustSpec trust, SortedMap<String, Certificate> declared, java.util.function.Supplier<Path> root) {
    if (!trust.includeSystemRoots()) {
      return declared;
    }
    SortedMap<String, Certificate> all = new TreeMap<>(declared);
    org.hostpki.install.SystemRoots.read(root.get()).forEach(
        (name, certificate) -> {
          if (all.putIfAbsent(name, certificate) != null) {
            throw new HostpkiException(
                "trusted certificate '" + name + "' has the name of a system root (trust.includeSystemRoots);"
                    + " rename it: names starting with " + org.hostpki.install.SystemRoots.PREFIX + " are the system roots'");
          }
        });
    return all;
  }

  /** The declared certificates by name. */
  public SortedMap<String, Certificate> read(TrustSpec trust) {
    return read(trust, List.of());
  }

  /**
   * Like {@link #read(TrustSpec)}, with the same result and errors, but a declared certificate
   * that is byte for byte (in DER) one of {@code known} — typically the store's {@code trust/}
   * entries — is taken from there instead of being parsed again. The files of a trust directory
   * are read and decoded on every core.
   */
  public SortedMap<String, Certificate> read(TrustSpec trust, Collection<Certificate> known) {
    CertificatePool pool = new CertificatePool(known);
    SortedMap<String, Certificate> out = new TreeMap<>();
    Map<String, String> origins = new HashMap<>();
    int maxName =
        trust.install().filter(i -> i.certificates().contains(InstallSpec.Content.TRUSTED)).isPresent()
            ? MAX_INSTALLED_NAME
            : Integer.MAX_VALUE;
    for (TrustedCertificateSource source : trust.certificates()) {
      List<Certificate> certs;
      String origin = source.origin().toString();
      if (source.content() instanceof TrustedCertificateSource.Content.FromFile f) {
        certs = parse(f.file().toString(), readFile(f.file(), origin), pool);
        origin = origin + " (" + f.file() + ")";
      } else {
        String pem = ((TrustedCertificateSource.Content.Inline) source.content()).pem();
        certs = parse(origin + " (inline pem)", pem.getBytes(StandardCharsets.UTF_8), pool);
      }
      add(out, origins, source.name(), certs, origin, maxName);
    }
    for (Path dir : trust.directories()) {
      SourcePosition named = trust.directoryOrigins().get(dir);
      List<Path> files =
          listCertificateFiles(dir, named == null ? "" : named.prefix());
      // Read and decoded on every core; the errors are then met in file order, as one by one.
      List<Outcome<List<Certificate>>> read =
          Parallel.map(
              files,
              file -> {
                List<Certificate> certs =
                    parse(file.toString(), readFile(file, "trust directory " + dir), pool);
                certs.forEach(Certificate::facts); // the planner asks for them next
                return certs;
              });
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.lastIndexOf('.'));
        if (!name.matches("[A-Za-z0-9._-]+")) {
          throw new HostpkiException(
              file
                  + ": the name '"
                  + name
                  + "' (from the file name) may only hold letters, digits, '.', '_' and '-';"
                  + " rename the file");
        }
        add(out, origins, name, read.get(i).get(), file.toString(), maxName);
      }
    }
    return out;
  }

  private static void add(
      SortedMap<String, Certificate> out,
      Map<String, String> origins,
      String name,
      List<Certificate> certs,
      String origin,
      int maxName) {
    // The same certificate twice in one file is one entry.
    Map<String, Certificate> byFingerprint = new LinkedHashMap<>();
    certs.forEach(c -> byFingerprint.putIfAbsent(c.fingerprint().hex(), c));
    List<String> names =
        byFingerprint.size() == 1 ? List.of(name) : entryNames(name, List.copyOf(byFingerprint.keySet()));
    int i = 0;
    for (Certificate certificate : byFingerprint.values()) {
      String entry = names.get(i++);
      if (entry.length() > maxName) {
        throw new HostpkiException(
            origin
                + ": the name '"
                + entry
                + "' is "
                + entry.length()
                + " characters long; trust.install installs trusted certificates under names of at most "
                + maxName
                + (entry.length() > name.length() ? " (with the fingerprint of each certificate of a file holding several)" : "")
                + "; choose a shorter name (or rename the file)");
      }
      if (StoreLayout.CA_ALIASES.contains(entry.toLowerCase(Locale.ROOT))) {
        throw new HostpkiException(
            origin
                + ": the name '"
                + entry
                + "' is reserved for the internal CA in truststore.p12; choose another name"
                + " (or rename the file)");
      }
      // PKCS#12 aliases (and case-insensitive file systems) do not tell case apart.
      String clash = origins.putIfAbsent(entry.toLowerCase(Locale.ROOT), origin);
      if (clash != null) {
        throw new HostpkiException(
            "trusted certificate name '"
                + entry
                + "' is declared twice: by "
                + clash
                + " and by "
                + origin
                + "; rename one of them");
      }
      out.put(entry, certificate);
    }
  }

  /**
   * The entry names of the distinct certificates of one file holding several, given their SHA-256
   * fingerprints (lower-case hex, distinct): {@code NAME-} and the first {@value #NAME_DIGITS} hex
   * digits; when two share those, each of them takes 4 digits more until no other certificate of
   * the file shares its prefix. A name depends only on its certificate and the others it collides
   * with, never on file order.
   */
  static List<String> entryNames(String name, List<String> fingerprints) {
    List<String> names = new ArrayList<>(fingerprints.size());
    Map<String, Integer> prefixes = new HashMap<>();
    fingerprints.forEach(f -> prefixes.merge(f.substring(0, NAME_DIGITS), 1, Integer::sum));
    for (String fingerprint : fingerprints) {
      int digits = NAME_DIGITS;
      if (prefixes.get(fingerprint.substring(0, digits)) > 1) { // about 1e-5 in 100,000
        while (digits < fingerprint.length() && sharesPrefix(fingerprint, digits, fingerprints)) {
          digits += 4;
        }
      }
      names.add(name + "-" + fingerprint.substring(0, Math.min(digits, fingerprint.length())));
    }
    return names;
  }

  private static boolean sharesPrefix(String fingerprint, int digits, List<String> fingerprints) {
    String prefix = fingerprint.substring(0, digits);
    return fingerprints.stream().anyMatch(f -> !f.equals(fingerprint) && f.startsWith(prefix));
  }

  /** @param at where the desired state names the folder, with ": ", or empty */
  private static List<Path> listCertificateFiles(Path dir, String at) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (TrustSpec.isTrustFileName(p.getFileName().toString())) {
          files.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      throw new HostpkiException(
          at + "trust directory " + TerminalText.escape(dir.toString())
              + " does not exist; create it or remove it from trust.directories");
    } catch (NotDirectoryException e) {
      throw new HostpkiException(
          at + "trust directory " + TerminalText.escape(dir.toString())
              + " is not a directory; trust.directories lists folders of certificate files: name a file"
              + " in trust.certificates ({name: ..., file: ...}) instead");
    } catch (IOException e) {
      throw new HostpkiException(
          at + "trust directory " + TerminalText.escape(dir.toString()) + " cannot be read: " + FileReasons.cause(e));
    }
    Collections.sort(files);
    return files;
  }

  private static byte[] readFile(Path file, String origin) {
    try {
      return InputFiles.read(file, InputKind.TRUSTED_CERTIFICATES);
    } catch (NoSuchFileException e) {
      throw new HostpkiException(origin + ": trusted certificate file " + file + " does not exist");
    } catch (NotARegularFileException | FileTooLargeException e) {
      throw new HostpkiException(
          origin + ": " + file + " " + e.getReason() + "; point at a certificate file");
    } catch (IOException e) {
      throw new HostpkiException(origin + ": cannot read " + file + ": " + FileReasons.cause(e));
    }
  }

  private static List<Certificate> parse(String what, byte[] content, CertificatePool pool) {
    try {
      return Pem.readCertificates(content, Pem.DEFAULT_MAX_CERTIFICATES, pool);
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(what + ": not a usable certificate: " + e.getMessage());
    }
  }
}
