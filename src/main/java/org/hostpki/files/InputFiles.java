package org.hostpki.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way hostpki reads a file: look first, then read a regular file whole, up to the limit
 * of its kind.
 *
 * <p>The look ({@code stat}) comes before the open because opening a FIFO for reading blocks
 * until a writer comes, and a device never ends. The size it reports is only a hint: files under
 * {@code /proc} say 0, and a file may grow while it is read, so the read itself stops one byte
 * past the limit.
 *
 * <p>Whoever may write the folder that holds a file can swap it for a FIFO between the look and
 * the open, and Java cannot open without blocking ({@code O_NONBLOCK}): the open of a FIFO would
 * wait for a writer for good, and with it a timer's run or a watch (holding the store lock, in
 * sign's case). So the open runs in a daemon thread and is waited for at most {@link
 * #OPEN_LIMIT}; what opened is then checked to be a file one can seek in (a FIFO, socket or
 * terminal cannot), and looked at again. An open that never returns leaves its thread blocked
 * until a writer comes; as a daemon thread it keeps no run from ending.
 *
 * <p>Where no one but root or this user can put anything in the file's place ({@link OwnWays}:
 * every folder on its way, links followed, theirs alone and on a local file system), the open
 * runs in the calling thread, with the same checks after it: the helper thread cost a plan of
 * 10,000 trusted certificates about 0.6 s of CPU, and its apply 1.5 s.
 */
public final class InputFiles {
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  /** The first buffer for a file whose size is unknown (0 under /proc). */
  private static final int FIRST_CHUNK = 8 << 10;

  /** The longest an open of a file may take before the file is refused. */
  public static final Duration OPEN_LIMIT = Duration.ofSeconds(5);

  /** The limit used (tests: a shorter one). */
  static volatile Duration openLimit = OPEN_LIMIT;

  /** Who may swap a file, asked before its open (tests: another user). */
  static volatile OwnWays ways = OwnWays.forThisProcess();

  /** Runs between the look at a file and its open (tests: a swap). */
  static volatile Consumer<Path> afterLook = file -> { };

  private static final String PUT_IN_PLACE =
      " (it was put in place after hostpki looked at it); it was not read";

