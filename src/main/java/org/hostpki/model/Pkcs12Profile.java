package org.hostpki.model;

/** How PKCS#12 files are encrypted. */
public enum Pkcs12Profile {
  /** AES-256-CBC with PBKDF2 and an HMAC-SHA256 MAC: OpenSSL 3 and Java 11+ defaults. */
  MODERN,
  /**
   * 3DES with a SHA-1 MAC, for old readers: Windows Server 2016 and older, the macOS Keychain
   * before macOS 14, Java 8 before 8u301, OpenSSL 1.0.
   */
  LEGACY;

  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
