package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.FileKind;
import org.hostpki.model.StoreLayout;

/** Builds file sets for tests: text content, of the kind the standard layout gives the name (a name it lacks holds certificates). */
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
    FileKind kind = StoreLayout.standard().kindOf(name);
    files.put(name, new StoreFile(bytes, kind == FileKind.UNKNOWN ? FileKind.CERTIFICATES : kind));
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
