package org.hostpki.model;

import java.util.Optional;

/**
 * The subject attributes hostpki writes into certificates: their names in the desired state
 * ({@code organization}) and their keywords in names ({@code O}, as {@link Subject.Rdn} and {@link
 * DistinguishedName} write them).
 */
public enum SubjectAttribute {
  COMMON_NAME("commonName", "CN"),
  ORGANIZATION("organization", "O"),
  ORGANIZATIONAL_UNIT("organizationalUnit", "OU"),
  LOCALITY("locality", "L"),
  STATE("state", "ST"),
  COUNTRY("country", "C"),
  EMAIL_ADDRESS("emailAddress", "emailAddress");

  private final String yamlName;
  private final String keyword;

  SubjectAttribute(String yamlName, String keyword) {
    this.yamlName = yamlName;
    this.keyword = keyword;
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
