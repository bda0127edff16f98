package org.hostpki.store;

import java.util.Arrays;
import java.util.Objects;
import java.util.SortedMap;
import org.hostpki.model.FileKind;

/**
 * One file of a set to be written to the store.
 *
 * <p>Its content is copied in and out, so the value cannot change under the writer; a file carried
 * over from the live set ({@link StoreDirectory#carriedOver}) refers to the snapshot's content
 * instead of copying it, which the snapshot may drop and read again ({@link StoreSnapshot}): a
 * store of 100,000 trusted certificates would otherwise hold each of them twice while it applies.
 */
public final class StoreFile {

  private final byte[] content; // null when carried over
  private final SortedMap<String, byte[]> carriedFrom; // a snapshot's files, when carried over
  private final String carriedName;
  private final FileKind kind;

  /**
   * @param content the file's bytes (copied)
   * @param kind what it holds: a {@link FileKind#secret() secret} file is created with mode 0600
   *     from the first byte, never widened; other files are 0644. A file the store's layout calls
   *     secret must be written as one, because {@link StoreDirectory#read()} refuses it when others
   *     can read it
   */
  public StoreFile(byte[] content, FileKind kind) {
    this.content = Objects.requireNonNull(content, "content").clone();
    this.carriedFrom = null;
    this.carriedName = null;
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  private StoreFile(byte[] content, FileKind kind, boolean adopted) {
    this.content = Objects.requireNonNull(content, "content");
    this.carriedFrom = null;
    this.carriedName = null;
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * A file of these bytes, not copied: the caller hands the array over and neither keeps nor
   * changes it (a new trust bundle of 100,000 certificates is 75 MB; a copy of it beside it was
   * what a -Xmx512m apply could not hold).
   */
  public static StoreFile adopting(byte[] content, FileKind kind) {
    return new StoreFile(content, kind, true);
  }

  private StoreFile(SortedMap<String, byte[]> files, String name, FileKind kind) {
    this.content = null;
    this.carriedFrom = files;
    this.carriedName = name;
    this.kind = kind;
  }

  /** The file {@code name} of a snapshot's (unmodifiable) files, not copied until asked for. */
  static StoreFile carried(SortedMap<String, byte[]> files, String name, FileKind kind) {
    if (!files.containsKey(name)) {
      throw new IllegalArgumentException("no file " + name);
    }
    return new StoreFile(files, name, Objects.requireNonNull(kind, "kind"));
  }

  public FileKind kind() {
    return kind;
  }

  /** Whether it is created 0600 (otherwise 0644). */
  public boolean secret() {
    return kind.secret();
  }

  /** A copy of the file's bytes. */
  public byte[] content() {
    return bytes().clone();
  }

  /**
   * Whether the file has exactly these bytes, compared without a copy: the check after apply
   * compares each file read back with the written one, and a copy of a 75 MB trust bundle beside
   * both did not fit a 512 MB heap.
   */
  public boolean hasContent(byte[] other) {
    return Arrays.equals(bytes(), other);
  }

  /** The bytes themselves, for the writer: not to be modified. */
  byte[] bytes() {
    return content != null ? content : carriedFrom.get(carriedName);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreFile other
        && kind == other.kind
        && Arrays.equals(bytes(), other.bytes());
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes()) + kind.hashCode();
  }

  @Override
  public String toString() {
    return "StoreFile[" + bytes().length + " bytes" + (secret() ? ", secret" : "") + "]";
  }
}
