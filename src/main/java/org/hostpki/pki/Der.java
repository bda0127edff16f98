package org.hostpki.pki;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Primitive;

/** Checks on the outer shape of DER data, so a cut-short file gets a precise reason. */
final class Der {
  private Der() {}

  /** The outer TLV's length is indefinite (BER) and cannot be checked up front. */
  static final long INDEFINITE = -2;

  /** The outer TLV's header is malformed. */
  static final long MALFORMED = -1;

  /**
   * The total length (header and content) the TLV starting at {@code offset} declares, {@link
   * #INDEFINITE} or {@link #MALFORMED}.
   */
  static long declaredLength(byte[] data, int offset) {
    if (data.length - offset < 2 || (data[offset] & 0x1f) == 0x1f) {
      return MALFORMED; // too short, or a multi-byte tag: nothing we read starts with one
    }
    int first = data[offset + 1] & 0xff;
    if (first < 0x80) {
      return 2L + first;
    }
    if (first == 0x80) {
      return INDEFINITE;
    }
    int count = first & 0x7f;
    if (count > 4 || data.length - offset < 2 + count) {
      return MALFORMED;
    }
    long length = 0;
    for (int i = 0; i < count; i++) {
      length = (length << 8) | (data[offset + 2 + i] & 0xff);
    }
    return 2L + count + length;
  }

  /**
   * Why {@code data} is not exactly one complete DER structure, in words; or null when its outer
   * length matches. Does not look inside.
   */
  static String shapeProblem(byte[] data) {
    if (data.length == 0) {
      return "it is empty";
    }
    long declared = declaredLength(data, 0);
    if (declared == MALFORMED) {
      return "it does not start with a valid DER header";
    }
    if (declared == INDEFINITE) {
      return null;
    }
    if (declared > data.length) {
      return "it is cut short: its DER header declares "
          + declared
          + " bytes but only "
          + data.length
          + " are present";
    }
    if (declared < data.length) {
      int pieces = pieces(data);
      if (pieces > 1) {
        // Found in the external CA trial: two DER certificates written one after the other.
        return "it holds "
            + pieces
            + " DER structures one after another, and a DER file holds one; save a chain as PEM"
            + " (openssl x509 -inform DER -in EACH.der, appended to one file) or as PKCS#7 (.p7b)";
      }
      return "it has "
          + (data.length - declared)
          + " bytes of trailing data after its "
          + declared
          + "-byte DER structure";
    }
    return null;
  }

  /**
   * How many complete definite-length SEQUENCEs {@code data} is, one after another with nothing
   * between or after them; 0 when it is not that.
   */
  private static int pieces(byte[] data) {
    int count = 0;
    long offset = 0;
    while (offset < data.length) {
      long length = data[(int) offset] == 0x30 ? declaredLength(data, (int) offset) : MALFORMED;
      if (length < 0 || offset + length > data.length) {
        return 0;
      }
      offset += length;
      count++;
    }
    return count;
  }

  /** Parses exactly one ASN.1 object spanning all of {@code data}. */
  static ASN1Primitive parse(byte[] data) throws IOException {
    return ASN1Primitive.fromByteArray(data);
  }

  /** A short reason from a parser's exception, never empty. */
  static String reason(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message;
  }
}
