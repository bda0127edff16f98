package org.hostpki.store;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.hostpki.model.Fingerprint;

/**
 * The bytes of every file of the current generation, as read by {@link StoreDirectory#read()}.
 *
 * <p>The byte arrays in {@link #files()} are the snapshot's own and shared, not copied (a store
 * may hold 100,000 trusted certificates): do not modify them. {@link #file(String)} returns a
 * copy. Two snapshots are equal when they have the same generation and content fingerprint.
 *
 * <p>A snapshot read from a store holds its files' contents only softly ({@link GenerationFiles}):
 * one the heap had to drop is read again from its generation when asked for, and must have the
 * digest it was read with, so that a large trust store can be planned and applied in a small heap.
 * Hold on to a content only as long as it is used.
 *
 * @param exists whether the store has been written (it has a {@code ..data} link)
 * @param generation the generation read, e.g. {@code ..2026_03_01_12_00_00.000000000}
 * @param files file name ({@code /}-separated: {@code trust/ldap.crt}) to content, sorted;
 *     without the writer's {@code .generation.json}
 * @param contentFingerprint SHA-256 over every name and content, see {@link #fingerprintOf}
 * @param digests the SHA-256 of each file's content, as hashed for the content fingerprint when
 *     the store was read ({@link FileDigests#NONE} when not kept): {@link #sha256Of} reuses them
 */
