package org.hostpki.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/** A fresh NSS certificate database (the one Firefox, Chromium on Linux and curl-nss use). */
final class NssDatabase {
  private final String certutil;
  private final String location;

  private NssDatabase(String certutil, Path directory) {
    this.certutil = certutil;
    this.location = "sql:" + directory;
  }

  /** Creates an empty database without a password in the (new) directory. */
  static NssDatabase create(Path directory) {
    NssDatabase database = new NssDatabase(Tool.CERTUTIL.require().toString(), directory);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    database.certutil("-N", "--empty-password").assertSucceeded();
    return database;
  }

  /** Adds a certificate trusted to issue server certificates ({@code C,,}). */
  NssDatabase trustCa(String nickname, Path certificate) {
    certutil("-A", "-n", nickname, "-t", "C,,", "-i", certificate.toString()).assertSucceeded();
    return this;
  }

  /** Adds a certificate with no trust of its own ({@code ,,}), to be validated. */
  NssDatabase add(String nickname, Path certificate) {
    certutil("-A", "-n", nickname, "-t", ",,", "-i", certificate.toString()).assertSucceeded();
    return this;
  }

  /** {@code certutil -V -u V}: is the certificate valid for an SSL server? */
  ProcessResult validateForSslServer(String nickname) {
    return certutil("-V", "-u", "V", "-n", nickname);
  }

  private ProcessResult certutil(String... arguments) {
    return Command.of(certutil, "-d", location).with(arguments).run();
  }
}
