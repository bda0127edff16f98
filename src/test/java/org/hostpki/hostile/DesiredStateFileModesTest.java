package org.hostpki.hostile;

import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * The desired-state file is checked as sshd checks {@code authorized_keys}: hooks run as the user
 * running hostpki (root under the shipped units, and in these tests), so a file that declares them,
 * each folder above it and each hook program named by a path must be writable by its owner alone,
 * and that owner must be root or that user; a file without hooks too, since whoever may change it
 * could hand themselves the server's key. Real files, modes and owners ({@code chown 1234}).
 * Refused: exit 1, the store untouched. Sticky folders (as {@code /tmp}) pass, as in sshd.
 */
@Tag(Tags.SLOW)
class DesiredStateFileModesTest {
  private static final int STRANGER = 1234;
  private static final String HOOKS = "hooks: {afterServerChange: [[systemctl, try-reload-or-restart, nginx]]}\n";

  @TempDir static Path templateDir;
  @TempDir Path dir;
  private Workspace workspace;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  @BeforeEach
  void copy() {
    workspace = Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  private static void addHooks(Workspace w, String hooks) throws IOException {
    Files.writeString(w.yaml, Files.readString(w.yaml) + hooks);
  }

  private static void chown(Path path, int uid) throws IOException {
    UserPrincipal owner =
        path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Integer.toString(uid));
    Files.setOwner(path, owner);
  }

  private static void chgrp(Path path, int gid) throws IOException {
    Files.setAttribute(path, "unix:gid", gid);
  }

  /** A copy of host.yaml in a sticky folder that everyone may write ({@code chmod 1777}). */
  private static Path inStickyFolder(Workspace w) throws IOException {
    Path yaml = movedTo(w, "shared", "rwxrwxrwx");
    Files.setAttribute(yaml.getParent(), "unix:mode", 01777);
    return yaml;
  }

  /** {@code FOLDER/host.yaml} with absolute paths, so that it can live in another folder. */
  private static Path movedTo(Workspace w, String folder, String mode) throws IOException {
    Path conf = w.dir.resolve(folder);
    Files.createDirectories(conf);
    Path yaml = conf.resolve("host.yaml");
    Files.writeString(yaml, Files.readString(w.yaml).replace("path: pki", "path: " + w.store)
        .replace("file: trusted/", "file: " + w.dir + "/trusted/")
        .replace("directories: [trusted.d]", "directories: [" + w.dir + "/trusted.d]"));
    Damage.chmod(conf, mode);
    return yaml;
  }

  private static String refused(String what) {
    return "{dir}/host.yaml declares programs to run (hooks), but " + what;
  }

