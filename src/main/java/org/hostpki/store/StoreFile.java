package org.hostpki.store;

import java.util.Arrays;
import java.util.Objects;
import org.hostpki.model.FileKind;

/**
 * One file of a set to be written to the store.
 *
 * @param content the file's bytes (copied in and out, so the value cannot change under the writer)
 * @param kind what it holds: a {@link FileKind#secret() secret} file is created with mode 0600 from
 *     the first byte, never widened; other files are 0644. A file the store's layout calls secret
 *     must be written as one, because {@link StoreDirectory#read()} refuses it when others can read
 *     it
 */
public record StoreFile(byte[] content, FileKind kind) {

  public StoreFile {
    content = Objects.requireNonNull(content, "content").clone();
    Objects.requireNonNull(kind, "kind");
  }

  /** Whether it is created 0600 (otherwise 0644). */
  public boolean secret() {
    return kind.secret();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreFile other
        && kind == other.kind
        && Arrays.equals(content, other.content);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(content) + kind.hashCode();
  }

  @Override
  public String toString() {
    return "StoreFile[" + content.length + " bytes" + (secret() ? ", secret" : "") + "]";
  }
}
