package org.hostpki.apply;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.files.FileReasons;
import org.hostpki.files.FileTooLargeException;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.files.NotARegularFileException;
import org.hostpki.model.CrlSource;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TrustedCrl;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.RevocationList;

/**
 * Reads the CRLs of {@code trust.crls} (files, and the {@code *.crl}, {@code *.pem}, {@code *.der}
 * and {@code HASH.rN} files of folders) and finds which trusted certificate signed each: a file
 * that cannot be read or is not a CRL is an error naming it and the desired state's line, never
 * skipped. Whether the CRLs may be used is the planner's decision ({@code TrustCrls}).
 */
public final class CrlInputs {
  /** The most CRLs one file may hold. */
  static final int MAX_PER_FILE = 1000;

  private CrlInputs() {}

  /** A CRL read, and what the planner is told of it. */
  public record Read(TrustedCrl trusted, RevocationList crl) {
    public Read {
      Objects.requireNonNull(trusted, "trusted");
      Objects.requireNonNull(crl, "crl");
    }

    public Fingerprint fingerprint() {
      return trusted.facts().fingerprint();
    }
  }

  /**
   * @param trusted the certificates that may have signed them: those the store holds and those
   *     declared trusted
   */
  static List<Read> read(List<CrlSource> sources, Collection<Certificate> trusted) {
    List<Read> out = new ArrayList<>();
    for (CrlSource source : sources) {
      for (Path file : files(source)) {
        String origin = source.origin() + ": trust.crls: " + file;
        for (RevocationList crl : parse(origin, readFile(source, file))) {
          out.add(signed(origin, crl, trusted));
        }
      }
    }
    return out;
  }

  /**
   * The CRLs the store's {@code trust-crls.pem} holds (those an earlier apply installed), so that
   * the planner can keep one newer than the CRL of its CA that {@code trust.crls} gives now.
   *
   * @param file where the store holds them, named in the plan's warnings
   * @param content the file as the observed generation holds it; empty when it has none
   * @param trusted the certificates that may have signed them, as for {@link #read}
   */
  static List<Read> installed(Path file, Optional<byte[]> content, Collection<Certificate> trusted) {
    if (content.isEmpty()) {
      return List.of();
    }
    List<Read> out = new ArrayList<>();
    for (RevocationList crl : parse(file.toString(), content.get())) {
      out.add(signed(file.toString(), crl, trusted));
    }
    return out;
  }

  /** A CRL read from {@code origin}, with the first of {@code trusted} that signed it. */
  private static Read signed(String origin, RevocationList crl, Collection<Certificate> trusted) {
    Optional<Fingerprint> signer =
        trusted.stream().filter(crl::isSignedBy).map(Certificate::fingerprint).findFirst();
    return new Read(new TrustedCrl(origin, crl.facts(), signer), crl);
  }

  private static List<Path> files(CrlSource source) {
    Path path = source.path();
    if (!Files.isDirectory(path)) {
      return List.of(path); // a missing or odd file is reported when it is read
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
      for (Path p : stream) {
        if (CrlSource.isCrlFileName(p.getFileName().toString())) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new HostpkiException(
          source.origin() + ": trust.crls folder " + path + " cannot be read: " + FileReasons.cause(e));
    }
    Collections.sort(files);
    return files;
  }

  private static byte[] readFile(CrlSource source, Path file) {
    String origin = source.origin() + ": trust.crls";
    try {
      return InputFiles.read(file, InputKind.REVOCATION_LIST);
    } catch (NoSuchFileException e) {
      throw new HostpkiException(
          origin + ": " + file + " does not exist; fetch the CRL from its CA ('hostpki export crl'"
              + " on the CA host) or remove it from trust.crls");
    } catch (NotARegularFileException | FileTooLargeException e) {
      throw new HostpkiException(origin + ": " + file + " " + e.getReason() + "; point at a CRL file");
    } catch (IOException e) {
      throw new HostpkiException(origin + ": cannot read " + file + ": " + FileReasons.cause(e));
    }
  }

  private static List<RevocationList> parse(String origin, byte[] content) {
    try {
      return RevocationList.parseAll(content, MAX_PER_FILE);
    } catch (InvalidMaterialException e) {
      String problem = e.getMessage();
      throw new HostpkiException(
          origin + ": not a usable CRL: " + (problem.startsWith("block") ? "" : "the file ") + problem);
    }
  }
}
