package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileAclsTest {
  @Test
  void lsMarksAnAclWithAPlusAndALineItCannotReadMayHaveOne() {
    assertThat(FileAcls.hasAclMark("-rw-rw-r--+ 1 root root 131 Dec  7 08:18 host.yaml")).isTrue();
    assertThat(FileAcls.hasAclMark("-rw-rw-r-- 1 root root 131 Dec  7 08:18 host.yaml")).isFalse();
    assertThat(FileAcls.hasAclMark("-rw-rw-r--. 1 root root 131 Dec  7 08:18 host.yaml")).as("SELinux").isFalse();
    assertThat(FileAcls.hasAclMark("ls: cannot access")).isTrue();
  }
}
