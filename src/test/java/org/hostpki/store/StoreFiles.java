package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds file sets for tests: text content, secret when the name says key or p12. */
final class StoreFiles {
  private final SortedMap<String, StoreFile> files = new TreeMap<>();

  static StoreFiles set() {
    return new StoreFiles();
  }

  /** The usual set of an internal CA and a server, with one trusted certificate. */
  static SortedMap<String, StoreFile> typical(String version) {
    return set()
        .with("ca.crt", "ca cert " + version)
        .with("ca.key", "ca key " + version)
        .with("server.key", "server key " + version)
        .with("server.crt", "server cert " + version)
        .with("server-fullchain.crt", "chain " + version)
        .with("trust/ldap.crt", "ldap " + version)
        .with("trust-bundle.crt", "bundle " + version)
        .build();
  }

  StoreFiles with(String name, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    files.put(name, new StoreFile(bytes, StoreSafety.isPrivateKeyName(name)));
    return this;
  }

  SortedMap<String, StoreFile> build() {
    return new TreeMap<>(files);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
