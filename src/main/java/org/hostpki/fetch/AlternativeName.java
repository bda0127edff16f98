package org.hostpki.fetch;

import java.util.Objects;

/**
 * One subject alternative name, written as in OpenSSL's configuration: {@code DNS:x}, {@code
 * IP:192.0.2.10}, {@code email:x}, {@code URI:x}.
 */
public record AlternativeName(String type, String value) {
  public AlternativeName {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
