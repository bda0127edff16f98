package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.hostpki.host.HostIdentityProbe;

/**
 * A folder with a desired-state file {@code host.yaml} and its store {@code pki/}, copied from a
 * {@link GoodStore} template so that each hostile case starts from a good store of its own.
 */
final class Workspace {
  /** Larger files are compared by size, inode and time instead of content. */
  private static final long HASHED_UP_TO = 16 << 20;

  final Path dir;
  final Path yaml;
  final Path store;
  private final Clock clock;
  private final HostIdentityProbe probe;

  Workspace(Path dir, Clock clock, HostIdentityProbe probe) {
    this.dir = dir;
    this.yaml = dir.resolve("host.yaml");
    this.store = dir.resolve("pki");
    this.clock = clock;
    this.probe = probe;
  }

  /** Copies the template folder (links as links, modes kept) into {@code dir}. */
  static Workspace copyOf(Path template, Path dir, Clock clock, HostIdentityProbe probe) {
    try (Stream<Path> walk = Files.walk(template)) {
      for (Path from : walk.toList()) {
        Path to = dir.resolve(template.relativize(from).toString());
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(to);
          Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
        } else {
          Files.copy(from, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Workspace(dir, clock, probe);
  }

  /** Runs {@code hostpki ARGS} in this folder with the given environment variables. */
  CliResult hostpki(Map<String, String> variables, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment environment =
        new Environment(dir.getFileSystem(), dir, new HashMap<>(variables), clock, probe, false);
    int code =
        Main.run(
            new PrintWriter(out, true), new PrintWriter(err, true), environment, args.toArray(String[]::new));
    return new CliResult(code, out.toString(), err.toString());
  }

  CliResult hostpki(String... args) {
    return hostpki(GoodStore.ENVIRONMENT, List.of(args));
  }

  /** The current generation's directory, through {@code ..data}. */
  Path generation() {
    try {
      return store.resolve(Files.readSymbolicLink(store.resolve("..data")).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file of the current generation, e.g. {@code server.key} or {@code trust/ldap.crt}. */
  Path inGeneration(String name) {
    return generation().resolve(name);
  }

  /** Replaces the text in {@code host.yaml}. */
  void editYaml(String from, String to) throws IOException {
    String text = Files.readString(yaml);
    assertThat(text).contains(from);
    Files.writeString(yaml, text.replace(from, to));
  }

  /** Fills in {@code {dir}}, {@code {store}} and {@code {generation}} in an expected message. */
  String expand(String message) {
    String expanded = message.replace("{dir}", dir.toString()).replace("{store}", store.toString());
    // only when asked for: a broken store may have no current generation
    return expanded.contains("{generation}")
        ? expanded.replace("{generation}", store.relativize(generation()).toString())
        : expanded;
  }

  /**
   * Every entry under the folder: a digest and the mode of each file (of a huge one its size,
   * inode and time), each directory's mode, each link's target, and the kind of anything else
   * (never opened: it may be a FIFO).
   */
  SortedMap<String, String> snapshot() {
    SortedMap<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String mode = PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName();
        String what;
        if (a.isSymbolicLink()) {
          what = "link -> " + Files.readSymbolicLink(p);
        } else if (a.isDirectory()) {
          what = "dir " + mode;
        } else if (a.isRegularFile() && a.size() > HASHED_UP_TO) {
          // the huge (sparse) inputs of the size-limit cases: hashing them would be most of the run
          what = "file " + mode + " " + a.size() + " bytes, inode " + a.fileKey() + ", " + a.lastModifiedTime();
        } else if (a.isRegularFile()) {
          what = "file " + mode + " " + sha256(Files.readAllBytes(p));
        } else {
          what = "other " + mode;
        }
        entries.put(dir.relativize(p).toString(), what);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
