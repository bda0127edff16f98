package org.hostpki.model;

import java.math.BigInteger;
import java.util.HexFormat;

/** The one wording of a certificate's serial number. */
public final class SerialText {
  private SerialText() {}

  /** A serial number as {@code openssl x509 -serial} prints it: upper-case hex, whole bytes. */
  public static String of(BigInteger serial) {
    byte[] bytes = serial.toByteArray();
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0; // the sign byte of a positive number
    return HexFormat.of().withUpperCase().formatHex(bytes, start, bytes.length);
  }
}
