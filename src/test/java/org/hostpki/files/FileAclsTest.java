package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    assertThat(FileAcls.ofFiles(List.of(plain, spaced, gone)).apply(gone)).as("ls cannot say").isPresent();
    assertThat(FileAcls.ofFiles(List.of(plain, spaced, gone)).apply(spaced)).isEmpty();
  }

  @Test
  void lsMarksAnAclWithAPlusAndALineItCannotReadMayHaveOne() {
    assertThat(FileAcls.hasAclMark("-rw-rw-r--+ 1 root root 131 Dec  7 08:18 host.yaml")).isTrue();
    assertThat(FileAcls.hasAclMark("-rw-rw-r-- 1 root root 131 Dec  7 08:18 host.yaml")).isFalse();
    assertThat(FileAcls.hasAclMark("-rw-rw-r--. 1 root root 131 Dec  7 08:18 host.yaml")).as("SELinux").isFalse();
    assertThat(FileAcls.hasAclMark("ls: cannot access")).isTrue();
  }

  /**
   * The review: ls's output was read to its end before the timeout was waited for, so an ls stuck
   * on a file (a hung NFS or FUSE mount) held the plan for as long as it hung, and one ls now
   * covers a whole trust directory. An ls that does not end in time is killed by its PID, its
   * files are not asked again one by one, and the answer says what hung.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anLsThatHangsIsKilledAtItsTimeoutAndTheAnswerSaysWhatHung() throws Exception {
    Path pid = dir.resolve("ls.pid");
    Path ls = Files.writeString(dir.resolve("ls"),
        "#!/bin/sh\necho \"-rw-r--r-- 1 root root 1 Dec  7 08:18 $3\"\necho $$ >> " + pid + "\nexec sleep 300\n");
    Files.setPosixFilePermissions(ls, PosixFilePermissions.fromString("rwx------"));
    Path a = Files.writeString(dir.resolve("a.pem"), "x");
    Path b = Files.writeString(dir.resolve("b.pem"), "x");

    Function<Path, Optional<String>> acls = FileAcls.ofFiles(List.of(a, b), ls, Duration.ofSeconds(1));

    assertThat(acls.apply(b)).hasValueSatisfying(w -> assertThat(w)
        .contains(ls + " -dlLUb on 2 files of " + dir + " did not answer within 1 s and was killed"));
    assertThat(acls.apply(a)).as("not asked again").isEqualTo(acls.apply(b));
    assertThat(FileAcls.writers(a, ls, Duration.ofSeconds(1))).hasValueSatisfying(w -> assertThat(w)
        .contains(ls + " -dlL -- " + a + " did not answer within 1 s"));
    List<String> started = Files.readAllLines(pid);
    assertThat(started).hasSize(2);
    for (String each : started) {
      ProcessHandle.of(Long.parseLong(each)).ifPresent(p -> p.onExit().join());
    }
  }
}
