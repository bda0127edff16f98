package org.hostpki.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates made by the real tools, as a device's or another CA's would be: a CA and a leaf it
 * signs with {@code openssl}, or a self-signed one with {@code keytool}. Each is written to files in
 * a directory the test gives. The tools are {@linkplain Tool#require() required}.
 */
public final class ToolCertificates {
  /** The password of every PKCS#12 file made here. */
  public static final String PASSWORD = "changeit";

  private ToolCertificates() {}

  /** A certificate file (PEM), the key file that goes with it, and a PKCS#12 for a JDK server. */
  public record Issued(Path certificate, Path key, Path pkcs12) {
    public X509Certificate load() {
      return read(certificate).get(0);
    }

    public KeyStore keyStore() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(Files.readAllBytes(pkcs12)), PASSWORD.toCharArray());
        return store;
      } catch (IOException | GeneralSecurityException e) {
        throw new AssertionError("cannot load " + pkcs12, e);
      }
    }

    public String pem() {
      try {
        return Files.readString(certificate);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A PKCS#12 trust store holding only this certificate, for JDK clients. */
    public Path writeTruststore(Path file, char[] password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("trusted", load());
        try (OutputStream out = Files.newOutputStream(file)) {
          store.store(out, password);
        }
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new AssertionError("cannot write a trust store for " + certificate, e);
      }
    }
  }

  /** A self-signed EC P-256 CA, valid 30 days from now, as {@code NAME.pem} and {@code NAME.key}. */
  public static Issued opensslCa(Path dir, String name, String subject) {
    Tool.OPENSSL.command(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", name + ".key", "-out", name + ".pem", "-subj", subject, "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        .in(dir)
        .run()
        .assertSucceeded();
    return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), null);
  }

  /**
   * A leaf signed by {@code ca}, valid 30 days from now, with a PKCS#12 holding its key and the
   * chain leaf, CA.
   *
   * @param keyAlgorithm {@code ec} (P-256) or {@code rsa} (2048)
   * @param subjectAltName e.g. {@code DNS:device.test,IP:127.0.0.1}
   */
  public static Issued opensslLeaf(
      Path dir, String name, String subject, String keyAlgorithm, String subjectAltName, Issued ca) {
    List<String> request = new ArrayList<>(List.of("req", "-new"));
    request.addAll(
        keyAlgorithm.equals("rsa")
            ? List.of("-newkey", "rsa:2048")
            : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
    request.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject));
    Tool.OPENSSL.command(request.toArray(String[]::new)).in(dir).run().assertSucceeded();
    try {
      Files.writeString(
          dir.resolve(name + ".ext"),
          "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth\nsubjectAltName=" + subjectAltName + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tool.OPENSSL.command(
            "x509", "-req", "-in", name + ".csr", "-CA", ca.certificate().toString(),
            "-CAkey", ca.key().toString(), "-CAcreateserial", "-days", "30", "-sha256",
            "-extfile", name + ".ext", "-out", name + ".pem")
        .in(dir)
        .run()
        .assertSucceeded();
    Tool.OPENSSL.command(
            "pkcs12", "-export", "-inkey", name + ".key", "-in", name + ".pem",
            "-certfile", ca.certificate().toString(), "-name", "server", "-passout", "pass:" + PASSWORD,
            "-out", name + ".p12")
        .in(dir)
        .run()
        .assertSucceeded();
    return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), dir.resolve(name + ".p12"));
  }

  /** A self-signed EC P-256 certificate made by the JDK's keytool, as many appliances have. */
  public static Issued keytoolSelfSigned(Path dir, String name, String distinguishedName, String san) {
    Tool.KEYTOOL.command(
            "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", distinguishedName, "-ext", "san=" + san, "-validity", "30",
            "-storetype", "PKCS12", "-keystore", name + ".p12", "-storepass", PASSWORD)
        .in(dir)
        .run()
        .assertSucceeded();
    Tool.KEYTOOL.command(
            "-exportcert", "-rfc", "-alias", "server", "-keystore", name + ".p12",
            "-storepass", PASSWORD, "-file", name + ".pem")
        .in(dir)
        .run()
        .assertSucceeded();
    return new Issued(dir.resolve(name + ".pem"), null, dir.resolve(name + ".p12"));
  }

  /** What {@code openssl x509 -noout -fingerprint -sha256} prints, without its label. */
  public static String opensslFingerprint(Path pem) {
    String line = Tool.OPENSSL.run("x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString()).stdout().strip();
    return line.substring(line.indexOf('=') + 1);
  }

  /** The certificates in a PEM file, read by the JDK. */
  public static List<X509Certificate> read(Path pem) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (IOException | GeneralSecurityException e) {
      throw new AssertionError("cannot read certificates from " + pem, e);
    }
  }
}
