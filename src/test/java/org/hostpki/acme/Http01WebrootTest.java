package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token files in a webroot that whoever can write it may have prepared: real files, links, FIFOs. */
class Http01WebrootTest {
  private static final PendingChallenge PORTAL =
      new PendingChallenge("dns", "portal.example.test", false, "tok-A_1", "tok-A_1.thumb", "");
  private static final PendingChallenge SHOP =
      new PendingChallenge("dns", "shop.example.test", false, "tok-B_2", "tok-B_2.thumb", "");

  @TempDir Path dir;

  private Path webroot() throws Exception {
    return Files.createDirectory(dir.resolve("www"));
  }

  private static Path challengeFolder(Path webroot) {
    return webroot.resolve(".well-known").resolve("acme-challenge");
  }

  @Test
  void testPresent_writesTokenFiles0644AndCleanUpRemovesThemAndTheFoldersItMade() throws Exception {
    Path webroot = webroot();
    Http01Webroot responder = new Http01Webroot(webroot);

    responder.present(List.of(PORTAL, SHOP));

    Path token = challengeFolder(webroot).resolve("tok-A_1");
    assertThat(token).hasContent("tok-A_1.thumb");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(challengeFolder(webroot))))
        .isEqualTo("rwxr-xr-x");
    assertThat(responder.cleanUp()).isEmpty();
    assertThat(webroot).isEmptyDirectory();
  }

  @Test
  void testCleanUp_foldersThatWereThereAndOthersFilesStay() throws Exception {
    Path webroot = webroot();
    Files.createDirectories(challengeFolder(webroot));
    Files.writeString(challengeFolder(webroot).resolve("theirs"), "x");
    Http01Webroot responder = new Http01Webroot(webroot);
    responder.present(List.of(PORTAL));

    assertThat(responder.cleanUp()).isEmpty();
    assertThat(challengeFolder(webroot).resolve("theirs")).exists();
    assertThat(challengeFolder(webroot).resolve("tok-A_1")).doesNotExist();
  }

  @Test
  void testPresent_aLinkPlantedAsAcmeChallengeIsRefusedAndNothingIsWrittenWhereItPoints() throws Exception {
    Path webroot = webroot();
    Path elsewhere = Files.createDirectory(dir.resolve("etc"));
    Files.createDirectory(webroot.resolve(".well-known"));
    Files.createSymbolicLink(challengeFolder(webroot), elsewhere);
    Http01Webroot responder = new Http01Webroot(webroot);

    assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CHALLENGE_SETUP);
          assertThat(f.getMessage()).contains("acme-challenge is a symbolic link", "does not follow links");
        });
    assertThat(responder.cleanUp()).isEmpty();
    assertThat(elsewhere).isEmptyDirectory();
    assertThat(Files.isSymbolicLink(challengeFolder(webroot))).as("the link is left as it was").isTrue();
  }

  @Test
  void testPresent_aLinkPlantedAsWellKnownIsRefused() throws Exception {
    Path webroot = webroot();
    Path elsewhere = Files.createDirectory(dir.resolve("etc"));
    Files.createSymbolicLink(webroot.resolve(".well-known"), elsewhere);
    Http01Webroot responder = new Http01Webroot(webroot);

    assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .hasMessageContaining(".well-known is a symbolic link");
    responder.cleanUp();
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void testPresent_aFolderSwappedForALinkAfterTheCheckSendsNoTokenFileWhereTheLinkPoints() throws Exception {
    // The web server's user, who may write the webroot, renames acme-challenge away and puts a
    // link to /etc/sudoers.d in its place between hostpki's check and its write.
    Path webroot = webroot();
    Path elsewhere = Files.createDirectory(dir.resolve("sudoers.d"));
    Path moved = webroot.resolve("moved");
    Http01Webroot responder = new Http01Webroot(webroot, () -> {
      try {
        Files.move(challengeFolder(webroot), moved);
        Files.createSymbolicLink(challengeFolder(webroot), elsewhere);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    responder.present(List.of(PORTAL));

    assertThat(elsewhere).isEmptyDirectory();
    assertThat(moved.resolve("tok-A_1")).as("made in the folder checked").hasContent("tok-A_1.thumb");
    assertThat(responder.cleanUp()).singleElement().asString()
        .contains("acme-challenge was replaced while the order ran");
    assertThat(moved).isEmptyDirectory();
    assertThat(Files.isSymbolicLink(challengeFolder(webroot))).as("the link is left as it was").isTrue();
  }

  @Test
  void testPresent_wellKnownSwappedForALinkBeforeAcmeChallengeIsMadeMakesNothingWhereItPoints() throws Exception {
    Path elsewhere = dir.resolve("cron.d");
    Path moved = dir.resolve("www/moved");
    Http01Webroot responder = swappingWellKnown(elsewhere, moved, true);

    responder.present(List.of(PORTAL));

    assertThat(elsewhere).as("no folder made where the link points").isEmptyDirectory();
    assertThat(moved.resolve("acme-challenge/tok-A_1")).as("made in the folder held").hasContent("tok-A_1.thumb");
    responder.cleanUp();
    assertThat(moved).isEmptyDirectory();
  }

  @Test
  void testPresent_withoutProcAFolderMadeWhereASwappedLinkLedIsRemovedAndTheOrderRefused() throws Exception {
    Path elsewhere = dir.resolve("cron.d");
    Path moved = dir.resolve("www/moved");
    Http01Webroot responder = swappingWellKnown(elsewhere, moved, false);

    assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .isInstanceOf(AcmeFailure.class)
        .hasMessageContaining(".well-known was replaced while hostpki made acme-challenge in it; the empty"
            + " folder made where it led was removed again; nothing was written");
    assertThat(elsewhere).isEmptyDirectory();
    assertThat(moved).isEmptyDirectory();
    responder.cleanUp();
  }

  /**
   * A responder for the webroot www with .well-known but no acme-challenge, whose .well-known is
   * renamed to {@code moved} and its name linked to {@code elsewhere} just before acme-challenge
   * is made.
   */
  private Http01Webroot swappingWellKnown(Path elsewhere, Path moved, boolean throughProc) throws Exception {
    Path webroot = webroot();
    Files.createDirectory(elsewhere);
    Files.createDirectory(webroot.resolve(".well-known"));
    return new Http01Webroot(webroot, () -> { }, folder -> {
      if (!folder.getFileName().toString().equals("acme-challenge")) {
        return;
      }
      try {
        Files.move(webroot.resolve(".well-known"), moved);
        Files.createSymbolicLink(webroot.resolve(".well-known"), elsewhere);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, throughProc);
  }

  /**
   * Whoever may write acme-challenge renames a FIFO over a token file just made: changing its mode
   * through its name opened the FIFO and waited for a writer for good, holding the store's lock.
   */
  @Test
  void testPresent_aFifoRenamedOverATokenFileJustMadeIsRefusedWithoutWaiting() throws Exception {
    Path webroot = webroot();
    Path folder = Files.createDirectories(challengeFolder(webroot));
    Path fifo = dir.resolve("fifo");
    run("mkfifo", fifo.toString());
    Http01Webroot responder = new Http01Webroot(webroot, () -> { }, path -> {
      if (path.getFileName().toString().equals(PORTAL.token())) {
        try {
          Files.move(fifo, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }, true);

    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .hasMessageContaining(PORTAL.token() + " was replaced while hostpki wrote it (a FIFO"));
    assertThat(Files.isRegularFile(folder.resolve(PORTAL.token()), LinkOption.NOFOLLOW_LINKS)).isFalse();
    responder.cleanUp();
  }

  @Test
  void testPresent_whatHasTheTokensNameIsRefusedAndLeftAlone() throws Exception {
    Path webroot = webroot();
    Path folder = Files.createDirectories(challengeFolder(webroot));
    Path target = dir.resolve("target");
    Files.writeString(target, "keep");
    run("mkfifo", folder.resolve("tok-A_1").toString());
    Files.createDirectory(folder.resolve("tok-B_2"));
    Files.createSymbolicLink(folder.resolve("tok-C_3"), target);
    PendingChallenge linked = new PendingChallenge("dns", "c.example.test", false, "tok-C_3", "tok-C_3.thumb", "");

    for (PendingChallenge c : List.of(PORTAL, SHOP, linked)) {
      Http01Webroot responder = new Http01Webroot(webroot);
      assertThatThrownBy(() -> responder.present(List.of(c)))
          .hasMessageContaining(c.token() + " already exists (")
          .hasMessageContaining("leaves what it did not write alone");
      assertThat(responder.cleanUp()).isEmpty();
    }
    assertThat(target).hasContent("keep");
    assertThat(Files.isSymbolicLink(folder.resolve("tok-C_3"))).isTrue();
    assertThat(folder.resolve("tok-A_1")).exists();
    assertThat(folder.resolve("tok-B_2")).isDirectory();
  }

  @Test
  void testPresent_aKilledOrdersTokenFileIsTakenOverAndRemoved() throws Exception {
    Path webroot = webroot();
    Path folder = Files.createDirectories(challengeFolder(webroot));
    Files.writeString(folder.resolve("tok-A_1"), "tok-A_1.thumb");
    Http01Webroot responder = new Http01Webroot(webroot);

    responder.present(List.of(PORTAL));

    assertThat(responder.cleanUp()).isEmpty();
    assertThat(folder.resolve("tok-A_1")).doesNotExist();
  }

  @Test
  void testPresent_aTokenThatIsNoFileNameIsRefused() throws Exception {
    Path webroot = webroot();
    Http01Webroot responder = new Http01Webroot(webroot);

    assertThatThrownBy(() -> responder.present(List.of(
            new PendingChallenge("dns", "x.example.test", false, "../../../escape", "k", ""))))
        .hasMessageContaining("is not base64url");
    assertThat(responder.cleanUp()).isEmpty();
    assertThat(dir.resolve("escape")).doesNotExist();
    assertThat(webroot).isEmptyDirectory();
  }

  @Test
  void testCleanUp_aTokenFileReplacedWhileTheOrderRanIsLeftAlone() throws Exception {
    Path webroot = webroot();
    Http01Webroot responder = new Http01Webroot(webroot);
    responder.present(List.of(PORTAL));
    Path token = challengeFolder(webroot).resolve("tok-A_1");
    Files.delete(token);
    Files.createSymbolicLink(token, dir.resolve("target"));

    assertThat(responder.cleanUp()).singleElement().asString().contains("was replaced while the order ran");
    assertThat(Files.exists(token, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void testPresent_aWebrootInsideAHostpkiStoreIsRefused() throws Exception {
    Path store = Files.createDirectory(dir.resolve("pki"));
    Files.createSymbolicLink(store.resolve("..data"), Path.of("..2026_01_01_00_00_00.000000000"));
    Path webroot = Files.createDirectory(store.resolve("www"));
    Http01Webroot responder = new Http01Webroot(webroot);

    assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .hasMessageContaining("cannot take token files")
        .hasMessageContaining("inside the hostpki store");
    assertThat(webroot).isEmptyDirectory();
  }

  @Test
  void testWriteFailure_permissionDeniedSaysWhyRootMayNotWriteAndWhereTheDropInIs() {
    // Root without CAP_DAC_OVERRIDE (the example units) meets a webroot owned by www-data: it
    // cannot be provoked as the root tests run as, so the message is checked from the exception.
    String message =
        Http01Webroot.writeFailure(new AccessDeniedException("/var/www/html/.well-known/acme-challenge/x"));

    assertThat(message).startsWith("permission denied; hostpki must be able to write into the webroot")
        .contains("without CAP_DAC_OVERRIDE", "make .well-known and .well-known/acme-challenge root's",
            "examples/systemd/acme-webroot.conf");
  }

  @Test
  void testPresent_aMissingWebrootSaysWhatToGive() {
    Http01Webroot responder = new Http01Webroot(dir.resolve("no-such-www"));

    assertThatThrownBy(() -> responder.present(List.of(PORTAL)))
        .hasMessageContaining("server.acme.http01.webroot")
        .hasMessageContaining("give the document root");
  }

  private static void run(String... argv) throws Exception {
    assertThat(new ProcessBuilder(argv).inheritIO().start().waitFor()).isZero();
  }

}
