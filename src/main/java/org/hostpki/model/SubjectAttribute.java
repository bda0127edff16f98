package org.hostpki.model;

import java.util.Optional;

/**
 * The subject attributes hostpki writes into certificates: their names in the desired state
 * ({@code organization}) and their keywords in names ({@code O}, as {@link Subject.Rdn} and {@link
 * DistinguishedName} write them).
 */
public enum SubjectAttribute {
  COMMON_NAME("commonName", "CN", Subject.MAX_COMMON_NAME),
  ORGANIZATION("organization", "O", 64),
  ORGANIZATIONAL_UNIT("organizationalUnit", "OU", 64),
  LOCALITY("locality", "L", 128),
  STATE("state", "ST", 128),
  COUNTRY("country", "C", 2),
  EMAIL_ADDRESS("emailAddress", "emailAddress", 255);

  private final String yamlName;
  private final String keyword;
  private final int maxLength;

  SubjectAttribute(String yamlName, String keyword, int maxLength) {
    this.yamlName = yamlName;
    this.keyword = keyword;
    this.maxLength = maxLength;
  }

  /**
   * The longest value X.509 allows, in characters (RFC 5280's upper bounds, ub-common-name and the
   * others; the schema's maxLength for the desired state's subject).
   */
  public int maxLength() {
    return maxLength;
  }

  /** The key in a desired state's {@code subject} mapping: {@code organizationalUnit}. */
  public String yamlName() {
    return yamlName;
  }

  /** The keyword in a distinguished name: {@code OU}. */
  public String keyword() {
    return keyword;
  }

  public static Optional<SubjectAttribute> byKeyword(String keyword) {
    return EnumValues.find(SubjectAttribute.class, SubjectAttribute::keyword, keyword);
  }

  public static Optional<SubjectAttribute> byYamlName(String name) {
    return EnumValues.find(SubjectAttribute.class, SubjectAttribute::yamlName, name);
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
