package org.hostpki.install;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hostpki.model.Fingerprint;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.UnprotectedPkcs12;

/**
 * A Java key store file ({@code cacerts}) read with the JDK's KeyStore API, and written back in the
 * form it had: JKS stays JKS, a PKCS#12 file with a password keeps it, and a PKCS#12 file without
 * one (JDK 18 and later ship {@code cacerts} so, and read it without a password) stays without.
 */
final class JavaKeystoreFile {
  /** A {@code cacerts} holds a few hundred certificates: some 200 KB. */
  static final int MAX_BYTES = 32 << 20;

  private static final byte[] JKS_MAGIC = {(byte) 0xfe, (byte) 0xed, (byte) 0xfe, (byte) 0xed};

  enum Format {
    JKS("JKS"),
    PKCS12("PKCS#12"),
    PKCS12_WITHOUT_PASSWORD("PKCS#12 without a password");

    final String description;

    Format(String description) {
      this.description = description;
    }
  }

  /**
   * What a key store holds.
   *
   * @param certificates the trusted certificate entries' fingerprints, by alias
   * @param keys the aliases of private or secret key entries, which hostpki never touches
   */
  record Entries(SortedMap<String, Fingerprint> certificates, SortedSet<String> keys) {
    Entries {
      certificates = Collections.unmodifiableSortedMap(new TreeMap<>(certificates));
      keys = Collections.unmodifiableSortedSet(new TreeSet<>(keys));
    }
  }

  /** A key store as read: its bytes (for a rollback), form and content. */
  record Loaded(Path file, byte[] bytes, Format format, KeyStore keyStore, Entries entries) {}

  private JavaKeystoreFile() {}

  /**
   * Reads the key store. Without a password a JKS file's certificates are read unchecked (they are
   * not encrypted); a PKCS#12 file with a password needs it.
   *
   * @param followLinks whether a link at the name is followed (not where another user may have put
   *     it: {@link KeystorePlace})
   * @throws IOException with the cause in words: missing, not a key store, wrong password
   */
  static Loaded read(Path file, Optional<char[]> password, boolean followLinks) throws IOException {
    return load(file, InstallFiles.read(file, MAX_BYTES, followLinks), password);
  }

  /**
   * {@link #read(Path, Optional, boolean)} of the trust store {@code file} in the folder held
   * open, without following a link ({@link KeystorePlace#open}).
   */
  static Loaded read(InstallFiles.Folder folder, Path file, Optional<char[]> password) throws IOException {
    return load(file, InstallFiles.read(folder, file.getFileName(), MAX_BYTES), password);
  }

  private static Loaded load(Path file, Optional<byte[]> read, Optional<char[]> password) throws IOException {
    byte[] bytes = read.orElseThrow(() -> new IOException(file + " does not exist"));
    Format format = formatOf(file, bytes);
    KeyStore keyStore;
    try {
      keyStore = KeyStore.getInstance(format == Format.JKS ? "JKS" : "PKCS12");
      char[] loadPassword = format == Format.PKCS12_WITHOUT_PASSWORD ? null : password.orElse(null);
      if (format == Format.PKCS12 && loadPassword == null) {
        throw new IOException(file + " is a PKCS#12 file with a password, needed to read it");
      }
      keyStore.load(new ByteArrayInputStream(bytes), loadPassword);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " cannot be read as " + format.description + ": " + e.getMessage());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new IOException(
            file + ": the password is wrong (Java's default is changeit; give the right one in"
                + " trust.install.javaPassword)");
      }
      throw new IOException(file + " cannot be read as " + format.description + ": " + e.getMessage());
    }
    return new Loaded(file, bytes, format, keyStore, entries(file, keyStore));
  }

  private static Format formatOf(Path file, byte[] bytes) throws IOException {
    if (bytes.length >= 4 && java.util.Arrays.equals(bytes, 0, 4, JKS_MAGIC, 0, 4)) {
      return Format.JKS;
    }
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0x30) {
      return UnprotectedPkcs12.isUnprotected(bytes) ? Format.PKCS12_WITHOUT_PASSWORD : Format.PKCS12;
    }
    throw new IOException(file + " is neither a JKS nor a PKCS#12 key store");
  }

  private static Entries entries(Path file, KeyStore keyStore) throws IOException {
    SortedMap<String, Fingerprint> certificates = new TreeMap<>();
    SortedSet<String> keys = new TreeSet<>();
    try {
      for (String alias : Collections.list(keyStore.aliases())) {
        if (keyStore.isCertificateEntry(alias)) {
          certificates.put(alias, Fingerprint.sha256(keyStore.getCertificate(alias).getEncoded()));
        } else {
          keys.add(alias);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " cannot be read: " + e.getMessage());
    }
    return new Entries(certificates, keys);
  }

  /**
   * The key store with these changes, as bytes of the same form.
   *
   * @param remove aliases to delete
   * @param put certificates to set as trusted entries, by alias (replacing what is there)
   * @param password the store password (unused for a store without one)
   */
  static byte[] changed(Loaded loaded, Iterable<String> remove, Map<String, Certificate> put, Optional<char[]> password)
      throws IOException {
    try {
      KeyStore keyStore = loaded.keyStore();
      for (String alias : remove) {
        keyStore.deleteEntry(alias);
      }
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (Map.Entry<String, Certificate> entry : put.entrySet()) {
        keyStore.setCertificateEntry(
            entry.getKey(), (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(entry.getValue().der())));
      }
      if (loaded.format() == Format.PKCS12_WITHOUT_PASSWORD) {
        return withoutPassword(loaded.file(), keyStore);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(loaded.bytes().length + 4096);
      keyStore.store(out, password.orElseThrow(() -> new IOException(loaded.file() + " needs its password to be written")));
      return out.toByteArray();
    } catch (GeneralSecurityException e) {
      throw new IOException(loaded.file() + " cannot be changed: " + e.getMessage());
    }
  }

  private static byte[] withoutPassword(Path file, KeyStore keyStore) throws GeneralSecurityException, IOException {
    SortedMap<String, Certificate> entries = new TreeMap<>();
    for (String alias : Collections.list(keyStore.aliases())) {
      if (!keyStore.isCertificateEntry(alias)) {
        throw new IOException(
            file + " holds the key entry '" + alias + "'; hostpki writes only trust stores without a password,"
                + " which hold certificates alone");
      }
      try {
        entries.put(alias, Certificate.fromDer(keyStore.getCertificate(alias).getEncoded()));
      } catch (InvalidMaterialException e) {
        throw new CertificateException("the entry '" + alias + "' " + e.getMessage());
      }
    }
    return UnprotectedPkcs12.trustStore(entries);
  }
}
