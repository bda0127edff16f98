package org.hostpki.store;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.security.MessageDigest;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import org.hostpki.model.HostpkiException;

/**
 * The files of one generation as {@link StoreDirectory#read()} read them, by name, sorted, each
 * content held only softly: the garbage collector may drop it when the heap runs short, and it is
 * then read again from the generation (whose files never change once it is made) and must have the
 * SHA-256 it had when the store was read. With a heap to spare nothing is read twice; in a small
 * one (a 100,000-certificate trust store is 230 MB of files, {@code -Xmx512m}) the contents no
 * one uses at the moment are not all kept (bench/NOTES.md).
 *
 * <p>Unmodifiable. A view ({@link #subMap} …) shares the contents. Iterating the entries or the
 * names reads no content until an entry's value is asked for.
 */
final class GenerationFiles extends AbstractMap<String, byte[]> implements SortedMap<String, byte[]> {

  /** Reads a file of the generation again, by name. */
  @FunctionalInterface
  interface Reader {
    byte[] read(String name) throws IOException;
  }

  private final String[] names; // sorted, all of the generation's
  private final StoreSnapshot.FileDigests digests; // of names, in the same order
  private final SoftReference<byte[]>[] contents;
  private final int[] lengths; // of names, in the same order
  private final Reader reader;
  private final int from; // this view: names[from, to)
  private final int to;

  /**
   * One file of a generation as first read: its length, the SHA-256 of its content, and the content
   * held only softly from the moment it was read, so that no read of a store holds all its contents
   * at once (a 100,000-certificate set is 230 MB: the read-back after an apply ran out of {@code
   * -Xmx512m} when it held them all before hashing, bench/NOTES.md "fheap15b").
   */
  record Read(int length, byte[] sha256, SoftReference<byte[]> content) {
    /** A file just read, hashed with {@code digest} (reset after use). */
    static Read of(byte[] content, MessageDigest digest) {
      return new Read(content.length, digest.digest(content), new SoftReference<>(content));
    }
  }

  /**
   * @param files the files as read, sorted by name
   * @param digests their SHA-256, as {@link StoreSnapshot.FileDigests} of the same names
   */
  @SuppressWarnings("unchecked")
  GenerationFiles(SortedMap<String, Read> files, StoreSnapshot.FileDigests digests, Reader reader) {
    this.names = files.keySet().toArray(new String[0]);
    this.digests = digests;
    this.contents = new SoftReference[names.length];
    this.lengths = new int[names.length];
    int i = 0;
    for (Read read : files.values()) {
      lengths[i] = read.length();
      contents[i++] = read.content();
    }
    this.reader = reader;
    this.from = 0;
    this.to = names.length;
  }

  private GenerationFiles(GenerationFiles all, int from, int to) {
    this.names = all.names;
    this.digests = all.digests;
    this.contents = all.contents;
    this.lengths = all.lengths;
    this.reader = all.reader;
    this.from = from;
    this.to = Math.max(from, to);
  }

  /** The SHA-256 the file had when the store was read; null when this view has no such file. */
  byte[] sha256Of(String name) {
    int i = indexOf(name);
    return i < 0 ? null : digests.at(i);
  }

  /**
   * Whether the file of this name has exactly these bytes, without reading it again: compared
   * byte for byte while its content is held, else by length and by the SHA-256 of the first read
   * (a new trust bundle of 100,000 certificates is compared with the live one, 75 MB, that a small
   * heap dropped: reading it again beside the new one is what ran out of memory, bench/NOTES.md).
   */
  boolean hasContent(String name, byte[] content) {
    int i = indexOf(name);
    if (i < 0 || lengths[i] != content.length) {
      return false;
    }
    byte[] held = contents[i].get();
    if (held != null) {
      return Arrays.equals(held, content);
    }
    return MessageDigest.isEqual(StoreSnapshot.sha256(content), digests.at(i));
  }

