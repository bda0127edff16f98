package org.hostpki.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;

/**
 * A small directory of records kept beside a store's generations, outside the served set (the
 * ACME account: {@code STORE/.acme/}). Its files are state that must survive a failed apply, so
 * they are not part of a generation: a generation is only made when the served files change.
 *
 * <p>Each file is replaced on its own and atomically: written to a temporary name in the same
 * directory (created 0600 or 0644 from the first byte, O_EXCL, never through a link), synced,
 * renamed over the old name, and the directory synced. A crash leaves the old or the new content
 * and perhaps a temporary file, which the next write removes. The directories are 0700 and are
 * refused when they are links, or when group or others may write them.
 */
public final class RecordDirectory {
  /** The ACME account record's folder name in a store. */
  public static final String ACME = ".acme";

  static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final String TEMPORARY_PREFIX = ".tmp-";

  private final Path store;
  private final Path directory;
  private final SecureRandom random;

  private RecordDirectory(Path store, Path directory, SecureRandom random) {
    this.store = store;
    this.directory = directory;
    this.random = random;
  }

  /**
   * The record folder {@code STORE/NAME[/SUB...]}; nothing is created until the first write.
   *
   * @param random names temporary files
   */
  public static RecordDirectory in(Path store, SecureRandom random, String name, String... more) {
    Objects.requireNonNull(store, "store");
    Path directory = store.resolve(name);
    for (String part : more) {
      if (part.isEmpty() || part.contains("/") || part.startsWith(".")) {
        throw new IllegalArgumentException("not a plain folder name: " + part);
      }
      directory = directory.resolve(part);
    }
    return new RecordDirectory(store, directory, Objects.requireNonNull(random, "random"));
  }

  public Path path() {
    return directory;
  }

  /** The file's bytes, or empty when there is no such file (nor folder). */
  public Optional<byte[]> read(String file) throws IOException {
    return read(file, -1);
  }

  /**
   * As {@link #read(String)}, of a record that is never large: at most {@code most} bytes and one
   * more are read, so that a caller finds a file over its size without reading all of it.
   */
  public Optional<byte[]> readHead(String file, int most) throws IOException {
    return read(file, most);
  }

  private Optional<byte[]> read(String file, int most) throws IOException {
    Path path = directory.resolve(requirePlainName(file));
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    requireSafeDirectories();
    try {
      return Optional.of(most < 0 ? SafeFiles.readNoFollow(path) : SafeFiles.readHeadNoFollow(path, most + 1));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isSymbolicLink(path)) {
        throw new HostpkiException(
            path + " is a symbolic link; hostpki does not read records through links. Remove it"
                + " (rm " + path + ")");
      }
      throw e;
    }
  }

  /** The file's lines that are not blank, as {@link #read(String)} reads it, in US-ASCII: a line record's. */
  public List<String> readLines(String file) throws IOException {
    return read(file)
        .map(b -> new String(b, StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank()).toList())
        .orElse(List.of());
  }

  /** As {@link #read(String)}, for a private key: refused when group or others may read it. */
  public Optional<byte[]> readSecret(String file) throws IOException {
    Optional<byte[]> content = read(file);
    Path path = directory.resolve(file);
    if (content.isPresent() && FileModes.hasPosix(path)) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new HostpkiException(
            path + " is a private key that other users may read; run: chmod 600 " + path
                + " (and consider the key exposed)");
      }
    }
    return content;
  }

  /**
   * Replaces the file atomically with this content, creating the folders (0700) when missing.
   *
   * @param secret created 0600 (a private key); otherwise 0644
   */
  public void replace(String file, byte[] content, boolean secret) throws IOException {
    requirePlainName(file);
    ensureDirectories();
    removeTemporaries();
    byte[] suffix = new byte[8];
    random.nextBytes(suffix);
    Path temporary = directory.resolve(TEMPORARY_PREFIX + HexFormat.of().formatHex(suffix));
    SafeFiles.replaceVia(temporary, directory.resolve(file), content, secret);
  }

  private void ensureDirectories() throws IOException {
    SafeFiles.ensureStoreDirectory(store);
    for (Path d : folders()) {
      if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        SafeFiles.createDirectory(d, PRIVATE_DIRECTORY);
      } catch (FileAlreadyExistsException e) {
        // made by someone else meanwhile: checked below like any other
      }
      SafeFiles.syncDirectory(d.getParent());
    }
    requireSafeDirectories();
  }

  /** Leftovers of writes a crash interrupted. */
  private void removeTemporaries() throws IOException {
    try (var entries = Files.newDirectoryStream(directory, TEMPORARY_PREFIX + "*")) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    }
  }

  /** The folders from the store down to this one, outermost first. */
  private java.util.List<Path> folders() {
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (Path d = directory; !d.equals(store); d = d.getParent()) {
      out.add(0, d);
    }
    return out;
  }

  private void requireSafeDirectories() throws IOException {
    for (Path d : folders()) {
      if (Files.isSymbolicLink(d) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        throw new HostpkiException(
            d + " must be a folder hostpki made, not a link or a file; move it away ("
                + ShellCommand.of("mv", d, d + ".old") + ") and run again");
      }
      if (FileModes.hasPosix(d)) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
          throw new HostpkiException(
              d + " may be written by other users, who could swap the records in it; run: chmod 700 " + d);
        }
      }
    }
  }

  private static String requirePlainName(String file) {
    if (file.isEmpty() || file.contains("/") || file.startsWith(".") || file.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a plain file name: " + file);
    }
    return file;
  }
}
