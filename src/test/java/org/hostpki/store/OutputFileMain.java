package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hostpki.model.HostpkiException;

/**
 * Writes {@code hello} to the file named by its argument with {@link OutputFile}, and prints
 * {@code ok} or {@code error MESSAGE}. {@link OutputFileNamespaceTest} runs it where the test
 * cannot be: under a read-only mount.
 */
final class OutputFileMain {
  private OutputFileMain() {}

  public static void main(String[] args) {
    try {
      OutputFile.at(Path.of(args[0])).write("hello\n".getBytes(StandardCharsets.US_ASCII));
      System.out.println("ok");
    } catch (HostpkiException e) {
      System.out.println("error " + e.getMessage());
    }
  }
}
