package org.hostpki.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
 * {@code NAME/..} is taken away only where NAME is a real folder now, or nothing yet (a store's
 * folder still to be made: no link there to follow); after a link, a file, or a name that cannot
 * be looked at, {@code ..} stays for the kernel to walk. {@code .} and empty names go: the kernel
 * skips them (a final {@code /.} after a file is the one difference, not worth a name that shows
 * it).
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
        if (names.size() > kept && isFolderOrNothing(path(joined, root, names))) {
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

  /**
   * Whether a path {@link #resolve} made still goes up ({@code ..}): after a symbolic link (or a
   * file), where only the kernel knows which folder that is.
   */
  public static boolean goesUp(Path resolved) {
    for (Path name : resolved) {
      if (name.toString().equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** How a path that {@link #goesUp} is refused where hostpki writes by it or resolves against it. */
  public static String goesUpAdvice() {
    return "goes up ('..') after a symbolic link (or a file): the kernel goes up from where the link leads, not"
        + " from beside it; name it without that '..'";
  }

  private static Path path(Path joined, Path root, List<String> names) {
    if (names.isEmpty()) {
      return root != null ? root : joined.getFileSystem().getPath("");
    }
    Path relative = joined.getFileSystem().getPath(names.get(0), names.subList(1, names.size()).toArray(String[]::new));
    return root != null ? root.resolve(relative) : relative;
  }

  /** Whether {@code path} is a folder itself (not a link to one) or does not exist. */
  private static boolean isFolderOrNothing(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
