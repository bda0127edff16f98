package org.hostpki.store;

import java.lang.ref.SoftReference;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
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
 *
 * <p>Once its generation is committed ({@link #committed}), a file holds its content only softly,
 * with its SHA-256: the check after apply compares the store read back with the written set by
 * digests ({@link #sha256()}), and a content the heap dropped is read again from the committed
 * generation (never changed once made) and must have that digest. With a heap to spare nothing is
 * read twice; in a small one the written set (230 MB for 100,000 certificates) is not held beside
 * the store read back (bench/NOTES.md, fheap15).
 */
public final class StoreFile {

  private volatile byte[] content; // null when carried over, or once committed
  private final SortedMap<String, byte[]> carriedFrom; // a snapshot's files, when carried over
  private final String carriedName;
  private final FileKind kind;
  private volatile byte[] sha256; // known once committed, or asked for
  private volatile SoftReference<byte[]> committedContent; // once committed
  private volatile GenerationFiles.Reader committedIn; // reads it from its committed generation
  private volatile String committedName;
  private final java.util.function.Supplier<byte[]> derive; // makes the content, when derived
  private volatile SoftReference<byte[]> derivedContent; // what it made last, when derived

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
    this.derive = null;
  }

  private StoreFile(byte[] content, FileKind kind, boolean adopted) {
    this.content = Objects.requireNonNull(content, "content");
    this.carriedFrom = null;
    this.carriedName = null;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.derive = null;
  }

  private StoreFile(java.util.function.Supplier<byte[]> derive, FileKind kind) {
    this.content = null;
    this.carriedFrom = null;
    this.carriedName = null;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.derive = Objects.requireNonNull(derive, "derive");
  }

  /**
   * A file whose content {@code derive} makes when it is asked for (by the writer, as it writes
   * the file), from what the caller holds anyway, such as a trusted certificate's DER; it must
   * make the same bytes every time, a new array each time, which this file then holds only
   * softly. An apply from an empty store of 100,000 trusted certificates held each new trust
   * file's PEM (77 MB) and the trust store's bags beside its file until the write; a 512 MB heap
   * could not (bench/NOTES.md, fheap16). With a heap to spare the content made once is kept.
   */
  public static StoreFile derived(java.util.function.Supplier<byte[]> derive, FileKind kind) {
    return new StoreFile(derive, kind);
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
    this.derive = null;
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
   * Whether {@code snapshot}'s file {@code name} has exactly this content: byte for byte while this
   * file holds its own content, else by SHA-256, the snapshot's from its read, this file's from its
   * commit (or from the snapshot it was carried from), neither content read or held for it: the
   * check after apply compares the store read back with the written set, and both whole beside
   * each other did not fit a 512 MB heap at 100,000 trusted certificates (bench/NOTES.md).
   */
  public boolean readsBackIn(StoreSnapshot snapshot, String name) {
    if (!snapshot.files().containsKey(name)) {
      return false;
    }
    byte[] held = content;
    if (held == null && derive != null) {
      SoftReference<byte[]> made = derivedContent;
      held = made == null ? null : made.get();
    }
    return held != null
        ? Arrays.equals(held, snapshot.files().get(name)) // no digest made: compared as it is
        : MessageDigest.isEqual(snapshot.sha256Of(name), sha256());
  }

  /**
   * The SHA-256 of the content (a copy): for a file carried over, the one the snapshot made when it
   * read the store; for a committed one, the one made at its commit; else hashed now.
   */
  public byte[] sha256() {
    byte[] known = sha256;
    if (known == null) {
      known =
          carriedFrom instanceof GenerationFiles read
              ? read.sha256Of(carriedName)
              : StoreSnapshot.sha256(bytes());
      sha256 = known;
    }
    return known.clone();
  }

  /**
   * The files of {@code set} now hold their contents only softly, to be read again by name with
   * {@code generation}'s reader (the generation just committed with them) when the heap dropped
   * them, when their contents would take more than a quarter of the heap: each is hashed once
   * then, so that the written set can be compared with the store read back without holding both.
   * In a heap to spare they stay as they are, and are compared byte for byte: hashing the 230 MB of
   * a 100,000 set costs ~2 CPU seconds with the launcher's flags (bench/NOTES.md, fheap15).
   */
  static void committed(SortedMap<String, StoreFile> set, GenerationFiles.Reader generation) {
    committed(set, generation, Runtime.getRuntime().maxMemory());
  }

  /** As {@link #committed(SortedMap, GenerationFiles.Reader)}, in a heap of {@code heap} bytes. */
  static void committed(SortedMap<String, StoreFile> set, GenerationFiles.Reader generation, long heap) {
    long held = 0;
    for (StoreFile file : set.values()) {
      byte[] content = file.content;
      held += content == null ? 0 : content.length;
    }
    if (held <= heap / 4) {
      return;
    }
    java.util.List<Map.Entry<String, StoreFile>> files = new java.util.ArrayList<>(set.entrySet());
    java.util.function.IntConsumer hash = i -> files.get(i).getValue().commit(generation, files.get(i).getKey());
    if (files.size() > 64) {
      try {
        java.util.stream.IntStream.range(0, files.size()).parallel().forEach(hash);
        return;
      } catch (OutOfMemoryError e) {
        // The common pool could not start a thread (ulimit -u, a cgroup's pids.max: "unable to create
        // native thread"; rvsec15 L5). The store is committed already: an error now would say it
        // failed after it changed. Hashed here instead, one by one; a file a pool thread is still
        // on is done twice, the same way (commit() is idempotent). A heap truly full fails again.
        if (!String.valueOf(e.getMessage()).contains("native thread")) {
          throw e;
        }
      }
    }
    java.util.stream.IntStream.range(0, files.size()).forEach(hash);
  }

  private void commit(GenerationFiles.Reader generation, String name) {
    byte[] held = content;
    if (held != null) {
      sha256();
      committedIn = generation;
      committedName = name;
      committedContent = new SoftReference<>(held);
      content = null;
    }
  }

  /** The bytes themselves, for the writer: not to be modified. */
  byte[] bytes() {
    byte[] held = content;
    if (held != null) {
      return held;
    }
    if (carriedFrom != null) {
      return carriedFrom.get(carriedName);
    }
    if (derive != null) {
      SoftReference<byte[]> made = derivedContent;
      held = made == null ? null : made.get();
      if (held == null) {
        held = derive.get();
        derivedContent = new SoftReference<>(held);
      }
      return held;
    }
    held = committedContent.get();
    if (held != null) {
      return held;
    }
    held = GenerationFiles.readAgain(committedIn, committedName, sha256);
    committedContent = new SoftReference<>(held);
    return held;
  }

  /** Drops the content of a committed file, as the garbage collector may: for tests. */
  void dropContent() {
    derivedContent = null;
    if (committedContent != null) {
      committedContent = new SoftReference<>(null);
    }
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
