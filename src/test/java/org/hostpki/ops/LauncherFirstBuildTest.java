package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;

/**
 * bin/hostpki in a checkout without a jar builds it first: one line on stderr says so, Maven's
 * own output appears only when the build fails, and Maven runs without its stray colour resets.
 * Maven and Java are stand-ins that record how they were called (the real first build is what
 * {@code mvn package} itself exercises).
 */
class LauncherFirstBuildTest {
  @TempDir Path top;
  private Path tools;
  private Map<String, String> env;

  private static void script(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @BeforeEach
  void checkout() throws Exception {
    Files.copy(Cli.projectDir().resolve("bin/hostpki"), Files.createDirectories(top.resolve("bin")).resolve("hostpki"));
    Files.writeString(top.resolve("pom.xml"), "<project/>\n");
    tools = Files.createDirectories(top.resolve("tools"));
    // A Java that says how it was started.
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\necho \"java $*\"\n");
    env = Map.of(
        "PATH", tools + ":/usr/bin:/bin",
        "JAVA_HOME", tools.resolve("jdk").toString(),
        "HOSTPKI_CDS", "off",
        "MAVEN_OPTS", "-Xmx1g");
  }

  /** A Maven that chatters on both streams, as Maven 3.8 does with -q, then builds or fails. */
  private void maven(boolean succeeds) throws Exception {
    script(
        tools.resolve("mvn"),
        "#!/bin/sh\n"
            + "echo \"$MAVEN_OPTS\" > '" + tools.resolve("maven-opts") + "'\n"
            + "echo \"$*\" > '" + tools.resolve("maven-args") + "'\n"
            + "printf '\\033[0m\\033[0m'\n"
            + "printf '\\033[0m[WARNING] some plugin warning\\n' >&2\n"
            + (succeeds
                ? "mkdir -p target && : > target/hostpki-0.1.0.jar\n"
                : "echo '[ERROR] COMPILATION ERROR: Foo.java:[3,1] class, interface or enum expected' >&2\nexit 1\n"));
  }

  private ProcessResult launch(String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(top.resolve("bin/hostpki").toString());
    command.addAll(java.util.List.of(args));
    return Command.of(command).in(top).env(env).timeout(Command.LONG_GUARD).run();
  }

