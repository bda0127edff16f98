package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Writes a complete set into a new directory that nothing points at yet, and makes it durable:
 * every file and every directory synced before the caller renames it into place.
 */
final class GenerationWriter {
  private final Path directory;
  private final Set<Path> directories = new LinkedHashSet<>();
  private final List<Path> written = new ArrayList<>();
  /** Whether the umask narrows 0644; unknown until the first public file is made. */
  private Boolean umaskNarrowsPublicMode;

  private GenerationWriter(Path directory) {
    this.directory = directory;
  }

  static void write(Path directory, SortedMap<String, StoreFile> files, byte[] metadata)
      throws IOException {
    new GenerationWriter(directory).writeAll(files, metadata);
  }

  private void writeAll(SortedMap<String, StoreFile> files, byte[] metadata) throws IOException {
    SafeFiles.createDirectory(directory, FileModes.DIRECTORY);
    directories.add(directory);
    for (Map.Entry<String, StoreFile> entry : files.entrySet()) {
      Path file = StoreNames.resolve(directory, entry.getKey());
      createParents(file.getParent());
      writeFile(file, entry.getValue().content(), entry.getValue().secret());
    }
    writeFile(directory.resolve(StoreNames.METADATA), metadata, false);
    // Synced after all writes rather than one by one: the first sync's journal commit carries
    // much of the others, which is many times faster for a large trust directory.
    for (Path file : written) {
      SafeFiles.sync(file);
    }
    for (Path d : directories) {
      SafeFiles.syncDirectory(d);
    }
  }

  private void writeFile(Path file, byte[] content, boolean secret) throws IOException {
    if (secret) {
      SafeFiles.writeNew(file, content, FileModes.SECRET);
    } else {
      SafeFiles.writeNew(file, content, FileModes.PUBLIC);
      widenPublicMode(file);
    }
    written.add(file);
  }

  /** Public files are 0644 whatever the umask, as the kubelet's writer makes them. */
  private void widenPublicMode(Path file) throws IOException {
    if (!FileModes.hasPosix(file)) {
      return;
    }
    if (umaskNarrowsPublicMode == null) {
      umaskNarrowsPublicMode =
          !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
              .equals(FileModes.PUBLIC);
    }
    if (umaskNarrowsPublicMode) {
      FileModes.setExactly(file, FileModes.PUBLIC);
    }
  }

  private void createParents(Path parent) throws IOException {
    if (directories.contains(parent)) {
      return;
    }
    createParents(parent.getParent());
    SafeFiles.createDirectory(parent, FileModes.DIRECTORY);
    directories.add(parent);
  }
}