  private int indexOf(Object key) {
    if (!(key instanceof String name)) {
      return -1;
    }
    int i = Arrays.binarySearch(names, from, to, name);
    return i < 0 ? -1 : i;
  }

  /** The content of names[i]: kept, or read again and checked against its digest. */
  private byte[] content(int i) {
    byte[] content = contents[i].get();
    if (content != null) {
      return content;
    }
    content = readAgain(reader, names[i], digests.at(i));
    contents[i] = new SoftReference<>(content); // racing readers store equal contents
    return content;
  }

  /**
   * A file of a generation read again with {@code reader}, which must have the SHA-256 {@code
   * digest} it had when first read (or written): a generation never changes once made.
   */
  static byte[] readAgain(Reader reader, String name, byte[] digest) {
    byte[] content;
    try {
      content = reader.read(name);
    } catch (IOException e) {
      throw new HostpkiException(
          "store file " + name + " could not be read again (" + e.getMessage() + "): was the store"
              + " changed by hand, or its generation removed, while hostpki ran? Run it again.");
    }
    if (!MessageDigest.isEqual(StoreSnapshot.sha256(content), digest)) {
      throw new HostpkiException(
          "store file " + name + " changed while hostpki ran, but hostpki never changes a"
              + " generation once made: it was altered by hand. Run hostpki again to read the"
              + " store as it is now.");
    }
    return content;
  }

  /** Drops every content, as the garbage collector may: for tests of reading again. */
  void dropContents() {
    for (int i = 0; i < contents.length; i++) {
      contents[i] = new SoftReference<>(null);
    }
  }

  @Override
  public byte[] get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : content(i);
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public String firstKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return names[from];
  }

  @Override
  public String lastKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return names[to - 1];
  }

  /** Where {@code key} is or would be among names[from, to). */
  private int position(String key) {
    int i = Arrays.binarySearch(names, from, to, key);
    return i >= 0 ? i : -i - 1;
  }

  @Override
  public SortedMap<String, byte[]> subMap(String fromKey, String toKey) {
    if (fromKey.compareTo(toKey) > 0) {
      throw new IllegalArgumentException("fromKey > toKey");
    }
    return new GenerationFiles(this, position(fromKey), position(toKey));
  }

  @Override
  public SortedMap<String, byte[]> headMap(String toKey) {
    return new GenerationFiles(this, from, position(toKey));
  }

  @Override
  public SortedMap<String, byte[]> tailMap(String fromKey) {
    return new GenerationFiles(this, position(fromKey), to);
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Positions<>(i -> names[i]);
      }

      @Override
      public int size() {
        return GenerationFiles.this.size();
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }
    };
  }

  @Override
  public Set<Map.Entry<String, byte[]>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, byte[]>> iterator() {
        return new Positions<>(Entry::new);
      }

      @Override
      public int size() {
        return GenerationFiles.this.size();
      }
    };
  }

  /** An entry whose content is read when asked for. */
  private final class Entry implements Map.Entry<String, byte[]> {
    private final int i;

    Entry(int i) {
      this.i = i;
    }

    @Override
    public String getKey() {
      return names[i];
    }

    @Override
    public byte[] getValue() {
      return content(i);
    }

    @Override
    public byte[] setValue(byte[] value) {
      throw new UnsupportedOperationException("a generation's files never change");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e && names[i].equals(e.getKey()) && getValue() == e.getValue();
    }

    @Override
    public int hashCode() {
      return names[i].hashCode() ^ System.identityHashCode(getValue());
    }

    @Override
    public String toString() {
      return names[i] + "=" + getValue().length + " bytes";
    }
  }

  private final class Positions<T> implements Iterator<T> {
    private final java.util.function.IntFunction<T> at;
    private int next = from;

    Positions(java.util.function.IntFunction<T> at) {
      this.at = at;
    }

    @Override
    public boolean hasNext() {
      return next < to;
    }

    @Override
    public T next() {
      if (next >= to) {
        throw new NoSuchElementException();
      }
      return at.apply(next++);
    }
  }
}
