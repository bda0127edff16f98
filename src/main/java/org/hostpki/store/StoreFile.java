package org.hostpki.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file of a set to be written to the store.
 *
 * @param content the file's bytes (copied in and out, so the value cannot change under the writer)
 * @param secret whether the file holds a private key: created with mode 0600 from the first byte,
 *     never widened; other files are 0644. File names ending in {@code .key} or {@code .p12} must
 *     be secret, because {@link StoreDirectory#read()} refuses such files when others can read them
 */
public record StoreFile(byte[] content, boolean secret) {

  public StoreFile {
    content = Objects.requireNonNull(content, "content").clone();
  }

  /** A certificate, CSR or bundle: mode 0644. */
  public static StoreFile publicFile(byte[] content) {
    return new StoreFile(content, false);
  }

  /** A private key or a PKCS#12 file: mode 0600. */
  public static StoreFile secretFile(byte[] content) {
    return new StoreFile(content, true);
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreFile other
        && secret == other.secret
        && Arrays.equals(content, other.content);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(content) + Boolean.hashCode(secret);
  }

  @Override
  public String toString() {
    return "StoreFile[" + content.length + " bytes" + (secret ? ", secret" : "") + "]";
  }
}
