package org.hostpki.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.WayNames;

/**
 * The way the kernel goes to a file, one name at a time as OpenSSH's {@code safe_path} checks it:
 * every folder a name is looked up in (real folders: links resolved), every link met on the way,
 * and the real file at the end, empty when a name on the way does not exist. Whoever may write
 * one of those folders, or replace one of those links, decides what the path leads to, however
 * clean the file at its end is now.
 */
record PathWay(List<Path> folders, List<Path> links, Optional<Path> end) {
  /** As the kernel's MAXSYMLINKS: more is a loop. */
  private static final int MAX_LINKS = 40;

  static PathWay of(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path root = absolute.getRoot();
    Deque<String> names = new ArrayDeque<>();
    absolute.forEach(name -> names.add(name.toString()));
    Set<Path> folders = new LinkedHashSet<>();
    List<Path> links = new ArrayList<>();
    Path current = root;
    int followed = 0;
    for (String name = WayNames.next(names); name != null; name = WayNames.next(names)) {
      if (name.equals("..")) {
        current = current.getParent() == null ? current : current.getParent();
        continue;
      }
      folders.add(current);
      Path next = current.resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new PathWay(List.copyOf(folders), List.copyOf(links), Optional.empty());
      }
      if (a.isSymbolicLink()) {
        if (++followed > MAX_LINKS) {
          throw new FileSystemException(file.toString(), null, "Too many levels of symbolic links");
        }
        links.add(next);
        Path target = Files.readSymbolicLink(next);
        WayNames.followLink(names, target);
        if (target.isAbsolute()) {
          current = root;
        }
        continue;
      }
      if (!names.isEmpty() && !a.isDirectory()) {
        return new PathWay(List.copyOf(folders), List.copyOf(links), Optional.empty()); // the reader says so
      }
      current = next;
    }
    return new PathWay(List.copyOf(folders), List.copyOf(links), Optional.of(current));
  }
}
