package org.hostpki.store;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;

/**
 * The names of files in a store set: relative, {@code /}-separated ({@code ca.crt},
 * {@code trust/ldap.crt}). Top-level names starting with a dot are reserved for the store's own
 * machinery ({@code ..data}, the generations, {@code .lock}, {@code .generation.json}), except
 * the few {@link StoreLayout#CONTENT_DOT_FILES}; files lie at the top or directly in one of the
 * {@link StoreLayout#DIRECTORIES}.
 */
final class StoreNames {
  /** The writer's metadata file at the top of every generation; not part of the content. */
  static final String METADATA = ".generation.json";

  private static final int MAX_SEGMENT_LENGTH = 255;

  private StoreNames() {}

  /** Checks one name; trust names come from users' files, hence a message, not an assertion. */
  static void requireValid(String name) {
    if (name.isEmpty()) {
      throw invalid(name, "it is empty");
    }
    if (name.startsWith("/")) {
      throw invalid(name, "it is absolute");
    }
    if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
      throw invalid(name, "it contains a backslash or NUL character");
    }
    String[] segments = name.split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw invalid(name, "it has an empty path segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid(name, "it contains '" + segment + "'");
      }
      if (segment.length() > MAX_SEGMENT_LENGTH) {
        throw invalid(name, "a segment is longer than " + MAX_SEGMENT_LENGTH + " characters");
      }
    }
    if (segments[0].startsWith(".") && !StoreLayout.CONTENT_DOT_FILES.contains(name)) {
      throw invalid(name, "names starting with '.' are reserved for the store itself");
    }
  }

  /**
   * Checks every name, that no name is both a file and the directory of another, and that files
   * lie only at the top or directly in one of the {@link StoreLayout#DIRECTORIES}.
   */
  static void requireValidSet(Collection<String> names) {
    Set<String> all = new TreeSet<>(names);
    for (String name : all) {
      requireValid(name);
      String[] segments = name.split("/", -1);
      if (segments.length > 2 || (segments.length == 2 && !StoreLayout.DIRECTORIES.contains(segments[0]))) {
        throw invalid(name, "files lie only at the top or directly in one of " + new TreeSet<>(StoreLayout.DIRECTORIES));
      }
      for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
        String directory = name.substring(0, slash);
        if (all.contains(directory)) {
          throw invalid(directory, "it is a file and also the directory of " + name);
        }
      }
    }
  }

  static String topLevel(String name) {
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  static SortedSet<String> topLevelNames(Collection<String> names) {
    SortedSet<String> top = new TreeSet<>();
    for (String name : names) {
      top.add(topLevel(name));
    }
    return top;
  }

  /** The path of a name below a directory, segment by segment (the separator may differ). */
  static Path resolve(Path directory, String name) {
    Path path = directory;
    for (String segment : name.split("/")) {
      path = path.resolve(segment);
    }
    return path;
  }

  /** The name of a path below a directory, {@code /}-separated. */
  static String nameOf(Path directory, Path file) {
    Path relative = directory.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path segment : relative) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(segment);
    }
    return sb.toString();
  }

  /** The target every visible link has: {@code ..data/NAME}. */
  static Path visibleLinkTarget(FileSystem fileSystem, String topLevelName) {
    return fileSystem.getPath(DataLink.NAME, topLevelName);
  }

  private static HostpkiException invalid(String name, String why) {
    return new HostpkiException(
        "cannot write store file '" + name + "': " + why
            + "; store file names are relative paths like trust/NAME.crt");
  }
}
