package org.hostpki.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.hostpki.files.FileReasons;
import org.hostpki.model.FileAccess;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.FileKind;
import org.hostpki.model.StoreLayout;

/**
 * Reads one generation directory into memory, refusing what hostpki never writes there: symbolic
 * links, FIFOs, sockets and devices, directories where files belong, directories others can
 * write, secret files of another owner, private keys others can read.
 *
 * <p>One walk, one lstat per entry (which the walk needs anyway, and which keeps a FIFO from
 * blocking the read), then each file is opened without following links, read whole, hashed, and
 * held only softly ({@link GenerationFiles.Read}).
 */
final class GenerationReader {

  /**
   * A generation's files by name. Without its metadata file ({@code .generation.json}), which no
   * reader of the set uses: it holds the plan that made the generation, 45 MB after the first apply
   * of 100,000 trusted certificates, and was read into memory by every read of the store
   * ({@link Generation#metadata()} reads it for history).
   */
  record Content(SortedMap<String, GenerationFiles.Read> files) {}

  private final Path store;
  private final StoreSafety safety;
  private final StoreLayout layout;
  private final Function<String, String> restoreAdvice;

  /**
   * @param layout what each file holds, for the checks of secret files
   * @param restoreAdvice for a damaged generation (by name): how to make another one current
   */
  GenerationReader(
      Path store, StoreSafety safety, StoreLayout layout, Function<String, String> restoreAdvice) {
    this.store = store;
    this.safety = safety;
    this.layout = layout;
    this.restoreAdvice = restoreAdvice;
  }

  Content read(Path generation) throws IOException {
    Map<String, FileAccess> written = writtenAccess(generation);
    SortedMap<String, GenerationFiles.Read> files = new TreeMap<>();
    MessageDigest sha256 = StoreSnapshot.sha256();
    Files.walkFileTree(
        generation,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
              throws IOException {
            if (!directory.equals(generation)
                && !StoreLayout.DIRECTORIES.contains(StoreNames.nameOf(generation, directory))) {
              // A directory where a file belongs (ca.key/, trust/ldap.crt/): never read as
              // "no such file", which would make a new key.
              throw alteredByHand(generation, directory, "a directory");
            }
            safety.checkGenerationDirectory(directory);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            String name = StoreNames.nameOf(generation, file);
            if (attributes.isSymbolicLink()) {
              throw alteredByHand(
                  generation, file, "a symbolic link to " + Files.readSymbolicLink(file));
            }
            if (!attributes.isRegularFile()) {
              throw alteredByHand(generation, file, FileReasons.kindOf(file, attributes, LinkOption.NOFOLLOW_LINKS));
            }
            if (name.equals(StoreNames.METADATA)) {
              return FileVisitResult.CONTINUE; // not content: see Content
            }
            if (name.equals(AccessRecord.FILE_NAME)) {
              return FileVisitResult.CONTINUE; // read before the walk
            }
            if (GenerationRecord.isRecordFile(name)) {
              return FileVisitResult.CONTINUE; // about the set, not of it: see StoreDirectory#record
            }
            if (!undeclaredOutput(name)) {
              checkFile(file, name, written);
            }
            // An output may belong to a service user (owner: postgres), who can write it: its
            // content is compared and rewritten, never trusted, and is read only so far.
            // Hashed and held softly at once: see GenerationFiles.Read.
            files.put(name, GenerationFiles.Read.of(content(file, name), sha256));
            return FileVisitResult.CONTINUE;
          }
        });
    return new Content(files);
  }

  /**
   * One file of a generation read again, as {@link #read} read it (a snapshot whose content the
   * heap dropped: {@link GenerationFiles}, which checks it against the digest of the first read).
   */
  byte[] readAgain(Path generation, String name) throws IOException {
    return content(generation.resolve(name), name);
  }

  private static byte[] content(Path file, String name) throws IOException {
    return outputName(name) ? SafeFiles.readOutputNoFollow(file) : SafeFiles.readNoFollow(file);
  }

  /**
   * Checks one file of a generation by the store's rules: what the desired state declares for it,
   * or what the generation declared for it when it was written.
   *
   * @param written the generation's {@link #writtenAccess}
   */
  void checkFile(Path file, String name, Map<String, FileAccess> written) throws IOException {
    safety.checkFile(
        file, layout.kindOf(name), StoreNames.resolve(store, name), safety.owners(),
        layout.declaredAccess(name), Optional.ofNullable(written.get(name)));
  }

  /**
   * What a generation's writer declared for its files ({@link AccessRecord}); none for a
   * generation without declarations.
   *
   * @throws HostpkiException when the record was altered by hand, with how to leave the generation
   */
  Map<String, FileAccess> writtenAccess(Path generation) throws IOException {
    try {
      return AccessRecord.read(generation);
    } catch (AccessRecord.Damaged e) {
      throw new HostpkiException(
          "store record " + e.file + " is not what hostpki writes (" + e.what + "), and hostpki never"
              + " changes a generation once made: generation " + generation.getFileName()
              + " was altered by hand. " + restoreAdvice.apply(generation.getFileName().toString()));
    }
  }

  /**
   * A file at the top of the set that could be an output's and that the desired state does not
   * declare: one it declared before, perhaps for another user ({@code owner: postgres}). Its owner
   * and mode are not checked: hostpki never interprets its content, and apply removes it.
   */
  private boolean undeclaredOutput(String name) {
    return layout.kindOf(name) == FileKind.UNKNOWN && outputName(name);
  }

  /** A name at the top of the set that is not one of the store's own: an output's, declared or not. */
  private static boolean outputName(String name) {
    return name.indexOf('/') < 0 && StoreLayout.outputNameProblem(name).isEmpty();
  }

  /**
   * The one refusal for anything but a regular file where a store file belongs, in a generation
   * (which hostpki never changes once made): never "missing", which would make it anew.
   */
  HostpkiException alteredByHand(Path generation, Path entry, String kind) {
    return new HostpkiException(
        "store file " + entry + " is " + kind + ", but hostpki writes only regular files there"
            + " and never changes a generation once made: generation "
            + generation.getFileName() + " was altered by hand. "
            + restoreAdvice.apply(generation.getFileName().toString()));
  }
}
