package org.hostpki.pki;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.OutputFacts;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.Pkcs12Facts;

/**
 * Reads back what the files of a declared output hold ({@link OutputFacts}), to compare with
 * {@link OutputSpec#expectedFacts}. Every format is read the way its users read it, and so checked
 * on the way: the key with its public half derived (never trusted from a file), PKCS#12 with its
 * MAC, JKS with the JDK's own {@code KeyStore} and its integrity check.
 */
public final class OutputReader {
  private OutputReader() {}

  /**
   * The facts of the output's files, read as the spec's format.
   *
   * @param files the output's files by name ({@link OutputSpec#fileNames()}), as read from the store
   * @param password the store password, for the files protected with it
   * @throws InvalidMaterialException when a file is missing, or is not what the format says
   * @throws WrongPasswordException when a protected file does not open with the password (or
   *     there is none); the caller may try {@code store.previousPassword}
   */
  public static OutputFacts facts(OutputSpec spec, Map<String, byte[]> files, Optional<char[]> password)
      throws InvalidMaterialException, WrongPasswordException {
    byte[] file = file(files, spec.file());
    OutputFormat format = spec.format();
    if (format instanceof OutputFormat.CombinedPem pem) {
      CombinedPem.Contents contents = CombinedPem.read(file);
      Optional<PrivateKeyPem.Read> key = contents.key();
      if (pem.keyFile().isPresent()) {
        if (key.isPresent()) {
          throw new InvalidMaterialException("holds the private key, which belongs in " + pem.keyFile().get());
        }
        key = Optional.of(PrivateKeyPem.read(file(files, pem.keyFile().get())));
      }
      return new OutputFacts(
          key.map(k -> k.key().facts().publicKeyFingerprint()),
          fingerprints(contents.certificates()),
          Optional.empty(),
          key.map(PrivateKeyPem.Read::encoding),
          false,
          Optional.empty());
    }
    if (format instanceof OutputFormat.Key key) {
      // PrivateKeyPem takes a key among certificates: a combined PEM declared anew as a key under
      // its old name read as the key alone, and the plan said "No changes" with the chain still in.
      for (PemText.Block block : PemText.blocks(file)) {
        if (!block.isPrivateKey()) {
          throw new InvalidMaterialException("holds more than the key: " + block.describe());
        }
      }
      PrivateKeyPem.Read read = key.encrypted() ? PrivateKeyPem.read(file, required(password)) : PrivateKeyPem.read(file);
      return new OutputFacts(
          Optional.of(read.key().facts().publicKeyFingerprint()),
          List.of(),
          Optional.empty(),
          Optional.of(read.encoding()),
          read.encrypted(),
          Optional.empty());
    }
    if (format instanceof OutputFormat.Pkcs12) {
      return pkcs12(file, password);
    }
    if (format instanceof OutputFormat.Jks) {
      JavaKeyStore.Facts jks = JavaKeyStore.read(file, required(password));
      return new OutputFacts(
          Optional.of(jks.key().facts().publicKeyFingerprint()),
          jks.chain(),
          Optional.of(jks.alias()),
          Optional.empty(),
          true,
          Optional.empty());
    }
    if (file.length == 0 || (file[0] & 0xff) != 0x30) {
      throw new InvalidMaterialException("is not a DER certificate");
    }
    return new OutputFacts(
        Optional.empty(),
        List.of(Certificate.fromDer(file).fingerprint()),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty());
  }

  /**
   * A file without a MAC and with no encrypted content is tried with the empty password first:
   * that is the form {@code password: none} writes.
   */
  private static OutputFacts pkcs12(byte[] file, Optional<char[]> password)
      throws InvalidMaterialException, WrongPasswordException {
    if (UnprotectedPkcs12.isUnprotected(file)) {
      try {
        return pkcs12Facts(Pkcs12.read(file, new char[0]), false);
      } catch (WrongPasswordException e) {
        // the key is under another password: read it as a protected file
      }
    }
    return pkcs12Facts(Pkcs12.read(file, required(password)), true);
  }

  private static OutputFacts pkcs12Facts(Pkcs12Facts facts, boolean passwordProtected)
      throws InvalidMaterialException {
    Pkcs12Facts.KeyEntry entry =
        facts.keyEntry().orElseThrow(() -> new InvalidMaterialException("holds no private key entry"));
    return new OutputFacts(
        Optional.of(entry.publicKeyFingerprint()),
        entry.chain(),
        Optional.of(entry.alias()),
        Optional.empty(),
        passwordProtected,
        Optional.of(facts.profile()));
  }

  private static byte[] file(Map<String, byte[]> files, String name) throws InvalidMaterialException {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw new InvalidMaterialException("has no file " + name);
    }
    return bytes;
  }

  private static char[] required(Optional<char[]> password) throws WrongPasswordException {
    return password.orElseThrow(() -> new WrongPasswordException("is protected with a password, and none was given"));
  }

  private static List<Fingerprint> fingerprints(List<Certificate> certificates) {
    return certificates.stream().map(Certificate::fingerprint).toList();
  }
}
