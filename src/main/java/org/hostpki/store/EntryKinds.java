package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What a directory entry is, in the words a message uses: {@code a FIFO (named pipe)}. */
final class EntryKinds {
  private static final int TYPE_MASK = 0170000;
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private EntryKinds() {}

  /** Never opens the entry, nor follows it: a FIFO must not block, a link is what it is. */
  static String describe(Path entry, BasicFileAttributes attributes) {
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    return switch (typeBits(entry)) {
      case FIFO -> "a FIFO (named pipe)";
      case SOCKET -> "a socket";
      case CHARACTER_DEVICE -> "a character device";
      case BLOCK_DEVICE -> "a block device";
      default -> "a special file (a device, pipe or socket)";
    };
  }

  private static int typeBits(Path entry) {
    if (!entry.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return 0;
    }
    try {
      return (Integer) Files.getAttribute(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS) & TYPE_MASK;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return 0;
    }
  }
}
