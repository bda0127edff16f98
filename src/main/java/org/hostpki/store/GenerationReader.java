package org.hostpki.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.HostpkiException;

/**
 * Reads one generation directory into memory, refusing what hostpki never writes there: symbolic
 * links, special files, directories others can write, private keys others can read.
 *
 * <p>One walk, one lstat per entry (which the walk needs anyway, and which keeps a FIFO from
 * blocking the read), then each file is opened without following links and read whole.
 */
final class GenerationReader {

  /** A generation's files by name, and its metadata file. */
  record Content(SortedMap<String, byte[]> files, Optional<byte[]> metadata) {}

  private final Path store;
  private final StoreSafety safety;

  GenerationReader(Path store, StoreSafety safety) {
    this.store = store;
    this.safety = safety;
  }

  Content read(Path generation) throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    byte[][] metadata = new byte[1][];
    Files.walkFileTree(
        generation,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
              throws IOException {
            safety.checkGenerationDirectory(directory);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            String name = StoreNames.nameOf(generation, file);
            if (attributes.isSymbolicLink()) {
              throw foreign(file, "a symbolic link to " + Files.readSymbolicLink(file));
            }
            if (!attributes.isRegularFile()) {
              throw foreign(file, "not a regular file (a device, pipe or socket)");
            }
            if (name.equals(StoreNames.METADATA)) {
              metadata[0] = SafeFiles.readNoFollow(file);
              return FileVisitResult.CONTINUE;
            }
            if (GenerationRecord.isRecordFile(name)) {
              return FileVisitResult.CONTINUE; // about the set, not of it: see StoreDirectory#record
            }
            if (StoreSafety.isPrivateKeyName(name)) {
              safety.checkPrivateKeyFile(file, StoreNames.resolve(store, name));
            }
            files.put(name, SafeFiles.readNoFollow(file));
            return FileVisitResult.CONTINUE;
          }
        });
    return new Content(files, Optional.ofNullable(metadata[0]));
  }

  private static HostpkiException foreign(Path file, String what) {
    return new HostpkiException(
        "store file " + file + " is " + what + "; hostpki never writes that inside a generation, "
            + "so the generation was altered by hand. Activate another generation with "
            + "`hostpki rollback`, or remove the entry and run `hostpki apply`");
  }
}
