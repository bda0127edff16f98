package org.hostpki.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.hostpki.model.HostpkiException;

/** Certificates as PEM for a trust directory: 64-column base64, LF line ends, one block each. */
public final class PemCertificates {
  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private PemCertificates() {}

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      pem.append(encode(certificate));
    }
    return pem.toString();
  }

  public static String encode(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + BASE64.encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate has its encoding", e);
    }
  }

  /**
   * Writes the certificates to {@code target}, replacing it. The file appears complete or not at
   * all (a sibling temporary file renamed over it), since a trust directory may be read at any
   * time; it is readable by all, as certificates are public.
   *
   * @throws HostpkiException naming the file when it cannot be written
   */
  public static void write(Path target, List<X509Certificate> certificates) {
    Path directory = target.toAbsolutePath().getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new HostpkiException(
          "cannot write " + target + ": the directory " + directory + " does not exist; create it first");
    }
    if (Files.isDirectory(target)) {
      throw new HostpkiException("cannot write " + target + ": it is a directory; name a file");
    }
    Path temporary = null;
    try {
      temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
      Files.writeString(temporary, encode(certificates), StandardCharsets.US_ASCII);
      PosixFileAttributeView posix = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (AccessDeniedException e) {
      throw new HostpkiException(
          "cannot write " + target + ": permission denied; check the permissions of " + directory, e);
    } catch (NoSuchFileException e) {
      throw new HostpkiException("cannot write " + target + ": " + e.getFile() + " does not exist", e);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot write " + target + ": " + e + "; check that its directory is writable", e);
    } finally {
      deleteQuietly(temporary);
    }
  }

  private static void deleteQuietly(Path temporary) {
    if (temporary == null) {
      return;
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // A leftover hidden .tmp file is harmless; the error that matters was already raised.
    }
  }
}
