package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group may write a file when it is its owner's alone: a user private group ({@code umask 002}
 * on Debian and Ubuntu) or root's group 0, listing no one else in {@code /etc/group} and the
 * primary group of no other account in {@code /etc/passwd}. Account files are the tests' own text,
 * never the machine's.
 */
class GroupMembersTest {
  private static final String PASSWD =
      "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
          + "bob:x:1001:1001::/home/bob:/bin/sh\n";

  @TempDir Path dir;

  /** alice's file of group {@code group}, as Jimfs names them (its owners are names only). */
  private static Path alicesFile(String group) throws IOException {
    Path file = Files.createFile(
        Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("posix").build()).getPath("/f"));
    UserPrincipalLookupService names = file.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    view.setOwner(names.lookupPrincipalByName("alice"));
    view.setGroup(names.lookupPrincipalByGroupName(group));
    return file;
  }

  private static Optional<String> others(String groupText, String passwdText, Path file) throws IOException {
    return GroupMembers.of(groupText, passwdText)
        .othersThanOwner(file, Files.readAttributes(file, PosixFileAttributes.class));
  }

  @Test
  void aUserPrivateGroupIsTheOwnersAlone() throws IOException {
    assertThat(others("root:x:0:\nalice:x:1000:\nbob:x:1001:\n", PASSWD, alicesFile("alice"))).isEmpty();
    // Listing the owner as a member changes nothing.
    assertThat(others("alice:x:1000:alice\n", PASSWD, alicesFile("alice"))).isEmpty();
  }

  @Test
  void anotherMemberOrAccountInTheGroupIsNamed() throws IOException {
    assertThat(others("alice:x:1000:alice,bob,\u001b[2Jcarol\n", PASSWD, alicesFile("alice")))
        .hasValue("members other than alice: bob, \u001b[2Jcarol"); // the caller escapes
    // bob's primary group is alice's: no /etc/group line says so.
    assertThat(others("alice:x:1000:\n", PASSWD.replace("1001:1001", "1001:1000"), alicesFile("alice")))
        .hasValue("members other than alice: bob");
    assertThat(others("alice:x:1000:a,b,c,d,e,f,g\n", PASSWD, alicesFile("alice")))
        .hasValue("members other than alice: a, b, c, d, e and 2 more");
  }

  @Test
  void aGroupNotTheOwnersOrNotListedIsOthers() throws IOException {
    assertThat(others("staff:x:50:\n", PASSWD, alicesFile("staff"))).hasValue("not alice's own group");
    assertThat(others("root:x:0:\n", PASSWD, alicesFile("root"))).hasValue("members other than alice: root");
    // A directory service's group: /etc/group cannot say who is in it.
    assertThat(others("root:x:0:\n", PASSWD, alicesFile("alice"))).hasValue("not listed in /etc/group");
    assertThat(others("alice:x:1000:\n+:::\n", PASSWD, alicesFile("alice")))
        .hasValue("who is in it cannot be told: /etc/group hands entries to NIS");
  }

  @Test
  void unreadableAccountFilesLeaveItOthers() throws IOException {
    GroupMembers unreadable = new GroupMembers(file -> {
      throw new AccessDeniedException(file);
    });
    Path file = alicesFile("alice");

    assertThat(unreadable.othersThanOwner(file, Files.readAttributes(file, PosixFileAttributes.class)))
        .hasValue("who is in it cannot be read: /etc/group cannot be read: permission denied");
  }

  /** On the real file system the kernel's gid picks the entry, whatever the group is called. */
  @Test
  void onTheRealFileSystemTheGidDecides() throws IOException {
    assumeTrue((Integer) Files.getAttribute(dir, "unix:uid") == 0, "chown needs root");
    Path file = Files.createFile(dir.resolve("f"));
    Files.setAttribute(file, "unix:uid", 0);
    Files.setAttribute(file, "unix:gid", 0);

    assertThat(others("wheel:x:0:\n", "root:x:0:0::/root:/bin/sh\n", file)).isEmpty();
    assertThat(others("root:x:0:\nroot2:x:0:bob\n", "root:x:0:0::/root:/bin/sh\n", file))
        .hasValue("members other than root: bob");
    assertThat(others("root:x:10:\n", "root:x:0:0::/root:/bin/sh\n", file)).hasValue("not listed in /etc/group");
    // toor is root by another name (uid 0): a member or an account of it is the owner, not another.
    String toor = "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/csh\n";
    assertThat(others("root:x:0:toor\n", toor, file)).isEmpty();
    assertThat(others("root:x:0:\n", toor + "bob:x:1001:0::/:/bin/sh\n", file))
        .hasValue("members other than root: bob");
  }
}
