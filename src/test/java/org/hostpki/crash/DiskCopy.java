package org.hostpki.crash;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HashMap;
import java.util.Map;

/**
 * A copy of a whole disk that {@link DiskState} cannot tell from it: every name with its kind,
 * mode, owner and group, a file's content, a link's target, and hard links as hard links. The
 * crash tests check what a power cut that keeps everything left on such a copy, and then take
 * away from the disk itself what was not synced (which {@link WriteBackCache} knows by the disk's
 * own file keys): two outcomes of one interrupted run.
 */
final class DiskCopy {
  private DiskCopy() {}

  /** A new disk (close it) holding what {@code disk} holds. */
  static FileSystem of(FileSystem disk) throws IOException {
    FileSystem copy = Disks.newDisk();
    try {
      Map<Object, Path> copiedFiles = new HashMap<>();
      for (Path root : disk.getRootDirectories()) {
        copy(root, copy.getPath(root.toString()), copiedFiles);
      }
      return copy;
    } catch (IOException | RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  private static void copy(Path from, Path to, Map<Object, Path> copiedFiles) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      Files.createSymbolicLink(to, to.getFileSystem().getPath(Files.readSymbolicLink(from).toString()));
      return;
    }
    if (attributes.isRegularFile()) {
      Path first = copiedFiles.putIfAbsent(attributes.fileKey(), to);
      if (first != null) {
        Files.createLink(to, first); // the same file: its attributes are set already
        return;
      }
      Files.write(to, Files.readAllBytes(from), StandardOpenOption.CREATE_NEW);
    } else if (attributes.isDirectory()) {
      if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(to); // not the root, nor the working directory every new disk has
      }
    } else {
      throw new IOException(from + ": neither a file, a directory nor a link, not copied");
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(to, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipalLookupService principals = to.getFileSystem().getUserPrincipalLookupService();
    view.setOwner(principals.lookupPrincipalByName(attributes.owner().getName()));
    view.setGroup(principals.lookupPrincipalByGroupName(attributes.group().getName()));
    view.setPermissions(attributes.permissions());
    if (attributes.isDirectory()) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(from)) {
        for (Path child : children) {
          copy(child, to.resolve(child.getFileName().toString()), copiedFiles);
        }
      }
    }
  }
}