  /** A shell left in a removed folder: one line saying so, and Java (which would trace) never starts. */
  @Test
  void testRemovedCurrentDirectory_isOneLineWithTheFix() throws Exception {
    maven(true);
    Path gone = Files.createDirectory(top.resolve("gone"));

    ProcessResult run =
        Command.of("/bin/sh", "-c", "cd \"$1\" && rmdir \"$1\" && exec \"$2\" --version", "sh",
                gone.toString(), top.resolve("bin/hostpki").toString())
            .env(env)
            .timeout(Command.LONG_GUARD)
            .run();

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).endsWith(
        "hostpki: the current directory no longer exists (removed while in use); cd to one that does and run hostpki again\n");
  }

  @Test
  void testFirstUse_saysItBuildsAndShowsNothingOfMaven() throws Exception {
    maven(true);

    ProcessResult run = launch("--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).isEqualTo("hostpki: building with Maven (first use, about a minute) ...\n");
    assertThat(run.stdout()).startsWith("java ").endsWith(" -jar " + top.resolve("target/hostpki-0.1.0.jar") + " --version\n");
    assertThat(Files.readString(tools.resolve("maven-opts"))).isEqualTo("-Xmx1g -Djansi.noreset=true\n");
    assertThat(Files.readString(tools.resolve("maven-args"))).contains("-B", "-q", "-Dstyle.color=never", "package");
  }

  /**
   * Two first runs at once both ran Maven in one target/, and a run while Maven was still writing
   * the jar started it half-written. Here the first run's Maven stops twice, before the jar and
   * with half of it, each time until a run started meanwhile has said it waits (its stderr is a
   * FIFO this script reads): Maven runs once and every run starts the whole jar.
   */
  @Test
  void testFirstUse_concurrentRunsWaitForOneBuild() throws Exception {
    Path jar = top.resolve("target/hostpki-0.1.0.jar");
    script(tools.resolve("mvn"), "#!/bin/sh\necho mvn >> calls\nmkdir -p target\n"
        + "if mkdir once 2>/dev/null; then echo > started; read x < release; echo half > " + jar
        + "; echo > started; read x < release; fi\necho whole > " + jar + "\n");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\necho \"java $(cat '" + jar + "')\"\n");

    ProcessResult run = Command.of("/bin/sh", "-c", String.join("\n",
            "mkfifo started release b.err c.err",
            "\"$0\" --version > a.out 2> a.err & a=$!",
            "read x < started", // A's Maven runs, no jar yet
            "\"$0\" --version > b.out 2> b.err & b=$!",
            "exec 3< b.err; read line <&3; echo \"B: $line\"",
            "echo > release; read x < started", // half a jar
            "\"$0\" --version > c.out 2> c.err & c=$!",
            "exec 4< c.err; read line <&4; echo \"C: $line\"",
            "echo > release; wait $a $b $c",
            "cat a.out b.out c.out calls"), top.resolve("bin/hostpki").toString())
        .in(top).env(env).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString()).isEqualTo(
        "B: hostpki: waiting for the build another hostpki run started ...\n"
            + "C: hostpki: waiting for the build another hostpki run started ...\n"
            + "java whole\njava whole\njava whole\nmvn\n");
  }

  /**
   * A first run stopped during its build (a timeout's TERM, Ctrl-C) left its Maven log
   * (hostpki-build.XXXXXX) in the temporary folder for good, and the build's stamp beside the
   * jar: trials found fourteen such logs in /tmp. The launcher removes both once Maven has ended.
   */
  @Test
  void testFirstUse_stoppedDuringTheBuildLeavesNoLogAndNoStamp() throws Exception {
    script(tools.resolve("mvn"), "#!/bin/sh\necho > started\nread x < release\n");
    Path tmp = Files.createDirectories(top.resolve("tmp"));
    env = new java.util.HashMap<>(env);
    env.put("TMPDIR", tmp.toString());

    ProcessResult run = Command.of("/bin/sh", "-c", String.join("\n",
            "mkfifo started release",
            "\"$0\" --version > a.out 2> a.err & a=$!",
            "read x < started", // Maven runs: the log, the stamp (and the build's lock) are there
            "ls -A tmp target | grep -c -e hostpki-build -e hostpki-built",
            "kill -TERM $a",
            "echo > release",
            "wait $a; echo \"exit $?\""), top.resolve("bin/hostpki").toString())
        .in(top).env(env).timeout(Command.LONG_GUARD).run();

    assertThat(run.stdout()).as(run.toString()).isEqualTo("3\nexit 143\n");
    try (var left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
    try (var left = Files.list(top.resolve("target"))) {
      assertThat(left).noneMatch(f -> f.getFileName().toString().startsWith(".hostpki-built."));
    }
  }

  /**
   * The build trains its start-up archive with this launcher (pom.xml, cds-archive) while the run
   * that started the build holds the build's lock: that inner run must not wait for the lock, or
   * the first run of a fresh clone never ends (it did, with the lock alone).
   */
  @Test
  void testFirstUse_theBuildsOwnRunOfTheLauncherDoesNotWaitForTheBuild() throws Exception {
    Path jar = top.resolve("target/hostpki-0.1.0.jar");
    script(tools.resolve("mvn"), "#!/bin/sh\nmkdir -p target\necho whole > " + jar + "\n"
        + "\"" + top.resolve("bin/hostpki") + "\" --version > trained || exit 1\n");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\necho \"java $(cat '" + jar + "') ${HOSTPKI_IN_BUILD:-}\"\n");

    ProcessResult run = Command.of(top.resolve("bin/hostpki").toString(), "--version").in(top).env(env).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).isEqualTo("java whole \n");
    assertThat(top.resolve("trained")).as("the build's own run, which Java does not see as one").hasContent("java whole \n");
    assertThat(Files.getPosixFilePermissions(top.resolve("target/.hostpki-build.lock")))
        .as("no other user can open the lock, to hold it").isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void testFirstUse_whenTheBuildFailsShowsMavensOutputAndWhatToDo() throws Exception {
    maven(false);

    ProcessResult run = launch("plan", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stdout()).as("java never ran").isEmpty();
    assertThat(run.stderr())
        .startsWith("hostpki: building with Maven (first use, about a minute) ...\n")
        .contains("[ERROR] COMPILATION ERROR: Foo.java:[3,1]")
        .endsWith("hostpki: the build failed (Maven's messages above); 'mvn -B package' in " + top + " shows more\n");
  }

  @Test
  void testLaterUse_doesNotBuild() throws Exception {
    maven(false);
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");

    ProcessResult run = launch("--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).isEmpty();
    assertThat(tools.resolve("maven-args")).doesNotExist();
  }

  private static void age(Path file, long seconds) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(java.time.Instant.now().plusSeconds(seconds)));
  }

  /**
   * A checkout updated after its first run (git pull, which writes each changed file with the
   * current time) went on running the jar of the first build, without a word. A source newer
   * than the jar builds it again, once; the build's new jar is the one that runs (a version
   * changed in pom.xml leaves the old one beside it); a failed build is tried again next time.
   */
  @Test
  void testSourcesChangedSinceTheBuild_buildAgainOnceAndRunTheNewJar() throws Exception {
    Path old = Files.writeString(Files.createDirectories(top.resolve("target")).resolve("hostpki-0.1.0.jar"), "old\n");
    age(old, -3600);
    Path source = Files.writeString(Files.createDirectories(top.resolve("src/main/java")).resolve("Main.java"), "class Main {}\n");
    script(tools.resolve("mvn"), "#!/bin/sh\necho mvn >> calls\n[ -f fail ] && { echo '[ERROR] broken' >&2; exit 1; }\n"
        + "echo new > target/hostpki-0.2.0.jar\n");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\nfor a; do case $a in *.jar) cat \"$a\";; esac; done\n");

    Files.writeString(top.resolve("fail"), "");
    ProcessResult failed = launch("--version");
    Files.delete(top.resolve("fail"));
    ProcessResult rebuilt = launch("--version");
    ProcessResult later = launch("--version");
    age(source, 3600); // edited again
    ProcessResult again = launch("--version");

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.stderr()).as(failed.toString())
        .startsWith("hostpki: building with Maven (the sources changed since the last build, about a minute) ...\n")
        .contains("[ERROR] broken");
    assertThat(rebuilt.exitCode()).as(rebuilt.toString()).isZero();
    assertThat(rebuilt.stderr()).isEqualTo("hostpki: building with Maven (the sources changed since the last build, about a minute) ...\n");
    assertThat(rebuilt.stdout()).isEqualTo("new\n");
    assertThat(later.stderr()).as(later.toString()).isEmpty();
    assertThat(later.stdout()).isEqualTo("new\n");
    assertThat(again.stderr()).startsWith("hostpki: building with Maven (the sources changed");
    assertThat(top.resolve("calls")).hasContent("mvn\nmvn\nmvn");
  }

  /**
   * A build after which Maven left the jar as it was (a folder's time changed by an editor's swap
   * file, nothing to compile) is not run again on every start; a release's launcher (no pom.xml)
   * never builds, however new the files next to it.
   */
  @Test
  void testSourcesChanged_noBuildLoopAndNoBuildWithoutPom() throws Exception {
    anHourOldJarAndAMavenThatCountsItsRuns();
    Files.createDirectories(top.resolve("src/main/java"));

    ProcessResult first = launch("--version");
    ProcessResult second = launch("--version");
    Files.delete(top.resolve("pom.xml"));
    age(top.resolve("src/main/java"), 3600);
    ProcessResult release = launch("--version");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(second.stderr()).as(second.toString()).isEmpty();
    assertThat(release.exitCode()).as(release.toString()).isZero();
    assertThat(release.stderr()).as(release.toString()).isEmpty();
    assertThat(top.resolve("calls")).hasContent("mvn");
  }

  /** target/'s jar, built an hour ago, and a Maven that only notes each run in {@code calls}. */
  private void anHourOldJarAndAMavenThatCountsItsRuns() throws Exception {
    Path jar = Files.writeString(Files.createDirectories(top.resolve("target")).resolve("hostpki-0.1.0.jar"), "");
    age(jar, -3600);
    script(tools.resolve("mvn"), "#!/bin/sh\necho mvn >> calls\n");
  }

  /**
   * Found by DocsIT: a copy of the checkout without src/ (its tracked top-level files, target/
   * linked in) had a schema/ folder newer than the jar, so every run built again, and failed.
   * Without sources there is nothing to build from: the jar runs.
   */
  @Test
  void testSourcesChanged_aCheckoutWithoutItsSourcesRunsItsJar() throws Exception {
    anHourOldJarAndAMavenThatCountsItsRuns();
    Files.createDirectories(top.resolve("schema"));

    ProcessResult run = launch("--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).as(run.toString()).isEmpty();
    assertThat(top.resolve("calls")).doesNotExist();
  }

  /**
   * A jar installed with its build's mtime (tar, cp -p, dpkg) older than the start-up archive,
   * as an older build unpacked over a newer one leaves it: the JVM refuses the archive on every
   * run ("a jar file is not the one used while building the shared archive"), so the launcher
   * makes a new one, going by the time the jar was put there (its ctime), not by its mtime.
   */
  @Test
  void testStartupArchive_isMadeAgainForAJarPutThereWithAnOlderMtime() throws Exception {
    Files.createDirectories(top.resolve("src/cds"));
    Files.writeString(top.resolve("src/cds/host.yaml"), "apiVersion: hostpki/v1\n");
    script(tools.resolve("jdk/bin/java"),
        "#!/bin/sh\nfor a; do case $a in -XX:ArchiveClassesAtExit=*) echo new > \"${a#*=}\";; esac; done\n"
            + "echo \"java $*\"\n");
    Path jsa = Files.writeString(Files.createDirectories(top.resolve("target")).resolve("hostpki.jsa"), "old\n");
    // the archive was made after the JVM was installed ...
    FileTime made = (FileTime) Files.getAttribute(tools.resolve("jdk/bin/java"), "unix:ctime");
    Files.setLastModifiedTime(jsa, made);
    // ... and the jar, built a day before, was put there after it (setting its mtime is a change
    // of its inode, as unpacking it is: a ctime after the archive's mtime, at the clock's next tick)
    Path jar = Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    FileTime built = FileTime.from(made.toInstant().minus(Duration.ofDays(1)));
    do {
      Files.setLastModifiedTime(jar, built);
    } while (((FileTime) Files.getAttribute(jar, "unix:ctime")).compareTo(made) <= 0);
    env = new java.util.HashMap<>(env);
    env.put("HOSTPKI_CDS", "on");

    ProcessResult run = launch("--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(jsa).hasContent("new");
    assertThat(run.stdout()).as(run.toString()).contains(" -XX:SharedArchiveFile=" + jsa + " ");
  }

  /**
   * A crash of the JVM left hs_err_pid*.log (registers, stack memory) 0644 in the current folder
   * and, with cores allowed, a core holding the heap: keys and the store password. The JVM is
   * started with its report on stderr, no replay file, no core of its own, and a core limit of 0
   * for the signals it does not handle.
   */
  @Test
  void testJvmCrash_leavesNoReportFileAndNoCoreDump() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\nprintf 'core=%s' \"$(ulimit -c)\"; printf ' [%s]' \"$@\"\n");

    ProcessResult run =
        Command.of("/bin/sh", "-c", "ulimit -c unlimited && exec \"$0\" --version", top.resolve("bin/hostpki").toString())
            .in(top).env(env).timeout(Command.LONG_GUARD).run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString()).startsWith("core=0 ")
        .contains(" [-XX:+ErrorFileToStderr] ", " [-XX:-DumpReplayDataOnError] ", " [-XX:-CreateCoredumpOnCrash] ")
        // exit 137 after the report, not 1 ("nothing on disk changed"): one argument, spaces and all
        .contains(" [-XX:OnError=kill -KILL %p] ");
  }

  /**
   * 'hostpki apply >&- 2>&-' started the JVM with descriptors 0 to 2 free: the first files it
   * opened took them (the JDK's modules file, a jar; a later one could be a key hostpki writes),
   * and apply's summary, refused with EBADF, turned a finished apply into exit 1. Each closed
   * standard stream is /dev/null for Java; an open one stays what it was.
   */
  @Test
  void testClosedStandardStreams_areDevNullForJava() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    Path report = top.resolve("streams");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\nexec 9>'" + report + "'\n"
        + "for fd in 0 1 2; do printf '%s=%s ' $fd \"$(readlink /proc/$$/fd/$fd || echo closed)\" >&9; done\n");

    // Each closed stream /dev/null, the open ones still the test's (the kit's stdin is /dev/null).
    String open = "(?!/dev/null)\\S+";
    for (var c : Map.of("<&- >&- 2>&-", "0=/dev/null 1=/dev/null 2=/dev/null ",
        ">&-", "0=/dev/null 1=/dev/null 2=" + open + " ", "2>&-", "0=/dev/null 1=" + open + " 2=/dev/null ").entrySet()) {
      ProcessResult run = Command.of("/bin/sh", "-c", "exec \"$0\" --version " + c.getKey(),
              top.resolve("bin/hostpki").toString())
          .in(top).env(env).timeout(Command.LONG_GUARD).run();

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(Files.readString(report)).as(c.getKey()).matches(c.getValue());
    }
  }

  /**
   * A JAVA_HOME kept for an old application (Java 8, 11): the JVM said "Unrecognized option:
   * -Xlog:disable" or "UnsupportedClassVersionError ... class file version 61.0", neither naming
   * the fix. The JDK's release file names its version; Java 17 and later (25 here) start.
   */
  @Test
  void testJavaOlderThan17_isOneLineNamingJavaHome() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    Path release = tools.resolve("jdk/release");

    for (String old : java.util.List.of("1.8.0_392", "11.0.21", "16", "16-ea", "9-ea")) {
      Files.writeString(release, "JAVA_VERSION=\"" + old + "\"\n");
      ProcessResult run = launch("--version");
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stdout()).as("java never ran").isEmpty();
      assertThat(run.stderr()).isEqualTo("hostpki: needs Java 17 or later, but JAVA_HOME=" + tools.resolve("jdk") + " is Java "
          + old + "; set JAVA_HOME to a Java 17 or later (or unset it for the java on PATH)\n");
    }
    for (String fine : java.util.List.of("17.0.15", "25", "26-ea")) {
      Files.writeString(release, "JAVA_VERSION=\"" + fine + "\"\n");
      assertThat(launch("--version").stdout()).as(fine).startsWith("java ");
    }
  }

  /**
   * In a German or Turkish locale the JVM got the system's reasons for file errors translated
   * ("cannot write standard output (Auf dem Gerät ist kein Speicherplatz mehr verfügbar)"), which
   * hostpki's own advice for a full disk or a link loop is keyed on in English. Java runs with
   * LANGUAGE=C; HOSTPKI_LANGUAGE keeps the caller's for the hooks (EnvironmentTest).
   */
  @Test
  void testLanguage_isCForJavaAndTheCallersIsKept() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\necho \"$LANGUAGE ${HOSTPKI_LANGUAGE-unset}\"\n");

    ProcessResult unset = Command.of("/usr/bin/env", "-u", "LANGUAGE", top.resolve("bin/hostpki").toString(), "--version")
        .in(top).env(env).timeout(Command.LONG_GUARD).run();
    assertThat(unset.stdout()).as(unset.toString()).isEqualTo("C \n");
    env = new java.util.HashMap<>(env);
    env.put("LANGUAGE", "de:en");
    assertThat(launch("--version").stdout()).isEqualTo("C =de:en\n");
    env.put("LANGUAGE", "");
    assertThat(launch("--version").stdout()).isEqualTo("C =\n");
  }

  /**
   * TMPDIR set to a folder that is gone (a removed session's /run/user/UID, a typo): every run
   * printed "mktemp: failed to create directory via template ..." and made no start-up archive,
   * so the next run tried again. The archive is trained in /tmp then, without a word.
   */
  @Test
  void testTmpdirGone_startUpArchiveIsMadeInTmpQuietly() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    Files.createDirectories(top.resolve("src/cds"));
    // A Java that writes the archive it is asked for.
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\nfor a; do case $a in -XX:ArchiveClassesAtExit=*) "
        + "echo archive > \"${a#*=}\" ;; esac; done\n");
    env = new java.util.HashMap<>(env);
    env.put("HOSTPKI_CDS", "on");
    env.put("TMPDIR", top.resolve("gone").toString());

    ProcessResult run = launch("--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).isEmpty();
    assertThat(top.resolve("target/hostpki.jsa")).hasContent("archive");
  }

  /**
   * Run by a user who may enter the current folder but not list it (0711, another user's home,
   * sudo -u from /root's subfolders): the JVM went into /tmp/hsperfdata_USER to make its
   * monitoring file and could not open "." to come back, so 'validate host.yaml' was "no such
   * file" and 'init -o x.yaml' wrote /tmp/hsperfdata_USER/x.yaml. Java runs without that file.
   */
  @Test
  void testJvm_makesNoPerfDataFileSoItNeverLeavesTheCurrentFolder() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\nprintf ' [%s]' \"$@\"\n");

    assertThat(launch("--version").stdout()).contains(" [-XX:-UsePerfData] ");
  }

  /**
   * JAVA_HOME switched from 17 to 25 (or back) on the same checkout or installation: the start-up
   * archive made by the other JVM was still passed, and a JVM that cannot map it also loses its
   * own base archive (JDK 25 under a 17 archive started a third slower than with none). The
   * archive's header names the JVM that made it; the JDK's release file names this one.
   */
  @Test
  void testStartupArchiveOfAnotherJvm_isNotPassed() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    Path jsa = top.resolve("target/hostpki.jsa");
    Files.write(jsa, ("\0\0\0OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1) for linux-amd64 JRE "
        + "(17.0.15+6-Debian-1deb12u1), built on May  1 2025\0\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.setLastModifiedTime(jsa, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(3600)));
    env = new java.util.HashMap<>(env);
    env.put("HOSTPKI_CDS", "on");
    Path release = tools.resolve("jdk/release");
    String passed = "-XX:SharedArchiveFile=" + jsa + " ";

    Files.writeString(release, "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\n");
    ProcessResult other = launch("--version");
    Files.writeString(release, "IMPLEMENTOR=\"Debian\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6-Debian-1deb12u1\"\n");
    ProcessResult same = launch("--version");
    Files.delete(release);
    ProcessResult unknown = launch("--version");
    Files.writeString(release, "JAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\n");
    Files.write(jsa, new byte[] {0, 1, 2, 'x'});
    Files.setLastModifiedTime(jsa, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(3600)));
    ProcessResult unreadable = launch("--version");

    assertThat(other.exitCode()).as(other.toString()).isZero();
    assertThat(other.stdout()).as("made by 17, run by 25").doesNotContain("SharedArchiveFile");
    assertThat(same.stdout()).as("made and run by 17").contains(passed);
    assertThat(unknown.stdout()).as("a JDK without a release file: kept").contains(passed);
    assertThat(unreadable.stdout()).as("a header not in the known form: left to the JVM").contains(passed);
    assertThat(jsa).as("another JVM's archive is remade, never just removed").exists();
  }

  /**
   * In the C locale (systemd's, cron's) the JVM took every non-ASCII argument and file name for
   * ASCII: 'validate zertifikäte.yaml' was "internal error: InvalidPathException".
   */
  @Test
  void testCLocale_becomesCUtf8ButAnLcAllSetOnPurposeStays() throws Exception {
    assertLocaleForJava(Map.of("", "LC_CTYPE=C.UTF-8 LC_ALL=", "LANG=C", "LC_CTYPE=C.UTF-8 LC_ALL=", "LANG=POSIX",
        "LC_CTYPE=C.UTF-8 LC_ALL=", "LANG=de_DE.UTF-8", "LC_CTYPE= LC_ALL=", "LC_CTYPE=C", "LC_CTYPE=C.UTF-8 LC_ALL=",
        "LC_ALL=C", "LC_CTYPE= LC_ALL=C"));
  }

  /**
   * Runs the launcher with each VARIABLE=VALUE (none of this JVM's locale variables, on a system
   * with de_DE.UTF-8 but not tr_TR.UTF-8) and checks the LC_CTYPE and LC_ALL Java gets.
   */
  private void assertLocaleForJava(Map<String, String> cases) throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\necho \"LC_CTYPE=$LC_CTYPE LC_ALL=$LC_ALL\"\n");
    script(tools.resolve("locale"), "#!/bin/sh\ncase \"$LC_ALL $LC_CTYPE $LC_MESSAGES $LANG\" in *tr_TR*)"
        + " echo 'locale: Cannot set LC_ALL to default locale: No such file or directory' >&2 ;; esac\necho LANG=\n");
    Map<String, String> plain = env;
    for (var c : cases.entrySet()) {
      env = new java.util.HashMap<>(plain);
      env.putAll(Map.of("LANG", "", "LC_CTYPE", "", "LC_ALL", "", "LC_MESSAGES", ""));
      if (!c.getKey().isEmpty()) {
        env.put(c.getKey().split("=")[0], c.getKey().split("=", 2)[1]);
      }
      assertThat(launch("--version").stdout()).as(c.getKey()).isEqualTo(c.getValue() + "\n");
    }
    env = plain;
  }
  /**
   * A umask that takes the owner's own bits: under 0400 or 0777 a new store's folder was one its
   * owner could not list (the next runs said "permission denied ... run hostpki as the store's
   * owner" to the owner) and its keys were 0000. The owner's bits are given back; the group's and
   * others' stay.
   */
  @Test
  void testUmaskWithoutTheOwnersBits_givesThemBack() throws Exception {
    Files.createDirectories(top.resolve("target"));
    Files.writeString(top.resolve("target/hostpki-0.1.0.jar"), "");
    script(tools.resolve("jdk/bin/java"), "#!/bin/sh\numask\n");

    for (var c : Map.of("0777", "0077", "0400", "0000", "0027", "0027", "0000", "0000", "0177", "0077").entrySet()) {
      ProcessResult run = Command.of("sh", "-c", "umask " + c.getKey() + " && exec \"$0\" --version",
          top.resolve("bin/hostpki").toString()).in(top).env(env).timeout(Command.LONG_GUARD).run();
      assertThat(run.stdout()).as(c.getKey() + ": " + run).isEqualTo(c.getValue() + "\n");
    }
  }

  /**
   * A JVM that cannot start (a ulimit -v too small for its heap, a JAVA_TOOL_OPTIONS or
   * HOSTPKI_JAVA_OPTS with -Xmx1m) printed "Error occurred during initialization of VM" on
   * stdout, into what `status --output json` and a Nagios check read. The real Java: its start
   * fails before it loads the jar's (missing) main class.
   */
  @Test
  void testJvmThatCannotStart_saysSoOnStderrOnly() throws Exception {
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, "org.hostpki.cli.Main");
    try (var jar = new java.util.jar.JarOutputStream(
        Files.newOutputStream(Files.createDirectories(top.resolve("target")).resolve("hostpki-0.1.0.jar")), manifest)) {
      jar.flush();
    }
    env = new java.util.HashMap<>(env);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("HOSTPKI_JAVA_OPTS", "-Xmx1m");

    ProcessResult run = launch("status", "--output", "json");

    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.stdout()).as(run.toString()).isEmpty();
    assertThat(run.stderr()).contains("Too small maximum heap");
  }

  /**
   * A locale the system lacks (LANG=tr_TR.UTF-8 sent by ssh, LC_ALL=en_US.UTF-8 from a script, a
   * LC_MESSAGES of one never generated) is C to glibc and the JVM, ASCII:
   * 'validate zertifikäte.yaml' was refused "in a UTF-8 locale" by name. `locale` complains then,
   * and the launcher runs in C.UTF-8; a locale the system has, and an LC_ALL=C, stay.
   */
  @Test
  void testLocaleTheSystemLacks_becomesCUtf8() throws Exception {
    assertLocaleForJava(Map.of("LANG=tr_TR.UTF-8", "LC_CTYPE= LC_ALL=C.UTF-8", "LC_ALL=tr_TR.UTF-8",
        "LC_CTYPE= LC_ALL=C.UTF-8", "LC_MESSAGES=tr_TR.UTF-8", "LC_CTYPE=C.UTF-8 LC_ALL=C.UTF-8",
        "LC_ALL=de_DE.UTF-8", "LC_CTYPE= LC_ALL=de_DE.UTF-8"));
    // The real locale, where there is one, with a name no system has.
    Files.delete(tools.resolve("locale"));
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/locale")), "no locale command");
    env = new java.util.HashMap<>(env);
    env.putAll(Map.of("LANG", "xx_XX.UTF-8", "LC_CTYPE", "", "LC_ALL", "", "LC_MESSAGES", ""));
    assertThat(launch("--version").stdout()).isEqualTo("LC_CTYPE= LC_ALL=C.UTF-8\n");
  }

  /**
   * Found in the watch endurance trial (bench/watch-endurance.sh): an idle watch held ~190 MB
   * resident for ~15 MB of live heap, Java's initial heap (1/64 of memory) touched by its young
   * collections; from -Xms16m it held ~75 MB. Only watch starts small (a one-off run would collect
   * more often as its heap grows), and HOSTPKI_JAVA_OPTS, after it, still decides.
   */
  @Test
  void testWatch_startsWithASmallHeapThatHostpkiJavaOptsOverrides() throws Exception {
    maven(true);

    ProcessResult watch = launch("--no-color", "watch", "-f", "plan");
    ProcessResult plan = launch("plan", "-f", "watch");
    env = new java.util.HashMap<>(env);
    env.put("HOSTPKI_JAVA_OPTS", "-Xms64m");
    ProcessResult own = launch("watch");

    assertThat(watch.stdout()).as(watch.toString()).contains(" -Xms16m ").endsWith(" --no-color watch -f plan\n");
    assertThat(plan.stdout()).as(plan.toString()).doesNotContain("-Xms");
    assertThat(own.stdout()).as(own.toString()).containsSubsequence(" -Xms16m ", " -Xms64m ", " watch\n");
  }
}
