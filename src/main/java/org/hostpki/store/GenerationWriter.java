package org.hostpki.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a complete set into a new directory that nothing points at yet, and makes it durable:
 * every file and every directory synced before the caller renames it into place.
 */
final class GenerationWriter {
  private static final int SYNC_THREADS = 8;
  private static final int PARALLEL_SYNC_THRESHOLD = 64;

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
    syncAll(written);
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

  /**
   * Syncs the files after all are written rather than each as it is written, and a large set
   * from several threads: the file system commits concurrent syncs together (measured on ext4:
   * 20,000 files in 9.0 s one by one, 1.6 s from 8 threads).
   */
  private static void syncAll(List<Path> files) throws IOException {
    if (files.size() < PARALLEL_SYNC_THRESHOLD) {
      for (Path file : files) {
        SafeFiles.sync(file);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(SYNC_THREADS);
    try {
      List<Future<Void>> parts = new ArrayList<>();
      int chunk = (files.size() + SYNC_THREADS - 1) / SYNC_THREADS;
      for (int from = 0; from < files.size(); from += chunk) {
        List<Path> part = files.subList(from, Math.min(files.size(), from + chunk));
        parts.add(
            pool.submit(
                () -> {
                  for (Path file : part) {
                    SafeFiles.sync(file);
                  }
                  return null;
                }));
      }
      for (Future<Void> part : parts) {
        await(part);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(Future<Void> part) throws IOException {
    try {
      part.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while syncing the new generation");
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
