package org.hostpki.fetch;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Certificates made by the real tools, as a device's would be: a CA and a leaf it signs with
 * {@code openssl}, or a self-signed one with {@code keytool}. Each lives in a directory of its own.
 */
public final class TestCertificates {
  public static final String PASSWORD = "changeit";

  private TestCertificates() {}

  /** Skips the calling test, with the reason, when the openssl CLI is not installed. */
  public static void assumeOpenssl() {
    assumeTrue(Commands.available("openssl", "version"), "the openssl command is not installed");
  }

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
  }

  /** A self-signed EC P-256 CA, valid 30 days from now. */
  public static Issued opensslCa(Path dir, String name, String subject) {
    Commands.run(
        dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-subj", subject, "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
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
    String[] key =
        keyAlgorithm.equals("rsa")
            ? new String[] {"-newkey", "rsa:2048"}
            : new String[] {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    List<String> request = new ArrayList<>(List.of("openssl", "req", "-new"));
    request.addAll(List.of(key));
    request.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject));
    Commands.run(dir, request.toArray(String[]::new));
    try {
      Files.writeString(
          dir.resolve(name + ".ext"),
          "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              + "extendedKeyUsage=serverAuth\nsubjectAltName=" + subjectAltName + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Commands.run(
        dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca.certificate().toString(),
        "-CAkey", ca.key().toString(), "-CAcreateserial", "-days", "30", "-sha256",
        "-extfile", name + ".ext", "-out", name + ".pem");
    Commands.run(
        dir, "openssl", "pkcs12", "-export", "-inkey", name + ".key", "-in", name + ".pem",
        "-certfile", ca.certificate().toString(), "-name", "server", "-passout", "pass:" + PASSWORD,
        "-out", name + ".p12");
    return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), dir.resolve(name + ".p12"));
  }

  /** A self-signed EC P-256 certificate made by the JDK's keytool, as many appliances have. */
  public static Issued keytoolSelfSigned(Path dir, String name, String distinguishedName, String san) {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Commands.run(
        dir, keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", distinguishedName, "-ext", "san=" + san, "-validity", "30",
        "-storetype", "PKCS12", "-keystore", name + ".p12", "-storepass", PASSWORD);
    Commands.run(
        dir, keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", name + ".p12",
        "-storepass", PASSWORD, "-file", name + ".pem");
    return new Issued(dir.resolve(name + ".pem"), null, dir.resolve(name + ".p12"));
  }

  /** What {@code openssl x509 -noout -fingerprint -sha256} prints, without its label. */
  public static String opensslFingerprint(Path pem) {
    String line = Commands.run(null, "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString()).strip();
    return line.substring(line.indexOf('=') + 1);
  }

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
