package org.hostpki.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.Cli;
import org.hostpki.docs.DocBlocks.Hidden;
import org.hostpki.docs.DocBlocks.Run;
import org.hostpki.docs.DocBlocks.Skip;
import org.hostpki.docs.DocBlocks.Step;
import org.hostpki.docs.DocBlocks.WriteFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documents run as written: every shell block of the README, the guide, the fleet page, the
 * systemd example's README and the Ansible collection's README, in order, each
 * document in a bash session of its own, and what they print is compared with what the document
 * shows ({@link DocBlocks} is the format, {@link DocOutput} what the comparison ignores). Blocks
 * marked to skip are printed with their reason.
 *
 * <p>Each document runs as root in private namespaces, so that it may do what it tells a reader
 * to do — install into /opt and /usr/local, write /etc/hostpki, start a device on port 8443 —
 * without changing the machine: mount (/etc, /var, /opt, /usr and /srv are overlays of the
 * machine's on a tmpfs; /tmp and /home are empty tmpfs), UTS (the host is {@code portal}), network
 * (one interface with 192.0.2.10; loopback; no way out) and PID (every process it started ends with
 * it). HOME is a fresh account's, /home/op; the session starts in /home/op/hostpki, a copy of this
 * checkout's tracked files with the built {@code target/} and the release archives beside it.
 *
 * <p>Cheap enough for every build: the {@code hostpki} commands of a session run in one JVM
 * ({@link DocHostpkiServer}) — the hostpki a reader's shell would find (the checkout's launcher,
 * or the one the document installed) must exist, and {@code version} and runs under {@code
 * faketime} start that launcher for real. Each document prints the CPU time of its sandbox.
 */
class DocsIT {
  /** The documents whose shell blocks run. */
  static final List<String> DOCUMENTS =
      List.of(
          "README.md",
          "docs/guide.md",
          "docs/fleet.md",
          "examples/systemd/README.md",
          "ansible/ansible_collections/hostpki/pki/README.md");

  private static final long SESSION_MINUTES = 5;

  private Path work;

  static Stream<String> documents() {
    return DOCUMENTS.stream();
  }

  private static Duration cpuAtStart = Duration.ZERO;