public record StoreSnapshot(
    boolean exists,
    Optional<String> generation,
    SortedMap<String, byte[]> files,
    Fingerprint contentFingerprint,
    FileDigests digests) {

  public StoreSnapshot {
    Objects.requireNonNull(generation, "generation");
    if (exists != generation.isPresent()) {
      throw new IllegalArgumentException("a snapshot has a generation exactly when it exists");
    }
    if (!(files instanceof GenerationFiles)) { // which is unmodifiable and the reader's own
      files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }
    Objects.requireNonNull(contentFingerprint, "contentFingerprint");
    Objects.requireNonNull(digests, "digests");
  }

  /** A snapshot that keeps no digests of its files: {@link #sha256Of} hashes when asked. */
  public StoreSnapshot(
      boolean exists, Optional<String> generation, SortedMap<String, byte[]> files, Fingerprint contentFingerprint) {
    this(exists, generation, files, contentFingerprint, FileDigests.NONE);
  }

  /** A store that has never been written; its fingerprint is that of no files. */
  public static StoreSnapshot empty() {
    return new StoreSnapshot(
        false, Optional.empty(), new TreeMap<>(), fingerprintOf(new TreeMap<>()));
  }

  /**
   * A generation's contents given whole (tests), each then held softly and read again with {@code
   * reader} (by name).
   */
  static StoreSnapshot of(String generation, SortedMap<String, byte[]> files, GenerationFiles.Reader reader) {
    byte[][] digests = digests(files);
    SortedMap<String, GenerationFiles.Read> read = new TreeMap<>();
    int i = 0;
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      byte[] content = file.getValue();
      read.put(file.getKey(), new GenerationFiles.Read(content.length, digests[i++], new SoftReference<>(content)));
    }
    return ofRead(generation, read, reader);
  }

  /**
   * A generation as {@link GenerationReader} read it, file by file hashed and held softly; a content
   * the heap dropped is read again with {@code reader} (by name).
   */
  static StoreSnapshot ofRead(
      String generation, SortedMap<String, GenerationFiles.Read> files, GenerationFiles.Reader reader) {
    FileDigests kept = new FileDigests(files);
    MessageDigest digest = sha256();
    ByteBuffer length = ByteBuffer.allocate(Long.BYTES);
    for (Map.Entry<String, GenerationFiles.Read> file : files.entrySet()) {
      addToFingerprint(digest, length, file.getKey(), file.getValue().length(), file.getValue().sha256());
    }
    return new StoreSnapshot(
        true, Optional.of(generation), new GenerationFiles(files, kept, reader),
        new Fingerprint(HexFormat.of().formatHex(digest.digest())), kept);
  }

  /**
   * The SHA-256 of a file's content, the one the content fingerprint was made from when the
   * snapshot kept it (a sign at 700 records hashed every record again to check issued/index: 12% of
   * its time), else hashed now.
   *
   * @throws IllegalArgumentException when the snapshot has no such file
   */
  public byte[] sha256Of(String name) {
    if (files instanceof GenerationFiles read) {
      byte[] digest = read.sha256Of(name);
      if (digest == null) {
        throw new IllegalArgumentException("no file " + name);
      }
      return digest;
    }
    byte[] content = files.get(name);
    if (content == null) {
      throw new IllegalArgumentException("no file " + name);
    }
    return sha256(content);
  }

  /**
   * The digests of a store's files as read, in name order, compactly: one array of 32 bytes for
   * all, so that a store of 100,000 trusted certificates holds them in about 3.2 MB.
   */
  public static final class FileDigests {
    /** No digests kept. */
    public static final FileDigests NONE = new FileDigests(new TreeMap<>());

    private final byte[] digests; // 32 bytes per file, in name order

    FileDigests(SortedMap<String, GenerationFiles.Read> files) {
      this.digests = new byte[files.size() * DIGEST_LENGTH];
      int i = 0;
      for (GenerationFiles.Read file : files.values()) {
        System.arraycopy(file.sha256(), 0, this.digests, i++ * DIGEST_LENGTH, DIGEST_LENGTH);
      }
    }

    /** The digest of the i-th file in name order (a copy). */
    byte[] at(int i) {
      return java.util.Arrays.copyOfRange(digests, i * DIGEST_LENGTH, (i + 1) * DIGEST_LENGTH);
    }

    private static final int DIGEST_LENGTH = 32;
  }

  /** A copy of one file's content. */
  public Optional<byte[]> file(String name) {
    return Optional.ofNullable(files.get(name)).map(byte[]::clone);
  }

  /** The files below a directory, e.g. {@code under("trust")}: {@code trust/ldap.crt} … */
  public SortedMap<String, byte[]> under(String directory) {
    String prefix = directory + "/";
    // '/' + 1 is '0': every name with the prefix sorts before prefix-without-slash + '0'.
    return files.subMap(prefix, directory + (char) ('/' + 1));
  }

  /**
   * The digest a saved plan compares: for each file in name order, the name's UTF-8 bytes, a NUL,
   * the content's length as 8 bytes big-endian, then the SHA-256 of the content. With no files it
   * is the SHA-256 of nothing, as {@link org.hostpki.model.ObservedStore#empty()} has. Hashing
   * each file on its own lets a large store (100,000 trusted certificates) be hashed on every
   * core.
   */
  public static Fingerprint fingerprintOf(SortedMap<String, byte[]> files) {
    return fingerprintOf(files, digests(files));
  }

  /** The SHA-256 of each file's content, in name order, hashed on every core for a large store. */
  private static byte[][] digests(SortedMap<String, byte[]> files) {
    List<byte[]> contents = new ArrayList<>(files.values());
    byte[][] digests = new byte[contents.size()][];
    int chunks = (contents.size() + FILES_PER_TASK - 1) / FILES_PER_TASK;
    IntStream tasks = IntStream.range(0, chunks);
    if (chunks > 1) {
      tasks = tasks.parallel();
    }
    // Each task fills its own slots; the stream's end makes them visible here.
    tasks.forEach(
        chunk -> {
          MessageDigest digest = sha256();
          int end = Math.min(contents.size(), (chunk + 1) * FILES_PER_TASK);
          for (int i = chunk * FILES_PER_TASK; i < end; i++) {
            digests[i] = digest.digest(contents.get(i));
          }
        });
    return digests;
  }

  private static Fingerprint fingerprintOf(SortedMap<String, byte[]> files, byte[][] digests) {
    MessageDigest digest = sha256();
    ByteBuffer length = ByteBuffer.allocate(Long.BYTES);
    int i = 0;
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      addToFingerprint(digest, length, file.getKey(), file.getValue().length, digests[i++]);
    }
    return new Fingerprint(HexFormat.of().formatHex(digest.digest()));
  }

  /** One file's part of {@link #fingerprintOf}: name, NUL, length (8 bytes), SHA-256. */
  private static void addToFingerprint(
      MessageDigest digest, ByteBuffer length, String name, long size, byte[] sha256) {
    digest.update(name.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    length.clear();
    length.putLong(size);
    digest.update(length.array());
    digest.update(sha256);
  }

  /** Files hashed by one task: enough to outweigh handing the task over. */
  private static final int FILES_PER_TASK = 64;

  static byte[] sha256(byte[] content) {
    return sha256().digest(content);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreSnapshot other
        && exists == other.exists
        && generation.equals(other.generation)
        && contentFingerprint.equals(other.contentFingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(exists, generation, contentFingerprint);
  }

  @Override
  public String toString() {
    return "StoreSnapshot[" + generation.orElse("no generation") + ", " + files.size()
        + " files, " + contentFingerprint + "]";
  }
}
