package org.hostpki.model;

import java.util.Optional;

/** How a private key is written to a PEM file. */
public enum KeyEncoding {
  /** PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}): every kind of key; what the store writes. */
  PKCS8("pkcs8", "PRIVATE KEY"),
  /** PKCS#1 ({@code -----BEGIN RSA PRIVATE KEY-----}): RSA keys only, OpenSSL's "traditional" form. */
  PKCS1("pkcs1", "RSA PRIVATE KEY"),
  /** SEC 1 ({@code -----BEGIN EC PRIVATE KEY-----}): EC keys only, OpenSSL's "traditional" form. */
  SEC1("sec1", "EC PRIVATE KEY");

  private final String yamlName;
  private final String pemLabel;

  KeyEncoding(String yamlName, String pemLabel) {
    this.yamlName = yamlName;
    this.pemLabel = pemLabel;
  }

  public String yamlName() {
    return yamlName;
  }

  /** The label of the PEM block (unencrypted). */
  public String pemLabel() {
    return pemLabel;
  }

  /** Whether a key of this kind can be written so. */
  public boolean fits(KeySpec key) {
    return switch (this) {
      case PKCS8 -> true;
      case PKCS1 -> key instanceof KeySpec.Rsa;
      case SEC1 -> key instanceof KeySpec.Ec;
    };
  }

  public static Optional<KeyEncoding> fromYamlName(String name) {
    return EnumValues.find(KeyEncoding.class, KeyEncoding::yamlName, name);
  }
}
