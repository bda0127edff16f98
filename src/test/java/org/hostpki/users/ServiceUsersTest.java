package org.hostpki.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: users that exist inside its namespace only, and processes that run as them. */
class ServiceUsersTest {
  @TempDir Path dir;

  private ServiceUsers users;

  @BeforeEach
  void users() {
    String reason = ServiceUsers.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "ServiceUsersTest skipped: " + reason);
    users = ServiceUsers.copyOfThisMachine(dir.resolve("etc")).group("ssl-cert").user("postgres", "ssl-cert").user("haproxy");
  }

  @Test
  void testRun_theUsersExistInsideTheNamespaceOnly() throws IOException {
    String inside = users.run("id", "postgres").assertSucceeded().output();
    String machine = Files.readString(Path.of("/etc/passwd"));

    assertThat(inside)
        .contains("uid=" + users.uid("postgres") + "(postgres)")
        .contains(users.gid("ssl-cert") + "(ssl-cert)");
    assertThat(machine).doesNotContain(":" + users.uid("postgres") + ":");
  }

  @Test
  void testRunAs_runsWithTheUsersIdsAndGroups() {
    String id = users.runAs("postgres", "id").assertSucceeded().output();

    assertThat(id)
        .startsWith("uid=" + users.uid("postgres") + "(postgres) gid=" + users.gid("postgres") + "(postgres)")
        .contains(users.gid("ssl-cert") + "(ssl-cert)");
  }

  @Test
  void testReadableBy_listsExactlyTheFilesTheUserCanOpen() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path everyone = Files.writeString(dir.resolve("everyone"), "a");
    Path rootOnly = Files.writeString(dir.resolve("root-only"), "b");
    Path groupOnly = Files.writeString(dir.resolve("group-only"), "c");
    Files.setPosixFilePermissions(everyone, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(groupOnly, PosixFilePermissions.fromString("rw-r-----"));
    users.run("chgrp", "ssl-cert", groupOnly.toString()).assertSucceeded();
    List<Path> all = List.of(everyone, rootOnly, groupOnly, dir.resolve("missing"));

    assertThat(users.readableBy("postgres", all)).containsExactly(everyone, groupOnly);
    assertThat(users.readableBy("haproxy", all)).containsExactly(everyone);
  }
}