  @BeforeAll
  static void noteCpu() {
    cpuAtStart = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  @AfterAll
  static void reportCpu() {
    ProcessHandle.current().info().totalCpuDuration().ifPresent(
        d -> System.out.printf(
            "DocsIT: %.1f s CPU in the test's JVM (besides the sandboxes)%n", d.minus(cpuAtStart).toMillis() / 1000.0));
  }

  @AfterEach
  void removeWork() throws IOException {
    if (work != null && !Boolean.getBoolean("hostpki.docs.keep")) {
      delete(work);
    }
  }

  @ParameterizedTest
  @MethodSource("documents")
  void testDocument_runsAsWritten(String document) throws Exception {
    Tool.UNSHARE.require();
    Tool.IP.require();
    Path project = Cli.projectDir();
    String markdown = Files.readString(project.resolve(document), StandardCharsets.UTF_8);
    List<Step> steps = DocBlocks.parse(document, markdown);
    for (Step s : steps) {
      if (s instanceof Skip skip) {
        System.out.println("SKIPPED " + document + ":" + skip.line() + " (" + skip.reason() + "): "
            + skip.script().lines().findFirst().orElse(""));
      }
    }
    if (steps.stream().noneMatch(s -> s instanceof Run)) {
      return; // nothing to run: only illustrations and skipped blocks
    }
    work = Files.createTempDirectory(Files.createDirectories(project.resolve("target/docs-it")), "run-");
    prepare(project, steps, !document.equals("README.md"));

    Process session =
        new ProcessBuilder(
                "unshare", "--mount", "--uts", "--net", "--pid", "--fork", "--mount-proc",
                "--propagation", "private", "bash", work.resolve("sandbox.sh").toString(), work.toString(),
                project.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("session.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!session.waitFor(SESSION_MINUTES, TimeUnit.MINUTES)) {
      session.destroyForcibly();
      session.waitFor(1, TimeUnit.MINUTES);
      fail(document + " did not finish within " + SESSION_MINUTES + " minutes; the session log:\n" + log());
    }
    assertThat(session.exitValue()).as("the sandbox of " + document + ":\n" + log()).isZero();
    System.out.println("DocsIT " + document + ": " + cpu() + " (every process of the sandbox)");

    List<String> failures = new ArrayList<>();
    Map<Integer, Printed> printed = printed(log());
    for (int n = 0; n < steps.size(); n++) {
      check(document, steps.get(n), Optional.ofNullable(printed.get(n))).ifPresent(failures::add);
    }
    assertThat(failures).as(document + " does not run as written").isEmpty();
    assertThat(Files.readAllLines(work.resolve("keys-left")))
        .as(document + " leaves private keys outside a store (play a CA in a mktemp folder, and remove it)")
        .isEmpty();
  }

  /** What a block printed, and its exit code. */
  /** What a block printed, its exit code, and its first command that failed before the last. */
  private record Printed(String output, int exitCode, String failed) {}

  /** The blocks' outputs in the session's log, each between its begin and end lines. */
  private static Map<Integer, Printed> printed(String log) {
    Map<Integer, Printed> blocks = new HashMap<>();
    Matcher m = FRAMED.matcher(log);
    while (m.find()) {
      String output = m.group(2);
      blocks.put(Integer.parseInt(m.group(1)), new Printed(output, Integer.parseInt(m.group(3)), m.group(4)));
    }
    return blocks;
  }

  private static final Pattern FRAMED =
      Pattern.compile("@@doc-test-begin (\\d+)\n(.*?)\n@@doc-test-end \\1 (\\d+) ([^\n]*)\n", Pattern.DOTALL);

  /** What is wrong with a step, if anything. */
  private static Optional<String> check(String document, Step step, Optional<Printed> printed) {
    if (!(step instanceof Run) && !(step instanceof Hidden)) {
      return Optional.empty();
    }
    String where = document + ":" + step.line();
    if (printed.isEmpty()) {
      return Optional.of(where + ": the block did not run (did an earlier block end the session?)");
    }
    if (step instanceof Run run && run.expected().isPresent()) {
      return DocOutput.difference(run.expected().get().text(), printed.get().output())
          .map(d -> where + ": the output at line " + run.expected().get().line() + " differs\n" + d);
    }
    if (printed.get().exitCode() != 0) {
      return Optional.of(where + ": exit " + printed.get().exitCode() + "\n" + indent(printed.get().output()));
    }
    if (!printed.get().failed().isEmpty()) {
      // the block's status is its last command's: a failed sha256sum -c before a working
      // 'hostpki version' went unnoticed
      return Optional.of(where + ": a command failed before the last (" + printed.get().failed() + ")\n"
          + indent(printed.get().output()));
    }
    return Optional.empty();
  }

  /**
   * The session's files: the checkout copy, the blocks, the script, the sandbox. With {@code
   * downloaded}, the release archives lie in the checkout's top folder too, as a reader of the guide
   * who downloaded a release has them in the working directory; the README is read in a checkout,
   * where they are in target/ alone (its Install section once ran them from the top folder).
   */
  private void prepare(Path project, List<Step> steps, boolean downloaded) throws IOException, InterruptedException {
    copyTrackedFiles(project, work.resolve("checkout"));
    Path target = project.resolve("target");
    Files.createSymbolicLink(work.resolve("checkout/target"), target);
    try (Stream<Path> built = Files.list(target).filter(p -> downloaded)) {
      for (Path p : built.filter(p -> p.getFileName().toString().matches("hostpki[-_].*\\.(tar\\.gz|deb)(\\.sha256)?")).toList()) {
        Files.createSymbolicLink(work.resolve("checkout").resolve(p.getFileName()), p);
      }
    }
    Path shim = Files.createDirectories(work.resolve("shim")).resolve("hostpki");
    Files.writeString(shim, DocHostpkiServer.CLIENT);
    shim.toFile().setExecutable(true, false);
    Files.writeString(
        work.resolve("server.classpath"),
        project.resolve("target/test-classes") + File.pathSeparator + builtJar(target));
    Files.createDirectories(work.resolve("blocks"));
    StringBuilder script = new StringBuilder();
    script.append("cd /home/op/hostpki\n");
    for (int n = 0; n < steps.size(); n++) {
      Step s = steps.get(n);
      if (s instanceof Run r) {
        Files.writeString(work.resolve("blocks/" + n), r.script());
        script.append("doc_block ").append(n).append('\n');
      } else if (s instanceof Hidden h) {
        Files.writeString(work.resolve("blocks/" + n), h.script());
        script.append("doc_block ").append(n).append('\n');
      } else if (s instanceof WriteFile f) {
        Files.writeString(work.resolve("blocks/" + n), f.text());
        script.append(f.merge() ? "doc_merge " : "doc_file ").append(n).append(' ').append(quote(f.path())).append('\n');
      }
    }
    Files.writeString(work.resolve("session.sh"), SESSION + script);
    Files.writeString(work.resolve("merge.py"), MERGE);
    Files.writeString(work.resolve("sandbox.sh"), SANDBOX);
  }

  /** The files git tracks (this test's own inputs excluded), else the folders documents use. */
  private static void copyTrackedFiles(Path project, Path copy) throws IOException, InterruptedException {
    List<String> files = new ArrayList<>();
    Process git =
        new ProcessBuilder("git", "-C", project.toString(), "ls-files", "-z", "--", ".", ":!src")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String listed = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (git.waitFor() == 0 && !listed.isEmpty()) {
      for (String f : listed.split("\0")) {
        if (!f.isEmpty()) {
          files.add(f);
        }
      }
    } else {
      for (String folder : List.of("bin", "docs", "examples", "schema", "ansible")) {
        try (Stream<Path> walk = Files.walk(project.resolve(folder))) {
          walk.filter(Files::isRegularFile).forEach(p -> files.add(project.relativize(p).toString()));
        }
      }
      files.addAll(List.of("README.md", "LICENSE", "pom.xml"));
    }
    for (String f : files) {
      Path from = project.resolve(f);
      if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
        Path to = copy.resolve(f);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** The jar the build made (its manifest names the dependencies in target/lib). */
  private static Path builtJar(Path target) throws IOException {
    try (Stream<Path> jars = Files.list(target)) {
      return jars.filter(p -> p.getFileName().toString().matches("hostpki-[0-9.]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IOException("no hostpki jar in " + target + ": run mvn package first"));
    }
  }

  /** The CPU time the sandbox's processes took, as bash's {@code times} reports it. */
  private String cpu() throws IOException {
    List<String> lines = Files.readAllLines(work.resolve("cpu"));
    Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s").matcher(lines.get(lines.size() - 1));
    if (!m.find()) {
      return "CPU unknown (" + lines + ")";
    }
    double user = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
    double system = Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    return String.format("%.1f s CPU (user %.1f s, system %.1f s)", user + system, user, system);
  }

  private String log() {
    try {
      return Files.readString(work.resolve("session.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw new UncheckedIOException(e);
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Inside the namespaces, as root: the machine's system folders as overlays, a fresh /tmp and
   * /home, the host portal with the address 192.0.2.10 in example.com, then the session as a
   * fresh login of its own.
   */
  private static final String SANDBOX =
      """
      set -eu
      work=$1
      project=$2
      case $project in
        /home/op|/home/op/*) echo "DocsIT: the project may not be under /home/op, the walkthrough's HOME" >&2; exit 1 ;;
      esac
      # The project (its target/ holds this run's files and the classpath) may be under /mnt, /tmp
      # or /home, which are covered below (a clone in /tmp is common): held open now, bound back
      # at its own path after.
      exec 9<"$project"
      scratch=/mnt
      mount -t tmpfs tmpfs "$scratch"
      for d in etc var opt usr srv; do
        mkdir -p "$scratch/$d.upper" "$scratch/$d.work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=$scratch/$d.upper,workdir=$scratch/$d.work" "/$d"
      done
      mount -t tmpfs tmpfs /tmp
      mount -t tmpfs tmpfs /home
      case $project in
        /mnt/*|/tmp/*|/home/*) mkdir -p "$project" && mount --no-canonicalize --bind /proc/self/fd/9 "$project" ;;
      esac
      exec 9<&-
      mkdir -p "$scratch/out"
      # the JVM that runs the session's hostpki commands (DocHostpkiServer)
      java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr \
        -cp "$(cat "$work/server.classpath")" org.hostpki.docs.DocHostpkiServer "$scratch/hostpki.sock" \
        > "$work/server.log" 2>&1 &
      server=$!
      hostname portal
      ip link set lo up
      if ip link add hp0 type dummy 2>/dev/null; then :
      else ip link add hp0 type veth peer name hp1 && ip link set hp1 up
      fi
      ip link set hp0 up
      ip addr add 192.0.2.10/24 dev hp0
      rm -f /etc/resolv.conf
      printf 'search example.com\\n' > /etc/resolv.conf
      printf '127.0.0.1 localhost\\n192.0.2.10 portal.example.com portal\\n' > /etc/hosts
      rm -rf /home/op
      mkdir -p /home/op
      cp -a "$work/checkout" /home/op/hostpki
      cd /home/op
      until [ -S "$scratch/hostpki.sock" ]; do sleep 0.05; done
      rc=0
      env -i HOME=/home/op USER=root LOGNAME=root LANG=C.UTF-8 SHELL=/bin/bash \\
        PATH="$work/shim:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \\
        DOC_WORK="$work" DOC_OUT="$scratch/out" DOC_SHIM="$work/shim" DOC_HOSTPKI_SOCKET="$scratch/hostpki.sock" bash --noprofile --norc "$work/session.sh" || rc=$?
      kill "$server" && wait "$server" || true
      # private keys the walkthroughs left where a reader keeps things: outside a hostpki store
      # (a folder with ..data, or a generation in one), in the checkout or under /etc
      find /home/op/hostpki /etc/hostpki -name '*.key' 2>/dev/null | while read -r key; do
        dir=$(dirname -- "$key")
        [ -e "$dir/..data" ] || [ -e "$(dirname -- "$dir")/..data" ] || printf '%s\n' "$key"
      done > "$work/keys-left"
      times > "$work/cpu"
      exit "$rc"
      """;

  /**
   * The session: each block sourced in this shell (a cd or export carries over), its output and
   * exit code printed between marker lines; files written as a reader saves them.
   */
  private static final String SESSION =
      """
      # The shim stays first on PATH, before a PATH a block sets (export PATH="$PWD/bin:$PATH"):
      # it runs the hostpki such a PATH finds, in the session's JVM.
      set -T
      trap 'case $PATH in "$DOC_SHIM":*) ;; *) PATH="$DOC_SHIM:$PATH" ;; esac' DEBUG
      doc_block() {
        # a command that fails where errexit would stop (not in a condition, not before || or
        # &&) is noted: a block without an output block must not have one
        doc_failed=
        trap 'doc_status=$?; [ -n "$doc_failed" ] || doc_failed="exit $doc_status at line $LINENO: $BASH_COMMAND"' ERR
        . "$DOC_WORK/blocks/$1" > "$DOC_OUT/$1" 2>&1 < /dev/null
        doc_rc=$?
        trap - ERR
        printf '@@doc-test-begin %s\\n' "$1"
        cat "$DOC_OUT/$1"
        printf '\\n@@doc-test-end %s %s %s\\n' "$1" "$doc_rc" "$(printf '%s' "$doc_failed" | tr '\\n' ' ')"
        times > "$DOC_OUT/times"
        printf '%s %s %s\\n' "$1" "$(tail -n 1 "$DOC_OUT/times")" "$EPOCHREALTIME" >> "$DOC_WORK/cpu-blocks"
      }
      doc_file() {
        mkdir -p "$(dirname -- "$2")" && cp -- "$DOC_WORK/blocks/$1" "$2"
      }
      doc_merge() {
        python3 "$DOC_WORK/merge.py" "$DOC_WORK/blocks/$1" "$2"
      }
      """;

  /** A YAML edit as a reader makes it: each top-level key of the snippet replaced or added. */
  private static final String MERGE =
      """
      import re, sys
      def sections(text):
          out, key, lines = [], None, []
          for line in text.splitlines(keepends=True):
              m = re.match(r'^([A-Za-z_][\\w-]*):', line)
              if m:
                  out.append([key, ''.join(lines)])
                  key, lines = m.group(1), [line]
              else:
                  lines.append(line)
          out.append([key, ''.join(lines)])
          return out
      snippet, target = sys.argv[1], sys.argv[2]
      have = sections(open(target).read())
      for key, text in sections(open(snippet).read()):
          if key is None:
              continue
          for s in have:
              if s[0] == key:
                  s[1] = text
                  break
          else:
              if not have[-1][1].endswith('\\n'):
                  have[-1][1] += '\\n'
              have.append([key, text])
      open(target, 'w').write(''.join(s[1] for s in have))
      """;
}
