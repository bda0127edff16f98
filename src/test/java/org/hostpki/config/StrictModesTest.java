package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.hostpki.files.GroupMembers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code umask 002} (Debian's and Ubuntu's user private groups) makes a clone's files 0664 and its
 * folders 0775: group-writable, harmless when the group is the owner's alone, refused when anyone
 * else is in it. As root, the temp dir's files are root:root.
 */
class StrictModesTest {
  private static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\n";

  @TempDir Path dir;

  /** {@code examples/quickstart.yaml} of a clone made under {@code umask 002}. */
  private Path umask002Clone() throws IOException {
    Path examples = Files.createDirectories(dir.resolve("q7/examples"));
    Path yaml = Files.writeString(examples.resolve("quickstart.yaml"), "store: {path: pki}\n");
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-rw-r--"));
    Files.setPosixFilePermissions(examples, PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.setPosixFilePermissions(examples.getParent(), PosixFilePermissions.fromString("rwxrwxr-x"));
    return yaml;
  }

  private static boolean rootsGroupIsRootsAlone() throws IOException {
    List<String> group = Files.readAllLines(Path.of("/etc/group"));
    return group.stream().filter(l -> l.matches("[^:]*:[^:]*:0:.*")).allMatch(l -> l.matches("root:[^:]*:0:(root)?"))
        && Files.readAllLines(Path.of("/etc/passwd")).stream()
            .filter(l -> l.matches("[^:]*:[^:]*:[^:]*:0:.*")).allMatch(l -> l.startsWith("root:"));
  }

  @Test
  void aUmask002CloneOfRootsPassesWithTheMachinesAccountFiles() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root:root");
    assumeTrue(rootsGroupIsRootsAlone(), "this machine's group root has members besides root");
    Path yaml = umask002Clone();

    StrictModes modes = StrictModes.forThisProcess();

    assertThat(modes.problem(yaml, yaml + " says who gets the keys")).isEmpty();
    assertThat(modes.storeProblem(yaml.resolveSibling("pki"))).isEmpty();
  }

  @Test
  void aGroupWithAnotherMemberIsRefusedNamingThem() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root:root");
    Path yaml = umask002Clone();
    StrictModes modes = new StrictModes("root", GroupMembers.of("root:x:0:bob,\u001b[1Aeve\n", PASSWD));

    assertThat(modes.problem(yaml, yaml + " says who gets the keys"))
        .hasValue(yaml + " says who gets the keys, but it has mode 0664: its group root (members other than"
            + " root: bob, \\x1b[1Aeve) can change it and make hostpki run any command as root. Fix it: chmod go-w "
            + yaml);
    // The folder above the store: the file itself is fine once it is 0644.
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(modes.storeProblem(yaml.resolveSibling("pki")))
        .hasValueSatisfying(p -> assertThat(p).contains(
            "but its folder " + yaml.getParent() + " has mode 0775: its group root (members other than root: bob,"));
  }
}
