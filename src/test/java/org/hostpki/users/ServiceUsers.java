package org.hostpki.users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Real users and groups for tests, without changing the machine: copies of {@code /etc/passwd} and
 * {@code /etc/group} with the users and groups a test adds (say {@code postgres}, {@code haproxy},
 * {@code ssl-cert}, each replacing an entry of the same name the machine may have), which every
 * command run through {@link #run} sees in place of the originals: it runs in a new mount
 * namespace ({@code unshare -m}) where the copies are bind-mounted over {@code /etc/passwd} and
 * {@code /etc/group}. Whatever looks users up there — {@code chown}, {@code setpriv
 * --init-groups}, a JVM's {@code UserPrincipalLookupService}, {@code hostpki} itself — finds the
 * test's users; the machine's own files are never written, and the namespace is gone when the
 * command ends.
 *
 * <p>{@link #runAs} starts a command as one of the users, with that user's groups ({@code setpriv
 * --reuid --regid --init-groups}), and {@link #readableBy} tells which of a list of files that user
 * can read, which is how a test shows that a service user reads exactly the files declared for it
 * and no other.
 *
 * <p>Needs root and a kernel that allows mount namespaces; {@link #unavailableReason()} says why
 * not, for the test to skip. Users get ids from 64000 down that the machine does not use, and
 * {@code /usr/sbin/nologin} as their shell. Every process started is waited for, at most {@link
 * #TIMEOUT}, and killed by its process id (and its descendants) when it takes longer.
 */
public final class ServiceUsers {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int FIRST_ID = 64000;

  private final Path directory;
  private final Path passwd;
  private final Path group;
  /** Lines of the copies by name, in file order; added names replace the machine's. */
  private final Map<String, String[]> users = new LinkedHashMap<>();
  private final Map<String, String[]> groups = new LinkedHashMap<>();
  private final Set<Integer> usedIds = new TreeSet<>();
  private int nextId = FIRST_ID;

  private ServiceUsers(Path directory) {
    this.directory = directory;
    this.passwd = directory.resolve("passwd");
    this.group = directory.resolve("group");
  }

  /** The machine's users and groups, copied into {@code directory}, ready for more. */
  public static ServiceUsers copyOfThisMachine(Path directory) {
    ServiceUsers copy = new ServiceUsers(directory);
    try {
      Files.createDirectories(directory);
      for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
        copy.keep(line, copy.users);
      }
      for (String line : Files.readAllLines(Path.of("/etc/group"), StandardCharsets.UTF_8)) {
        copy.keep(line, copy.groups);
      }
      copy.save();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  /** Whether {@code unshare -m} works here (root, a kernel that allows it); the reason if not. */
  public static String unavailableReason() {
    try {
      Result probe = exec(List.of("unshare", "-m", "--propagation", "private", "true"));
      return probe.exitCode() == 0 ? null : "'unshare -m' failed (not root?): " + probe.output().strip();
    } catch (UncheckedIOException e) {
      return "cannot run unshare: " + e.getMessage();
    }
  }

  /** Adds a group (replacing one of that name) with the given members. */
  public ServiceUsers group(String name, String... members) {
    groups.put(name, new String[] {name, "x", String.valueOf(freeId()), String.join(",", members)});
    save();
    return this;
  }

  /**
   * Adds a user (replacing one of that name) with a primary group of the same name, made too, and
   * membership of {@code supplementary} groups, which must have been added before.
   */
  public ServiceUsers user(String name, String... supplementary) {
    int id = freeId();
    users.put(name, new String[] {name, "x", String.valueOf(id), String.valueOf(id), name, "/nonexistent", "/usr/sbin/nologin"});
    groups.put(name, new String[] {name, "x", String.valueOf(id), ""});
    for (String g : supplementary) {
      String[] entry = groups.get(g);
      if (entry == null) {
        throw new IllegalArgumentException("add the group " + g + " before its member " + name);
      }
      Set<String> members = new LinkedHashSet<>(List.of(entry[3].isEmpty() ? new String[0] : entry[3].split(",")));
      members.add(name);
      entry[3] = String.join(",", members);
    }
    save();
    return this;
  }

  public int uid(String user) {
    return Integer.parseInt(entry(users, user, "user")[2]);
  }

  public int gid(String groupName) {
    return Integer.parseInt(entry(groups, groupName, "group")[2]);
  }

  /** The copy of {@code /etc/passwd}, for code that reads the user database as a file. */
  public Path passwdFile() {
    return passwd;
  }

  /** The copy of {@code /etc/group}. */
  public Path groupFile() {
    return group;
  }

  /**
   * The command line that runs {@code command} in a new mount namespace over the copies, for a
   * test that starts it its own way (a server left running, stopped by its process id).
   */
  public List<String> inNamespace(List<String> command) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "unshare", "-m", "--propagation", "private", "--", "sh", "-c",
                "mount --bind \"$1\" /etc/passwd && mount --bind \"$2\" /etc/group && shift 2 && exec \"$@\"",
                "sh", passwd.toString(), group.toString()));
    all.addAll(command);
    return all;
  }

  /** The command line of {@code command} run as {@code user} (see {@link #runAs}), for {@link #inNamespace}. */
  public static List<String> asUser(String user, List<String> command) {
    List<String> all =
        new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
    all.addAll(command);
    return all;
  }

  /** Runs the command in a new mount namespace over the copies, as root. */
  public Result run(List<String> command) {
    return exec(inNamespace(command));
  }

  public Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs the command as {@code user}, with the user's primary and supplementary groups. */
  public Result runAs(String user, List<String> command) {
    return run(asUser(user, command));
  }

  public Result runAs(String user, String... command) {
    return runAs(user, List.of(command));
  }

  /**
   * Which of the files {@code user} can open for reading (through every directory and link on the
   * way, as a service would), in the order given.
   */
  public List<Path> readableBy(String user, List<Path> files) {
    StringBuilder script = new StringBuilder();
    script.append("for f in \"$@\"; do if head -c0 -- \"$f\" 2>/dev/null && [ -f \"$f\" ]; then echo \"$f\"; fi; done");
    List<String> command = new ArrayList<>(List.of("sh", "-c", script.toString(), "sh"));
    files.forEach(f -> command.add(f.toString()));
    Result result = runAs(user, command).assertSucceeded();
    List<Path> readable = new ArrayList<>();
    for (String line : result.output().split("\n")) {
      if (!line.isBlank()) {
        readable.add(Path.of(line));
      }
    }
    return readable;
  }

  /** What a command printed (standard output and error together) and its exit code. */
  public record Result(List<String> command, int exitCode, String output) {
    public Result assertSucceeded() {
      if (exitCode != 0) {
        throw new AssertionError(command + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  private void keep(String line, Map<String, String[]> into) {
    if (line.isBlank() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
      return;
    }
    String[] fields = line.split(":", -1);
    into.put(fields[0], fields);
    if (fields.length > 2) {
      try {
        usedIds.add(Integer.parseInt(fields[2]));
      } catch (NumberFormatException e) {
        // a damaged line: keep it as it is
      }
    }
  }

  private int freeId() {
    while (usedIds.contains(nextId)) {
      nextId--;
    }
    usedIds.add(nextId);
    return nextId--;
  }

  private static String[] entry(Map<String, String[]> entries, String name, String what) {
    String[] entry = entries.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("no " + what + " " + name + " in the copy");
    }
    return entry;
  }

  private void save() {
    try {
      write(passwd, users);
      write(group, groups);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, Map<String, String[]> entries) throws IOException {
    StringBuilder text = new StringBuilder();
    entries.values().forEach(fields -> text.append(String.join(":", fields)).append('\n'));
    Path temporary = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    temporary.toFile().setReadable(true, false);
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs a command with a bounded wait; output through a file, so no grandchild can hold a pipe. */
  private static Result exec(List<String> command) {
    Path output = null;
    try {
      output = Files.createTempFile("service-users", ".out");
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      process.getOutputStream().close();
      try {
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
          throw new AssertionError(command + " (pid " + process.pid() + ") did not finish within " + TIMEOUT);
        }
      } catch (InterruptedException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while " + command + " ran", e);
      }
      return new Result(List.copyOf(command), process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file left behind
        }
      }
    }
  }

  @Override
  public String toString() {
    return "ServiceUsers[" + directory + "]";
  }
}
