package org.hostpki.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;

/**
 * File failures in the words a user needs. The JDK's own messages repeat the path and nothing
 * else ({@code NoSuchFileException: /x/y}), which made messages like "cannot write X: X".
 */
public final class FileReasons {
  // st_mode's file type bits (stat(2)), to say what a file is instead of a regular file.
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  private FileReasons() {}

  /**
   * Why a file could not be read, as words that follow its name: {@code FILE does not exist},
   * {@code FILE is a FIFO (named pipe), not a regular file}, {@code FILE cannot be read:
   * permission denied}.
   */
  public static String of(IOException e) {
    if (e instanceof NotARegularFileException || e instanceof FileTooLargeException) {
      return ((FileSystemException) e).getReason();
    }
    if (e instanceof NoSuchFileException) {
      return "does not exist";
    }
    return "cannot be read: " + cause(e);
  }

  /**
   * The system's reason for a failed file operation, without the path: {@code permission
   * denied}, {@code the file system is read-only}.
   */
  public static String cause(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    if (reason == null || reason.isBlank()) {
      return e.getClass().getSimpleName();
    }
    if (reason.startsWith("Too many levels of symbolic links")) {
      return "too many levels of symbolic links (a loop?)";
    }
    Optional<String> exhausted = exhausted(reason);
    if (exhausted.isPresent()) {
      return exhausted.get();
    }
    return switch (reason) {
      case "Not a directory" -> "a part of the path is not a directory";
      case "Is a directory" -> "it is a directory";
      case "Read-only file system" -> "the file system is read-only";
      case "File name too long" -> "the file name is too long";
      case "Operation not permitted" -> "the operation is not permitted";
      default -> reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    };
  }

  /**
   * The kernel's words for a resource used up, or a disk failing ({@code ENOSPC}, {@code EDQUOT},
   * {@code EMFILE}, {@code EIO}), as words with what to do about it.
   *
   * @return empty for any other reason
   */
  public static Optional<String> exhausted(String reason) {
    return Optional.ofNullable(
        switch (reason) {
          case "No space left on device" -> "no space is left on the device (free some: `df -h`"
              + " and `df -i` show its file system's space and inodes)";
          case "Disk quota exceeded" -> "the disk quota is exceeded (free some space, or raise"
              + " the quota: `quota -s` shows it)";
          case "Too many open files" -> "too many open files (raise the limit: `ulimit -n`,"
              + " LimitNOFILE= in a systemd unit)";
          case "Input/output error" -> "an input/output error (is the disk failing? `dmesg` shows"
              + " the kernel's log)";
          default -> null;
        });
  }

  /**
   * What a file is, in words: {@code a regular file}, {@code a directory}, {@code a FIFO (named
   * pipe)}, {@code a character device} … Never opens the file (a FIFO must not block); with {@link
   * LinkOption#NOFOLLOW_LINKS} a link is described as itself, as a store entry is.
   */
  public static String kindOf(Path file, BasicFileAttributes attributes, LinkOption... options) {
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      if (Files.getAttribute(file, "unix:mode", options) instanceof Integer mode) {
        switch (mode & S_IFMT) {
          case S_IFIFO:
            return "a FIFO (named pipe)";
          case S_IFCHR:
            return "a character device";
          case S_IFBLK:
            return "a block device";
          case S_IFSOCK:
            return "a socket";
          default:
            break;
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // a file system without the unix view: say what it could be
    }
    return "a device, pipe or socket";
  }

  /** A size as a person reads it: {@code 64 KiB}, {@code 1 MiB}; bytes when not a round unit. */
  static String size(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    long value = bytes;
    int unit = 0;
    while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + " " + units[unit];
  }
}
