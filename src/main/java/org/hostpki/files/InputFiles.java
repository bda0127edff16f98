package org.hostpki.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/**
 * The one way hostpki reads a file: look first, then read a regular file whole, up to the limit
 * of its kind.
 *
 * <p>The look ({@code stat}) comes before the open because opening a FIFO for reading blocks
 * until a writer comes, and a device never ends. The size it reports is only a hint: files under
 * {@code /proc} say 0, and a file may grow while it is read, so the read itself stops one byte
 * past the limit.
 */
public final class InputFiles {
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  /** The first buffer for a file whose size is unknown (0 under /proc). */
  private static final int FIRST_CHUNK = 8 << 10;

  private InputFiles() {}

  /**
   * Reads a regular file, following symbolic links to it.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   * @throws NotARegularFileException when it is a directory, FIFO, device or socket
   * @throws FileTooLargeException when it is larger than {@code kind} allows
   * @throws IOException when it cannot be read; {@link FileReasons#of} words it
   */
  public static byte[] read(Path file, InputKind kind) throws IOException {
    return read(file, kind, READ);
  }

  /** As {@link #read}, but a symbolic link is refused instead of followed (for the store). */
  public static byte[] readNoFollow(Path file, InputKind kind) throws IOException {
    return read(file, kind, READ_NO_FOLLOW);
  }

  /**
   * As {@link #readNoFollow}, but a file larger than its kind allows is not refused: its first
   * {@code kind.limit() + 1} bytes are returned, which tell it from every file of that kind (for a
   * file another user may write, whose content is checked and rewritten rather than trusted).
   */
  public static byte[] readHeadNoFollow(Path file, InputKind kind) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(
          file, FileReasons.kindOf(file, attributes, LinkOption.NOFOLLOW_LINKS));
    }
    long most = kind.limit() + 1;
    try (FileChannel channel = FileChannel.open(file, READ_NO_FOLLOW)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size() + 1, most));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // until the end of the file or the limit
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  /**
   * Checks, without opening it, that {@code file} is a regular file no larger than its kind
   * allows, and returns its attributes (for callers that check the owner and mode as well).
   */
  public static BasicFileAttributes requireRegular(Path file, InputKind kind) throws IOException {
    return requireRegular(file, kind, new LinkOption[0]);
  }

  private static BasicFileAttributes requireRegular(
      Path file, InputKind kind, LinkOption... options) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, options);
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(file, FileReasons.kindOf(file, attributes, options));
    }
    if (attributes.size() > kind.limit()) {
      throw FileTooLargeException.ofSize(file, attributes.size(), kind);
    }
    return attributes;
  }

  private static byte[] read(Path file, InputKind kind, Set<OpenOption> open) throws IOException {
    LinkOption[] follow =
        open.contains(LinkOption.NOFOLLOW_LINKS)
            ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS}
            : new LinkOption[0];
    long size = requireRegular(file, kind, follow).size();
    long most = kind.limit() + 1;
    try (FileChannel channel = FileChannel.open(file, open)) {
      // One byte more than the size tells the end of the file from a file that grew.
      byte[] buffer = new byte[(int) Math.min(size == 0 ? FIRST_CHUNK : size + 1, most)];
      int length = 0;
      while (true) {
        if (length == buffer.length) {
          if (length == most) {
            throw FileTooLargeException.whileReading(file, kind);
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(2L * length, most));
        }
        int n = channel.read(ByteBuffer.wrap(buffer, length, buffer.length - length));
        if (n < 0) {
          return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
        length += n;
      }
    }
  }
}
