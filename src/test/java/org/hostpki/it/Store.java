package org.hostpki.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A store directory hostpki wrote, read with the JDK only (never with hostpki's own code). */
record Store(Path directory) {
  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile(
          "-----BEGIN CERTIFICATE-----\\R[A-Za-z0-9+/=\\r\\n]+?-----END CERTIFICATE-----\\R?");

  Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  Path caKey() {
    return directory.resolve("ca.key");
  }

  Path serverCertificate() {
    return directory.resolve("server.crt");
  }

  Path serverKey() {
    return directory.resolve("server.key");
  }

  Path serverFullchain() {
    return directory.resolve("server-fullchain.crt");
  }

  Path trustBundle() {
    return directory.resolve("trust-bundle.crt");
  }

  Path serverPkcs12() {
    return directory.resolve("server.p12");
  }

  Path truststorePkcs12() {
    return directory.resolve("truststore.p12");
  }

  /** The PEM blocks of {@code server-fullchain.crt}, leaf first. */
  List<String> fullchainPem() {
    return pemCertificates(read(serverFullchain()));
  }

  /**
   * Writes the certificates after the leaf in {@code server-fullchain.crt} to a file, for servers
   * that take the leaf and the rest of the chain separately ({@code s_server -cert_chain}).
   */
  Path writeChainAfterLeaf(Path file) {
    List<String> chain = fullchainPem();
    return write(file, String.join("", chain.subList(1, chain.size())));
  }

  /**
   * Writes the intermediates (the chain without the leaf and without self-signed roots) to a file
   * for {@code openssl verify -untrusted}; empty when the chain has none, as with the internal CA.
   */
  List<Path> writeIntermediates(Path file) {
    List<String> chain = fullchainPem();
    List<String> intermediates = new ArrayList<>();
    for (String pem : chain.subList(1, chain.size())) {
      X509Certificate certificate = parse(pem);
      if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        intermediates.add(pem);
      }
    }
    return intermediates.isEmpty()
        ? List.of()
        : List.of(write(file, String.join("", intermediates)));
  }

  static List<String> pemCertificates(String text) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = PEM_CERTIFICATE.matcher(text);
    while (matcher.find()) {
      String block = matcher.group();
      blocks.add(block.endsWith("\n") ? block : block + "\n");
    }
    return blocks;
  }

  static X509Certificate parse(String pem) {
    try {
      byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(
          "not a certificate the JDK can read: " + e.getMessage() + "\n" + pem, e);
    }
  }

  static X509Certificate readCertificate(Path file) {
    List<String> blocks = pemCertificates(read(file));
    if (blocks.size() != 1) {
      throw new AssertionError(file + " holds " + blocks.size() + " PEM certificates, not 1");
    }
    return parse(blocks.get(0));
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
