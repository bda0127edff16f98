package org.hostpki.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/** A SHA-256 digest, of a certificate's DER or of a public key's SubjectPublicKeyInfo. */
public record Fingerprint(String hex) implements Comparable<Fingerprint> {

  public Fingerprint {
    Objects.requireNonNull(hex, "hex");
    if (!isLowerHex64(hex)) {
      throw new IllegalArgumentException("not a lower-case SHA-256 hex digest: " + hex);
    }
  }

  // Not a regular expression: String.matches compiles one per call, and a plan over a large
  // trust store makes tens of thousands of fingerprints.
  private static boolean isLowerHex64(String hex) {
    if (hex.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public static Fingerprint sha256(byte[] data) {
    try {
      return new Fingerprint(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The form OpenSSL prints: {@code 3F:9A:...}, upper-case, colon-separated. */
  public String colonHex() {
    StringBuilder sb = new StringBuilder(95);
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, i + 2);
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /**
   * The start of {@link #colonHex()}, for a certificate in a plan: {@code 3F:9A:0C:1D…}, the form
   * {@code openssl x509 -fingerprint} and {@code hostpki fetch-cert} print, so a reviewer can tell
   * the certificate from what they checked.
   */
  public String abbreviatedColonHex() {
    return colonHex().substring(0, 11) + "…";
  }

  /** A short form for plans and messages about keys: {@code sha256:3f9a0c1d…}. */
  public String shortForm() {
    return "sha256:" + hex.substring(0, 16) + "…";
  }

  @Override
  public int compareTo(Fingerprint other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