  /** Daemon threads that open files; an idle one ends after a few seconds. */
  private static final ThreadPoolExecutor OPENERS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          5,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread thread = new Thread(task, "hostpki-open");
            thread.setDaemon(true);
            return thread;
          });

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
    try (FileChannel channel = open(file, READ_NO_FOLLOW, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size() + 1, most));
      while (buffer.hasRemaining() && read(file, channel, buffer) >= 0) {
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
    try (FileChannel channel = open(file, open, follow)) {
      byte[] buffer = new byte[(int) Math.min(size == 0 ? FIRST_CHUNK : size, most)];
      int length = 0;
      while (true) {
        if (length == buffer.length) {
          if (length == most) {
            throw FileTooLargeException.whileReading(file, kind);
          }
          // Full at the size it had: one byte more tells its end from a file that grew, without
          // a trimmed copy of the whole (a 75 MB trust bundle read back in a 512 MB heap).
          ByteBuffer probe = ByteBuffer.allocate(1);
          if (read(file, channel, probe) < 0) {
            return buffer;
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(2L * length, FIRST_CHUNK), most));
          if (probe.position() == 1) {
            buffer[length++] = probe.get(0);
          }
          continue;
        }
        int n = read(file, channel, ByteBuffer.wrap(buffer, length, buffer.length - length));
        if (n < 0) {
          return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
        length += n;
      }
    }
  }

  /**
   * Opens a file looked at before as a regular file, for reading: within {@link #OPEN_LIMIT}, and
   * only when what opened is still a regular file, for readers that read it their own way (a
   * system trust store).
   *
   * @param followLinks whether a link to the file is followed
   * @throws NotARegularFileException when it is (or became) a directory, FIFO, device or socket
   * @throws IOException when it cannot be opened, or did not open within the limit
   */
  public static FileChannel openRegular(Path file, boolean followLinks) throws IOException {
    LinkOption[] follow = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, follow);
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(file, FileReasons.kindOf(file, attributes, follow));
    }
    return open(file, followLinks ? READ : READ_NO_FOLLOW, follow);
  }

  /**
   * One read. A file of the kernel's under {@code /proc} or {@code /sys} that says it is a regular
   * file but cannot be read as one ({@code /proc/self/mem}: an input/output error) is refused as
   * what it is, not with advice about a failing disk.
   */
  private static int read(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
    try {
      return channel.read(buffer);
    } catch (IOException e) {
      Optional<String> kernel = kernelFolder(file);
      if (kernel.isPresent()) {
        NotARegularFileException refusal = new NotARegularFileException(
            file, "a special file of the kernel's (under " + kernel.get() + ")",
            "; it cannot be read as a file");
        refusal.initCause(e);
        throw refusal;
      }
      throw e;
    }
  }

  /** {@code /proc} or {@code /sys} when the file is in one, by its name or where links lead. */
  private static Optional<String> kernelFolder(Path file) {
    for (String folder : new String[] {"/proc", "/sys"}) {
      Path top = Path.of(folder);
      if (file.toAbsolutePath().normalize().startsWith(top)) {
        return Optional.of(folder);
      }
      try {
        if (file.toRealPath().startsWith(top)) {
          return Optional.of(folder);
        }
      } catch (IOException | SecurityException e) {
        // no longer there: its name is all there is
      }
    }
    return Optional.empty();
  }

  /** An open of a file, as {@link #openBounded} runs it. */
  @FunctionalInterface
  public interface Opener<C extends SeekableByteChannel> {
    /** Opens the file (FileChannel.open, SecureDirectoryStream.newByteChannel). */
    C open() throws IOException;
  }

  /**
   * Opens a file for reading that was looked at as a regular file a moment before, in a folder
   * another user may write: in a daemon thread, waited for at most {@link #OPEN_LIMIT}, and
   * refused when what opened cannot seek (a FIFO, a socket, a terminal, whose read would wait for
   * a writer). For opens this class cannot make itself (relative to a folder held open).
   *
   * @param file the file, for messages
   * @throws NotARegularFileException when what opened is a pipe, socket or terminal
   * @throws IOException when it cannot be opened, or did not open within the limit
   */
  public static <C extends SeekableByteChannel> C openBounded(Path file, Opener<C> opener)
      throws IOException {
    Opening<C> opening = new Opening<>(opener);
    OPENERS.execute(opening);
    Duration limit = openLimit;
    C channel;
    try {
      channel = opening.await(limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening " + file);
    }
    if (channel == null) {
      throw new OpenTimedOut(file, limit);
    }
    return checkedSeekable(file, channel);
  }

  /** The channel when it can seek; refused (and closed) when it is a pipe, socket or terminal. */
  private static <C extends SeekableByteChannel> C checkedSeekable(Path file, C channel)
      throws IOException {
    try {
      // A FIFO, a socket or a terminal cannot seek: reading one would wait for its writer.
      channel.position();
    } catch (IOException e) {
      channel.close();
      throw new NotARegularFileException(file, "a pipe, socket or terminal", PUT_IN_PLACE);
    }
    return channel;
  }

  /**
   * Opens a file looked at as a regular file a moment before ({@link #openBounded}), then looks
   * at it again: what is refused is named as what it is now.
   */
  private static FileChannel open(Path file, Set<OpenOption> options, LinkOption... follow)
      throws IOException {
    boolean direct = ways.othersCannotSwap(file, follow.length == 0);
    afterLook.accept(file);
    FileChannel channel;
    try {
      channel = direct ? checkedSeekable(file, FileChannel.open(file, options))
          : openBounded(file, () -> FileChannel.open(file, options));
    } catch (NotARegularFileException | OpenTimedOut e) {
      Optional<FileSystemException> now = notRegularNow(file, follow);
      throw now.isPresent() ? now.get() : e;
    }
    Optional<FileSystemException> changed = notRegularNow(file, follow);
    if (changed.isPresent()) {
      channel.close();
      throw changed.get();
    }
    return channel;
  }

  /** The refusal of a file that is no regular file now (after it was looked at as one). */
  private static Optional<FileSystemException> notRegularNow(Path file, LinkOption... follow) {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(file, BasicFileAttributes.class, follow);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (now.isRegularFile()) {
      return Optional.empty();
    }
    return Optional.of(
        new NotARegularFileException(file, FileReasons.kindOf(file, now, follow), PUT_IN_PLACE));
  }

  /** An open that did not return within the limit. */
  public static final class OpenTimedOut extends FileSystemException {
    private static final long serialVersionUID = 1L;

    OpenTimedOut(Path file, Duration limit) {
      super(file.toString(), null,
          "it did not open within " + limit.toSeconds() + " seconds (a FIFO put in its place after"
              + " hostpki looked at it, or a file system that does not answer); it was not read");
    }
  }
}
