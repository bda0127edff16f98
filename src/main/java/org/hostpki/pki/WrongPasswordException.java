package org.hostpki.pki;

/**
 * A PKCS#12 file whose integrity check or decryption fails with the given password. PKCS#12 cannot
 * tell a wrong password from a file altered after it was written; the message says both.
 */
public final class WrongPasswordException extends Exception {
  public WrongPasswordException(String reason) {
    super(reason);
  }
}
