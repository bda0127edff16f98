package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.hostpki.files.GroupMembers;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PasswordSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a password comes from, and how a missing one is named. */
class SecretsTest {
  @TempDir Path dir;

  /** Found by a trial: a missing old-password file was reported as store.password.file. */
  @Test
  void testPreviousPassword_aMissingSourceIsNamedAsTheOldPassword() throws Exception {
    Secrets secrets = new Secrets(Map.of(), "root");
    Path old = Files.writeString(dir.resolve("old-password"), "old\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-------"));

    assertThat(secrets.previousPassword(Optional.of(new PasswordSource.File(old)))).hasValueSatisfying(p -> assertThat(p).containsExactly('o', 'l', 'd'));
    assertThatThrownBy(() -> secrets.previousPassword(Optional.of(new PasswordSource.File(dir.resolve("gone")))))
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "store.previousPassword.file " + dir.resolve("gone") + " does not exist; create it holding the old"
                + " password (mode 0600), or give it in an environment variable: store.previousPassword: {env: VARIABLE}");
    assertThatThrownBy(() -> secrets.previousPassword(Optional.of(new PasswordSource.Env("OLD_PASSWORD"))))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("store.previousPassword: environment variable OLD_PASSWORD is not set or empty");
  }

  /**
   * Found by the hostile-input trial: a blank line after the password, a second line or a NUL
   * became part of the password (inspect said "wrong password"; apply would write key stores with
   * it). A byte order mark and one CR LF are an editor's, not the password's.
   */
  @Test
  void testPasswordFile_aSecondLineOrAControlCharacterIsRefusedABomAndCrLfAreNot() throws Exception {
    Secrets secrets = new Secrets(Map.of(), "root");
    Path file = dir.resolve("p12.pass");
    Optional<PasswordSource> source = Optional.of(new PasswordSource.File(file));
    Files.writeString(file, "\uFEFFsecret\r\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThat(secrets.password(source)).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("secret"));
    for (String twoLines : new String[] {"secret\n\n", "secret\r\n\r\n", "secret\nold one\n"}) {
      Files.writeString(file, twoLines);
      assertThatThrownBy(() -> secrets.password(source))
          .as(twoLines)
          .isInstanceOf(HostpkiException.class)
          .hasMessage("store.password.file " + file + " holds more than one line; write the password alone on"
              + " its first line (a blank line after it would be part of it too)");
    }
    Files.writeString(file, "secret\u0000");
    assertThatThrownBy(() -> secrets.password(source))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("store.password.file " + file + " holds the control character U+0000 at character 7; no one"
            + " could type the password: write it as printable text");
  }

  /**
   * Found by the hostile-input trial: a variable ending with a line break (a Kubernetes secret made
   * with {@code echo pw | base64}) silently became part of the password: apply wrote server.p12
   * under "pw\n", which {@code openssl pkcs12 -passin file:...} and every person typing it fail to
   * open, and said only that the password is not printable ASCII. The file's rule holds for a
   * variable too; the old password is taken as it is, to move such a store to a new one.
   */
  @Test
  void testPasswordVariable_aLineBreakOrAControlCharacterIsRefusedButNotInTheOldPassword() {
    Secrets secrets = new Secrets(Map.of("PW", "secret\n", "ESC", "se\u001bcret", "TAB", "se\tcret"), "root");

    assertThatThrownBy(() -> secrets.password(Optional.of(new PasswordSource.Env("PW"))))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("store.password: environment variable PW ends with a line break, which would be part of"
            + " the password (echo adds one; printf '%s' and echo -n do not); no one could type the password:"
            + " set it to printable text (a store written with it opens with it as store.previousPassword,"
            + " for one apply)");
    assertThatThrownBy(() -> secrets.javaPassword(Optional.of(new PasswordSource.Env("ESC"))))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("trust.install.javaPassword: environment variable ESC holds the control character U+001B at"
            + " character 3; no one could type the password: set it to printable text");
    assertThat(secrets.password(Optional.of(new PasswordSource.Env("TAB"))))
        .hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("se\tcret"));
    assertThat(secrets.previousPassword(Optional.of(new PasswordSource.Env("PW"))))
        .hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("secret\n"));
  }

  /**
   * Only a password hostpki writes a key store with is refused for a line break: the ACME key is
   * stripped where it is used (a trailing line break always worked), and an option's password
   * opens a file an older build wrote under such a password.
   */
  @Test
  void testSecretVariables_thatHostpkiWritesNothingWithAreTakenAsTheyAre() {
    Secrets secrets = new Secrets(Map.of("EAB", "c2VjcmV0LWtleS0xMjM0\n", "PW", "pw\n"), "root");

    assertThat(secrets.acmeHmacKey(new PasswordSource.Env("EAB"))).isEqualTo("c2VjcmV0LWtleS0xMjM0\n");
    assertThat(new String(secrets.fromOption(new PasswordSource.Env("PW")))).isEqualTo("pw\n");
  }

  /** umask 002 with user private groups: a password file its owner's group may write is still private. */
  @Test
  void testPasswordFile_writableByAGroupOfTheOwnerAloneIsRead() throws Exception {
    Path file = Files.writeString(dir.resolve("p12.pass"), "secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
    assumeTrue(System.getProperty("user.name").equals("root"), "the file must be root:root");
    Files.setAttribute(file, "unix:gid", 0);
    String passwd = "root:x:0:0:root:/root:/bin/bash\n";
    Optional<PasswordSource> source = Optional.of(new PasswordSource.File(file));

    assertThat(new Secrets(Map.of(), "root", GroupMembers.of("root:x:0:\n", passwd)).javaPassword(source))
        .hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("secret"));
    assertThatThrownBy(() -> new Secrets(Map.of(), "root", GroupMembers.of("root:x:0:bob\n", passwd)).javaPassword(source))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("trust.install.javaPassword.file " + file + " is writable by its group root (members other than root: bob),"
            + " whose members could change the password hostpki uses; run: chmod g-w " + file);
  }
}
