package org.hostpki.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * A CA that has nothing to do with the store, made by the {@code openssl} command line. Trusting
 * it instead of the store's CA is the negative twin of every trust check: a client that still
 * accepts the server then would not be checking anything.
 */
record UnrelatedCa(Path certificate) {
  static UnrelatedCa create(Path directory) {
    String openssl = Tools.OPENSSL.require();
    Path key = directory.resolve("unrelated-ca.key");
    Path certificate = directory.resolve("unrelated-ca.crt");
    Command.of(
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-days", "30", "-subj", "/O=hostpki tests/CN=Unrelated Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", key.toString(), "-out", certificate.toString())
        .run()
        .assertSucceeded();
    return new UnrelatedCa(certificate);
  }

  /** A PKCS#12 trust store holding only this CA, for JDK clients. */
  Path writeTruststore(Path file, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("unrelated-ca", Store.readCertificate(certificate));
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("cannot write a trust store for the unrelated CA", e);
    }
  }
}
