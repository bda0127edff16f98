package org.hostpki.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A path given by a person (on the command line, in the desired state) made absolute and tidied
 * without changing what the kernel opens by it. {@link Path#normalize()} takes {@code NAME/..}
 * away by name, but the kernel looks {@code ..} up in the folder NAME leads to: after a symbolic
 * link ({@code DIR/link/../f}) that is the parent of the link's target, not {@code DIR}, so the
 * normalised path named another file than the one meant (and than {@code cat} reads). Here
 * {@code NAME/..} is taken away only where NAME is a real folder now; after a link, or a name that
 * does not exist or cannot be looked at, {@code ..} stays for the kernel to walk. {@code .} and
 * empty names go: the kernel skips them (a final {@code /.} after a file is the one difference,
 * not worth a name that shows it).
 */
public final class KernelPaths {
  private KernelPaths() {}

  /** {@code given} against {@code folder} (when relative), as the kernel resolves it. */
  public static Path resolve(Path folder, Path given) {
    Path joined = folder.resolve(given);
    Path root = joined.getRoot();
    List<String> names = new ArrayList<>();
    int kept = 0; // names up to here end in a '..' that stays: none of them may be taken away
    for (Path part : joined) {
      String name = part.toString();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (names.size() > kept && isRealFolder(path(joined, root, names))) {
          names.remove(names.size() - 1);
          continue;
        }
        if (names.isEmpty() && root != null) {
          continue; // "/.." is "/"
        }
        names.add(name);
        kept = names.size();
        continue;
      }
      names.add(name);
    }
    return path(joined, root, names);
  }

  private static Path path(Path joined, Path root, List<String> names) {
    if (names.isEmpty()) {
      return root != null ? root : joined.getFileSystem().getPath("");
    }
    Path relative = joined.getFileSystem().getPath(names.get(0), names.subList(1, names.size()).toArray(String[]::new));
    return root != null ? root.resolve(relative) : relative;
  }

  /** Whether {@code path} is a folder itself, not a link (to one), not missing, not hidden from us. */
  private static boolean isRealFolder(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
