package org.hostpki.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The names of a path still to be looked up, one at a time, as the kernel walks a path. */
public final class WayNames {
  private WayNames() {}

  /** The next name to look up, past empty names and {@code .}; null when the way ends. */
  public static String next(Deque<String> names) {
    while (!names.isEmpty()) {
      String name = names.removeFirst();
      if (!name.isEmpty() && !name.equals(".")) {
        return name;
      }
    }
    return null;
  }

  /**
   * Puts the names of a link's target before the names still to be walked, as the kernel follows
   * a link met on the way; the caller starts again from {@code /} when the target is absolute.
   */
  public static void followLink(Deque<String> names, Path target) {
    List<String> more = new ArrayList<>();
    target.forEach(n -> more.add(n.toString()));
    for (int i = more.size() - 1; i >= 0; i--) {
      names.addFirst(more.get(i));
    }
  }
}
