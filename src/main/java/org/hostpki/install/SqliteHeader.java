package org.hostpki.install;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.hostpki.files.InputFiles;

/**
 * What the headers of an SQLite database and of its rollback journal say of their size
 * (sqlite.org/fileformat.html, sections 1.3 and 4.1): how far {@link NssDatabaseInstaller}'s
 * private copy of an NSS database has to read (rvfinal16 2: a sparse {@code key4.db} was copied at
 * its full size, up to 1 GiB, at every look).
 */
final class SqliteHeader {
  /** The first 16 bytes of every SQLite database. */
  private static final byte[] DATABASE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** The first 8 bytes of a rollback journal whose pages were written out. */
  private static final byte[] JOURNAL_MAGIC = {
    (byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7
  };

  /** A database's header's length. */
  private static final int DATABASE_HEADER = 100;

  /** The part of a journal's header read: magic, records, nonce, original pages, sector, page size. */
  private static final int JOURNAL_HEADER = 28;

  private SqliteHeader() {}

  /** A database whose header gives no size to copy: what is wrong with it, for a message. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** A rollback journal's header: the database's size, in bytes, before the change it undoes. */
  record Journal(long originalBytes) {}

  /**
   * How many bytes of the database SQLite reads: the file's size, or less where the header's page
   * count times its page size says so ({@code least} at the least: a journal's size of the
   * database before its change, which a rollback puts back). A file shorter than a header is
   * copied whole (SQLite takes an empty one as an empty database).
   *
   * @throws Unreadable when the file is no SQLite database, or its page size is none SQLite uses
   *     (SQLite refuses it too); a page count it would not trust gives the file's size, as in SQLite
   */
  static long databaseBytes(Path database, long least) throws IOException, Unreadable {
    try (FileChannel in = InputFiles.openRegular(database, false)) {
      long size = in.size();
      ByteBuffer header = read(in, DATABASE_HEADER);
      if (header.limit() < DATABASE_HEADER) {
        return size;
      }
      if (!Arrays.equals(Arrays.copyOf(header.array(), DATABASE_MAGIC.length), DATABASE_MAGIC)) {
        throw new Unreadable("is no SQLite database (it does not start with \"SQLite format 3\")");
      }
      long pageSize = pageSize(header.getShort(16) & 0xffff);
      if (pageSize == 0) {
        throw new Unreadable("has a damaged header (its page size is not one SQLite uses)");
      }
      long pages = header.getInt(28) & 0xffffffffL;
      // The page count is valid only when written with the change counter (bytes 24-27 and 92-95);
      // otherwise SQLite takes the size from the file's length, and so does the copy (rvcore17 L2:
      // such a header was refused though SQLite opens the database)
      if (pages == 0 || header.getInt(24) != header.getInt(92)) {
        return size;
      }
      return Math.min(size, Math.max(pages * pageSize, least));
    }
  }

  /**
   * The journal's header when it starts with the rollback journal's magic (SQLite rolls back
   * nothing else); empty otherwise.
   */
  static Optional<Journal> journal(Path journal) throws IOException {
    try (FileChannel in = InputFiles.openRegular(journal, false)) {
      ByteBuffer header = read(in, JOURNAL_HEADER);
      if (header.limit() < JOURNAL_HEADER
          || !Arrays.equals(Arrays.copyOf(header.array(), JOURNAL_MAGIC.length), JOURNAL_MAGIC)) {
        return Optional.empty();
      }
      long pageSize = pageSize(header.getInt(24));
      return Optional.of(new Journal((header.getInt(16) & 0xffffffffL) * pageSize));
    }
  }

  /**
   * Whether the file's first byte is not 0: SQLite takes a journal so as hot (to be rolled back
   * before any read), and ignores one whose first byte is 0 or that is empty.
   */
  static boolean startsWithNonZero(Path file) throws IOException {
    try (FileChannel in = InputFiles.openRegular(file, false)) {
      ByteBuffer first = read(in, 1);
      return first.limit() == 1 && first.get(0) != 0;
    }
  }

  /** A page size as a header gives it (1 is 65,536), or 0 when it is none SQLite uses. */
  private static long pageSize(int given) {
    long size = given == 1 ? 65536 : given;
    return size >= 512 && size <= 65536 && Long.bitCount(size) == 1 ? size : 0;
  }

  /** Up to {@code length} bytes from the file's start, flipped for reading. */
  private static ByteBuffer read(FileChannel in, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && in.read(buffer) >= 0) {
      // until the length is read or the file ends
    }
    return buffer.flip();
  }
}
