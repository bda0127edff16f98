package org.hostpki.pki;

/**
 * Bytes that are not the key, certificate, request or PKCS#12 file they were meant to be. The
 * message is the reason only ("contains a PRIVATE KEY, not a certificate"); the caller prefixes it
 * with the file name, which it knows and this package does not.
 */
public final class InvalidMaterialException extends Exception {
  public InvalidMaterialException(String reason) {
    super(reason);
  }

  public InvalidMaterialException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
