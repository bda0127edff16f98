package org.hostpki.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileMode;

/**
 * Creates files and directories with {@link OwnedFiles}, for tests that run it in a child JVM
 * (in a {@code ServiceUsers} namespace, or under strace). Arguments, five per entry: {@code file}
 * or {@code dir}, the path, the mode ({@code 0640}), the owner and the group ({@code -} for none).
 * A file's content is {@code content of PATH}. Prints {@code error MESSAGE} and exits 1 on the
 * first failure.
 */
final class OwnedFilesMain {
  private OwnedFilesMain() {}

  public static void main(String[] args) {
    for (int i = 0; i + 4 < args.length; i += 5) {
      Path path = Path.of(args[i + 1]);
      FileAccess access =
          new FileAccess(given(args[i + 3]), given(args[i + 4]), FileMode.parse(args[i + 2]).orElseThrow());
      try {
        if (args[i].equals("dir")) {
          OwnedFiles.createDirectory(path, access);
        } else {
          OwnedFiles.createFile(path, ("content of " + path + "\n").getBytes(StandardCharsets.UTF_8), access);
        }
      } catch (IOException e) {
        System.out.println("error " + e.getMessage());
        System.exit(1);
      }
    }
    System.out.println("ok");
  }

  private static Optional<String> given(String arg) {
    return arg.equals("-") ? Optional.empty() : Optional.of(arg);
  }
}
