package org.hostpki.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * http-01 answered by the web server that already serves port 80: the key authorizations are
 * written as {@code WEBROOT/.well-known/acme-challenge/TOKEN} (0644, the web server must read them)
 * and removed afterwards, with the folders this made, also when the order failed.
 */
final class Http01Webroot implements ChallengeResponder {
  private final Path webroot;
  private final List<Path> written = new ArrayList<>();
  private final List<Path> madeFolders = new ArrayList<>();

  Http01Webroot(Path webroot) {
    this.webroot = webroot;
  }

  @Override
  public void present(List<PendingChallenge> challenges) throws AcmeFailure {
    if (!Files.isDirectory(webroot)) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CHALLENGE_SETUP,
          "server.acme.http01.webroot " + webroot + " is not a folder; give the document root of the web server"
              + " that serves port 80 for these names");
    }
    Path folder = webroot.resolve(".well-known").resolve("acme-challenge");
    try {
      for (Path f : List.of(webroot.resolve(".well-known"), folder)) {
        if (!Files.exists(f)) {
          Files.createDirectory(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
          madeFolders.add(0, f);
        }
      }
      for (PendingChallenge c : challenges) {
        Path file = folder.resolve(c.token());
        Files.write(
            file, c.keyAuthorization().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        written.add(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CHALLENGE_SETUP,
          "cannot write the http-01 token into " + folder + ": " + e.getMessage()
              + "; hostpki must be able to write there during an order");
    }
  }

  @Override
  public List<String> cleanUp() {
    List<String> warnings = new ArrayList<>();
    List<Path> all = new ArrayList<>(written);
    all.addAll(madeFolders);
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        warnings.add("could not remove " + p + " after the order: " + e.getMessage() + "; remove it by hand");
      }
    }
    written.clear();
    madeFolders.clear();
    return warnings;
  }
}
