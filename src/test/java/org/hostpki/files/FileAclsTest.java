package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAclsTest {
  @TempDir Path dir;

  @Test
  void oneLsAnswersForEveryFileItNamesAsGivenTheRestAreAskedAlone() throws IOException {
    Path plain = Files.writeString(dir.resolve("a.pem"), "x");
    Path group = Files.writeString(dir.resolve("b.pem"), "x");
    Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rw-rw-r--"));
    Path spaced = Files.writeString(dir.resolve("c d.pem"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("l.pem"), plain);
    Path gone = dir.resolve("gone.pem");

    assertThat(FileAcls.marks(List.of(plain, group, spaced, link, gone)))
        .containsOnlyKeys(plain, group, link)
        .doesNotContainValue(true);
    assertThat(FileAcls.ofFiles(List.of(plain, spaced, gone)).test(gone)).as("ls cannot say").isTrue();
    assertThat(FileAcls.ofFiles(List.of(plain, spaced, gone)).test(spaced)).isFalse();
  }

  @Test
  void lsMarksAnAclWithAPlusAndALineItCannotReadMayHaveOne() {
    assertThat(FileAcls.hasAclMark("-rw-rw-r--+ 1 root root 131 Dec  7 08:18 host.yaml")).isTrue();
    assertThat(FileAcls.hasAclMark("-rw-rw-r-- 1 root root 131 Dec  7 08:18 host.yaml")).isFalse();
    assertThat(FileAcls.hasAclMark("-rw-rw-r--. 1 root root 131 Dec  7 08:18 host.yaml")).as("SELinux").isFalse();
    assertThat(FileAcls.hasAclMark("ls: cannot access")).isTrue();
  }
}