  static Stream<HostileCase> refusedFiles() {
    return Stream.of(
        apply("0666", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-rw-");
            },
            "error: " + refused("it has mode 0666: every user can change it and make hostpki run any"
                + " command as root. Fix it: chmod go-w {dir}/host.yaml; nothing was changed")),
        apply("0664, group-writable", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-r--");
            },
            refused("it has mode 0664: its group can change it"), "chmod go-w {dir}/host.yaml"),
        apply("0646, writable by others only", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-r--rw-");
            },
            refused("it has mode 0646: every user can change it")),
        apply("group-writable with a foreign group", w -> {
              addHooks(w, HOOKS);
              chgrp(w.yaml, STRANGER);
              Damage.chmod(w.yaml, "rw-rw-r--");
            },
            refused("it has mode 0664")),
        apply("foreign owner", w -> {
              addHooks(w, HOOKS);
              chown(w.yaml, STRANGER);
            },
            refused("it is owned by 1234, not by root: 1234 could make hostpki run any command as"
                + " root. Fix it: chown root {dir}/host.yaml")),
        apply("foreign owner, mode 0600", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-------");
              chown(w.yaml, STRANGER);
            },
            refused("it is owned by 1234")),
        apply("writable parent folder", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.dir, "rwxrwxrwx");
            },
            refused("its folder {dir} has mode 0777: every user can put another file in its place"
                + " and make hostpki run any command as root. Fix it: chmod go-w {dir}")),
        apply("group-writable parent folder", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.dir, "rwxrwxr-x");
            },
            refused("its folder {dir} has mode 0775: its group can put another file in its place")),
        apply("parent folder of another owner", w -> {
              addHooks(w, HOOKS);
              chown(w.dir, STRANGER);
            },
            refused("its folder {dir} is owned by 1234, not by root"),
            "Fix it: chown root {dir} (or move host.yaml to a folder of root's)"),
        apply("sticky folder of another owner", w -> {
              Path yaml = inStickyFolder(w);
              Files.writeString(yaml, Files.readString(yaml) + HOOKS);
              chown(yaml.getParent(), STRANGER);
            },
            "{dir}/shared/host.yaml declares programs to run (hooks), but its folder {dir}/shared is"
                + " owned by 1234")
            .withArgs("apply", "-f", "shared/host.yaml"),
        apply("link to a file others can write", w -> {
              addHooks(w, HOOKS);
              Files.createDirectories(w.dir.resolve("real"));
              Files.move(w.yaml, w.dir.resolve("real/host.yaml"));
              Damage.chmod(w.dir.resolve("real/host.yaml"), "rw-rw-rw-");
              Files.createSymbolicLink(w.yaml, w.dir.resolve("real/host.yaml"));
            },
            refused("{dir}/real/host.yaml has mode 0666"), "chmod go-w {dir}/real/host.yaml"),
        apply("link into a folder others can write", w -> {
              addHooks(w, HOOKS);
              Files.createDirectories(w.dir.resolve("real"));
              Files.move(w.yaml, w.dir.resolve("real/host.yaml"));
              Damage.chmod(w.dir.resolve("real"), "rwxrwxrwx");
              Files.createSymbolicLink(w.yaml, w.dir.resolve("real/host.yaml"));
            },
            refused("its folder {dir}/real has mode 0777")),
        apply("hook program writable by others", w -> {
              addHooks(w, "hooks: {afterServerChange: [[./reload.sh]]}\n");
              Files.writeString(w.dir.resolve("reload.sh"), "#!/bin/sh\n");
              Damage.chmod(w.dir.resolve("reload.sh"), "rwxrwxrwx");
            },
            "error: hook program {dir}/reload.sh runs as root, but it has mode 0777: every user can"
                + " change it and make hostpki run any command as root. Fix it: chmod go-w"
                + " {dir}/reload.sh; nothing was changed"),
        apply("hook program of another owner", w -> {
              addHooks(w, "hooks: {afterServerChange: [[" + w.dir + "/reload.sh]]}\n");
              Files.writeString(w.dir.resolve("reload.sh"), "#!/bin/sh\n");
              Damage.chmod(w.dir.resolve("reload.sh"), "rwxr-xr-x");
              chown(w.dir.resolve("reload.sh"), STRANGER);
            },
            "hook program {dir}/reload.sh runs as root, but it is owned by 1234"),
        apply("hook program in a group-writable folder", w -> {
              addHooks(w, "hooks: {afterServerChange: [[bin/reload.sh]]}\n");
              Files.createDirectories(w.dir.resolve("bin"));
              Files.writeString(w.dir.resolve("bin/reload.sh"), "#!/bin/sh\n");
              Damage.chmod(w.dir.resolve("bin/reload.sh"), "rwxr-xr-x");
              Damage.chmod(w.dir.resolve("bin"), "rwxrwxr-x");
            },
            "hook program {dir}/bin/reload.sh runs as root, but its folder {dir}/bin has mode 0775"),
        apply("store in a folder of another owner, without hooks", w -> chown(w.dir, STRANGER),
            // the second problem: host.yaml is in that folder too, and said first
            "  store {dir}/pki keeps keys, but its folder {dir} is owned by 1234, not by root: 1234 could have"
                + " hostpki write keys and a new CA wherever that leads. Fix it: chown root {dir} (or move pki to a"
                + " folder of root's)")
            .withArgs("plan", "-f", "host.yaml"),
        apply("store in a group-writable folder, without hooks", w -> Damage.chmod(w.dir, "rwxrwxr-x"),
            "store {dir}/pki keeps keys, but its folder {dir} has mode 0775: its group can put another file in its"
                + " place and have hostpki write keys and a new CA wherever that leads. Fix it: chmod go-w {dir}"),
        // Nothing runs, but whoever may write it could add {format: key, owner: them}.
        apply("0666 without hooks", w -> Damage.chmod(w.yaml, "rw-rw-rw-"),
            "error: {dir}/host.yaml says who gets the keys and what is trusted, but it has mode 0666: every user"
                + " can change it and have hostpki hand them the server's key or trust their CA. Fix it: chmod go-w"
                + " {dir}/host.yaml; nothing was changed"),
        apply("every command refuses it: plan", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-rw-");
            },
            refused("it has mode 0666"))
            .withArgs("plan", "-f", "host.yaml"),
        apply("every command refuses it: rollback", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-rw-");
            },
            refused("it has mode 0666"))
            .withArgs("rollback", "-f", "host.yaml"),
        apply("every command refuses it: watch", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-rw-");
            },
            refused("it has mode 0666"), "; not watching")
            .withArgs("watch", "-f", "host.yaml"));
  }

  static Stream<HostileCase> acceptedFiles() {
    return Stream.of(
        apply("sticky folder, as /tmp", w -> {
              Path yaml = inStickyFolder(w);
              Files.writeString(yaml, Files.readString(yaml) + HOOKS);
            })
            .withArgs("plan", "-f", "shared/host.yaml").withExitCode(0),
        apply("owner only, hooks on PATH", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-------");
            })
            .withArgs("plan", "-f", "host.yaml").withExitCode(0),
        apply("validate only reads it", w -> {
              addHooks(w, HOOKS);
              Damage.chmod(w.yaml, "rw-rw-rw-");
            })
            .withArgs("validate", "host.yaml").withExitCode(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedFiles")
  void testRefused(HostileCase file) throws Exception {
    file.check(workspace);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedFiles")
  void testAccepted(HostileCase file) throws Exception {
    file.check(workspace);
  }
}
