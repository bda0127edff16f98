package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.hostpki.files.GroupMembers;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ShellWord;
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

  @Test
  void aTrustDirectoryOrAFileInItThatAnotherUserMayChangeIsRefusedAsTheDesiredStateIs() throws IOException {
    // nobody, who owns trusted.d (or a file in it), would have root trust their CA: in the store's
    // bundle and, with trust.install, on the whole host. The CA file hostpki reads names nobody too.
    assumeTrue(System.getProperty("user.name").equals("root"), "chown needs root");
    Path trusted = Files.createDirectory(dir.resolve("trusted.d"));
    Path yaml = Files.writeString(dir.resolve("host.yaml"), "");
    Path ca = Files.writeString(dir.resolve("acme-ca.pem"), "");
    DesiredState desired = new DesiredStateLoader().loadString(yaml, """
        apiVersion: hostpki/v1
        store: {path: pki}
        trust: {directories: [trusted.d], install: {system: true}}
        """).desiredState().orElseThrow();
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.problems(desired)).isEmpty();
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");

    Files.setOwner(trusted, nobody);
    assertThat(modes.problems(desired)).containsExactly(
        "trust directory " + trusted + " decides what is trusted, but it is owned by nobody, not by root: nobody"
            + " could have hostpki trust their CA on this host. Fix it: chown root " + trusted);

    Files.setOwner(trusted, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
    Path theirs = Files.writeString(trusted.resolve("theirs.pem"), "");
    Files.setOwner(theirs, nobody);
    assertThat(modes.problems(desired)).singleElement().asString()
        .contains("but its file " + theirs + " is owned by nobody", "chown root " + theirs);

    Files.delete(theirs);
    Files.setOwner(ca, nobody);
    DesiredState acme = new DesiredStateLoader().loadString(yaml, """
        apiVersion: hostpki/v1
        store: {path: pki}
        server:
          issuer: acme
          acme: {directory: "https://ca.example.test/dir", caBundle: acme-ca.pem, termsOfServiceAgreed: true}
        """).desiredState().orElseThrow();
    assertThat(modes.problems(acme)).singleElement().asString()
        .startsWith("server.acme.caBundle " + ca + " decides which server is the ACME CA, but it is owned by nobody");
  }

  /**
   * nobody owned trust.crls' folder: they swapped the CA's CRL for an older one (or took it away
   * for one apply), and root's apply installed that, trusting a revoked certificate again. A link
   * of theirs to a root-only file had root read that as a CRL.
   */
  @Test
  void aCrlFileOrFolderThatAnotherUserMayChangeIsRefusedAsTrustFilesAre() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "chown needs root");
    StrictModes modes = StrictModes.forThisProcess();
    Path crls = Files.createDirectory(dir.resolve("crls.d"));
    Path crl = Files.writeString(crls.resolve("fleet.crl"), "");
    Path ignored = Files.writeString(crls.resolve("README"), "");
    Path single = Files.writeString(dir.resolve("single.crl"), "");
    DesiredState desired = desiredState("trust: {crls: [crls.d, single.crl]}");
    Files.setOwner(ignored, user("nobody")); // a file of the folder's that is not read
    assertThat(modes.problems(desired)).isEmpty();
    String harm = "have hostpki install an older CRL of its CA, or none, and so trust a revoked certificate again";

    Files.setOwner(crls, user("nobody"));
    assertThat(modes.problems(desired)).containsExactly(
        "trust.crls folder " + crls + " decides which certificates are revoked, but it is owned by nobody, not by"
            + " root: nobody could " + harm + ". Fix it: chown root " + crls);

    Files.setOwner(crls, user("root"));
    Files.setOwner(crl, user("nobody"));
    assertThat(modes.problems(desired)).containsExactly(
        "trust.crls folder " + crls + " decides which certificates are revoked, but its file " + crl + " is owned"
            + " by nobody, not by root: nobody could " + harm + ". Fix it: chown root " + crl);

    Files.setOwner(crl, user("root"));
    Files.setPosixFilePermissions(single, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(modes.problems(desired)).containsExactly(
        "trust.crls file " + single + " decides which certificates are revoked, but it has mode 0666: every user"
            + " can change it and " + harm + ". Fix it: chmod go-w " + single);

    Files.delete(single);
    Path secret = Files.writeString(dir.resolve("root-only"), "");
    lchown(Files.createSymbolicLink(single, secret), user("nobody"));
    assertThat(modes.problems(desired)).singleElement().asString().startsWith(
        "trust.crls file " + single + " decides which certificates are revoked, but " + single + " is a symbolic"
            + " link owned by nobody");
  }

  @Test
  void aLinkAnotherUserMadeInAStickyFolderIsRefusedWhereverItLeads() throws IOException {
    // store: {path: /tmp/pki}: nobody made /tmp/pki a link to another store of root's, and root's
    // apply wrote a new CA and key there (fs.protected_symlinks is 0 on some hosts).
    assumeTrue(System.getProperty("user.name").equals("root"), "lchown needs root");
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Files.setAttribute(tmp, "unix:mode", 01777);
    Path otherStore = Files.createDirectory(dir.resolve("other-pki"));
    Path store = Files.createSymbolicLink(tmp.resolve("pki"), otherStore);
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.storeProblem(store)).as("root's own link").isEmpty();

    Files.getFileAttributeView(store, java.nio.file.attribute.PosixFileAttributeView.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS)
        .setOwner(dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

    assertThat(modes.storeProblem(store)).hasValue(
        "store " + store + " keeps keys, but " + store + " is a symbolic link that nobody made in the sticky"
            + " folder " + tmp + ": nobody may point it anywhere and have hostpki write keys and a new CA wherever"
            + " that leads. Fix it: remove the link and name what it should lead to itself");
  }

  private UserPrincipal user(String name) throws IOException {
    return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
  }

  private static void lchown(Path link, UserPrincipal owner) throws IOException {
    Files.getFileAttributeView(link, java.nio.file.attribute.PosixFileAttributeView.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS)
        .setOwner(owner);
  }

  @Test
  void aStickyTrustDirectoryEveryUserMayWriteIsRefused() throws IOException {
    // A root-owned 1777 trusted.d passed: nobody added evil.pem after the check, and root's trust
    // bundle took their CA. The sticky bit stops removing others' files, not adding one's own.
    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root's");
    Path trusted = Files.createDirectory(dir.resolve("trusted.d"));
    Files.setAttribute(trusted, "unix:mode", 01777);
    DesiredState desired = trustingDirectory();

    assertThat(StrictModes.forThisProcess().problems(desired)).containsExactly(
        "trust directory " + trusted + " decides what is trusted, but it has mode 0777: every user can add files"
            + " to it (the sticky bit does not stop that) and have hostpki trust their CA. Fix it: chmod go-w "
            + trusted);
  }

  /**
   * {@code host.yaml -> evilhome/h.yaml -> clean.yaml}: the file at the end and the folders of
   * both ends are root's, but nobody owns a folder (and a link) met halfway, and swapped h.yaml for
   * a file of theirs declaring a hook after the check.
   */
  @Test
  void aLinkOrAFolderOfAnotherUsersMetHalfwayIsRefused() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "chown needs root");
    Path evilhome = Files.createDirectory(dir.resolve("evilhome"));
    Path clean = Files.writeString(Files.createDirectory(dir.resolve("real")).resolve("clean.yaml"), "");
    Path halfway = Files.createSymbolicLink(evilhome.resolve("h.yaml"), clean);
    Path yaml = Files.createSymbolicLink(Files.createDirectory(dir.resolve("s4")).resolve("host.yaml"), halfway);
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.desiredStateProblem(yaml)).as("all root's").isEmpty();

    Files.setOwner(evilhome, user("nobody"));
    assertThat(modes.desiredStateProblem(yaml)).hasValue(
        yaml + " says who gets the keys and what is trusted, but its folder " + evilhome + " is owned by nobody,"
            + " not by root: nobody could have hostpki hand them the server's key or trust their CA. Fix it:"
            + " chown root " + evilhome + " (or move host.yaml to a folder of root's)");

    lchown(halfway, user("nobody"));
    assertThat(modes.desiredStateProblem(yaml)).hasValue(
        yaml + " says who gets the keys and what is trusted, but " + halfway + " is a symbolic link owned by"
            + " nobody, not by root: nobody could have hostpki hand them the server's key or trust their CA. Fix"
            + " it: remove the link and name what it should lead to itself");
  }

  @Test
  void aTrustFileOrAStoreReachedThroughAnotherUsersFolderIsRefused() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "chown needs root");
    Path evilhome = Files.createDirectory(dir.resolve("evilhome"));
    Path trusted = Files.createDirectory(dir.resolve("trusted.d"));
    Path ca = Files.writeString(evilhome.resolve("ca.pem"), "");
    Files.createSymbolicLink(trusted.resolve("ca.pem"), ca);
    Path otherStore = Files.createDirectory(evilhome.resolve("pki"));
    Path store = Files.createSymbolicLink(dir.resolve("pki"), otherStore);
    DesiredState desired = trustingDirectory();
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.problems(desired)).isEmpty();
    assertThat(modes.storeProblem(store)).isEmpty();

    Files.setOwner(evilhome, user("nobody"));
    assertThat(modes.problems(desired)).singleElement().asString().startsWith(
        "trust directory " + trusted + " decides what is trusted, but its folder " + evilhome
            + " is owned by nobody");
    assertThat(modes.storeProblem(store)).hasValueSatisfying(p -> assertThat(p).startsWith(
        "store " + store + " keeps keys, but its folder " + evilhome + " is owned by nobody"));
  }

  @Test
  void aGroupWritableFileWithAnAclIsRefusedThoughItsGroupIsTheOwnersAlone() throws Exception {
    // root:root 0664 because setfacl -m u:nobody:rw made the mask rw: group 0 has no other member,
    // but nobody may write it. Java cannot set the ACL; python3 writes system.posix_acl_access.
    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root:root");
    assumeTrue(rootsGroupIsRootsAlone(), "this machine's group root has members besides root");
    Path yaml = Files.writeString(Files.createDirectory(dir.resolve("acl")).resolve("host.yaml"), "");
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-rw-r--"));
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.problem(yaml, yaml + " says who gets the keys")).as("no ACL: group 0 is root's alone").isEmpty();
    giveNobodyAnAcl(yaml);

    assertThat(modes.problem(yaml, yaml + " says who gets the keys")).hasValue(
        yaml + " says who gets the keys, but it has mode 0664: whoever its ACL names (ls -l marks an ACL with"
            + " '+') can change it and make hostpki run any command as root. Fix it: chmod go-w " + yaml);
  }

  @Test
  void aTrustDirectorysFileWithAnAclAmongOthersIsRefusedByItsName() throws Exception {
    // The folder's files are asked of one ls: the one with an ACL is still the one named, and a
    // name ls would print escaped (a space) is asked of an ls of its own.
    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root:root");
    assumeTrue(rootsGroupIsRootsAlone(), "this machine's group root has members besides root");
    Path trusted = Files.createDirectory(dir.resolve("trusted.d"));
    for (String name : List.of("a.pem", "b.pem", "c d.pem", "e.pem")) {
      Files.setPosixFilePermissions(
          Files.writeString(trusted.resolve(name), "x"), PosixFilePermissions.fromString("rw-rw-r--"));
    }
    DesiredState desired = trustingDirectory();
    StrictModes modes = StrictModes.forThisProcess();
    assertThat(modes.problems(desired)).as("no ACL: group 0 is root's alone").isEmpty();

    for (String name : List.of("b.pem", "c d.pem")) {
      Path file = trusted.resolve(name);
      giveNobodyAnAcl(file);
      assertThat(modes.problems(desired)).singleElement().isEqualTo(
          "trust directory " + trusted + " decides what is trusted, but its file " + file + " has mode 0664:"
              + " whoever its ACL names (ls -l marks an ACL with '+') can change it and have hostpki trust"
              + " their CA. Fix it: chmod go-w " + ShellWord.of(file.toString()));
      Files.delete(file);
    }
    assertThat(modes.problems(desired)).isEmpty();
  }

  /** A desired state in {@code dir} with the store pki and the trust directory trusted.d. */
  private DesiredState trustingDirectory() throws IOException {
    return desiredState("trust: {directories: [trusted.d]}");
  }

  /** A desired state {@code dir/host.yaml} with the store pki and {@code more}. */
  private DesiredState desiredState(String more) throws IOException {
    Path yaml = Files.writeString(dir.resolve("host.yaml"), "");
    return new DesiredStateLoader().loadString(yaml, "apiVersion: hostpki/v1\nstore: {path: pki}\n" + more + "\n")
        .desiredState().orElseThrow();
  }

  /** setfacl -m u:nobody:rw: Java cannot set an ACL; python3 writes system.posix_acl_access. */
  private static void giveNobodyAnAcl(Path file) throws Exception {
    Process setfacl = new ProcessBuilder("python3", "-c", """
        import os, struct, sys
        u = 0xFFFFFFFF
        entries = [(0x01, 6, u), (0x02, 6, 65534), (0x04, 4, u), (0x10, 6, u), (0x20, 4, u)]
        os.setxattr(sys.argv[1], 'system.posix_acl_access',
            struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *e) for e in entries))
        """, file.toString()).inheritIO().start();
    assumeTrue(setfacl.waitFor() == 0, "python3 could not give the file an ACL (no python3, or no ACLs here)");
  }
}
