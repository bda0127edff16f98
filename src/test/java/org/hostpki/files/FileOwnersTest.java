package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process whose user database cannot name a file's owner (out of file descriptors, a container's
 * arbitrary uid) reads the owner as a number; the kernel's number, not that name, says whose it is.
 */
class FileOwnersTest {
  @TempDir Path dir;

  /** The principal the JDK gives when getpwuid finds no name: the number as its name. */
  private record Unnamed(String getName) implements UserPrincipal {}

  private static int uid(Path file) throws IOException {
    return (Integer) Files.getAttribute(file, "unix:uid");
  }

  @Test
  void aFileOfThisProcessIsItsOwnWhenNeitherHasAName() throws IOException {
    Path file = Files.createFile(dir.resolve("mine"));
    Unnamed owner = new Unnamed(Integer.toString(uid(file)));

    // As the JVM of a container run with --user 54321 sees it: user.name "?", the owner "54321".
    assertThat(FileOwners.isUserOrRoot(file, owner, "?")).isTrue();
  }

  @Test
  void anotherUsersNumberIsNotOursNorRoots() throws IOException {
    assumeTrue(uid(dir) == 0, "chown needs root");
    Path file = Files.createFile(dir.resolve("theirs"));
    Files.setAttribute(file, "unix:uid", 54321);

    assertThat(FileOwners.isUserOrRoot(file, new Unnamed("54321"), "?")).isFalse();
    assertThat(FileOwners.isUserOrRoot(file, new Unnamed("54321"), "root")).isFalse();
    // A name that looks like root's number is not root: the number decides.
    assertThat(FileOwners.isUserOrRoot(file, new Unnamed("0"), "?")).isFalse();
  }
}
