package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hostpki.model.HostpkiException;
import org.hostpki.store.OutputFile;

/**
 * Replaces the file named by its first argument with {@link OutputFile} ({@code export -o}) and
 * the one named by its second with {@link InstallFiles} (a Java trust store), printing {@code ok}
 * or {@code error MESSAGE} for each. {@link MountedFileNamespaceTest} runs it where the test
 * cannot be: in a mount namespace where both are files mounted into place.
 */
final class MountedFileMain {
  private MountedFileMain() {}

  public static void main(String[] args) {
    byte[] content = "new\n".getBytes(StandardCharsets.US_ASCII);
    try {
      OutputFile.at(Path.of(args[0])).write(content);
      System.out.println("ok");
    } catch (HostpkiException e) {
      System.out.println("error " + e.getMessage());
    }
    try {
      InstallFiles.replace(Path.of(args[1]), content, InstallFiles.PUBLIC);
      System.out.println("ok");
    } catch (IOException e) {
      System.out.println("error " + e.getMessage());
    }
  }
}
