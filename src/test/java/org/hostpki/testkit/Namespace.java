package org.hostpki.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a command in new Linux namespaces ({@code unshare}, as root), after setup commands that
 * change what only that command sees: a bind mount over a system file, a host name, a network
 * interface with addresses. The machine itself is never changed: the namespaces, and everything
 * set up in them, are gone when the command ends.
 *
 * <p>Where namespaces cannot be made (not root, a kernel or container that forbids them) or a
 * setup step fails, the test is skipped, or fails under CI, by the rule of {@link Prerequisites}.
 * Immutable: each method returns a new value.
 */
public final class Namespace {
  /** What a setup step that fails exits with, and says: the namespace cannot be set up here. */
  private static final int SETUP_IMPOSSIBLE = 77;

  private static final String SETUP_FAILED = "[namespace setup failed]";

  private final Set<String> kinds;
  private final List<String> setup;

  private Namespace(Set<String> kinds, List<String> setup) {
    this.kinds = Set.copyOf(kinds);
    this.setup = List.copyOf(setup);
  }

  /** A private mount namespace ({@code unshare --mount}, propagation private). */
  public static Namespace mount() {
    return new Namespace(Set.of("--mount"), List.of());
  }

  /** New UTS and network namespaces: a host name and interfaces of its own (only loopback, down). */
  public static Namespace host() {
    return new Namespace(Set.of("--uts", "--net"), List.of());
  }

  /**
   * A PID namespace of its own, as a container has ({@code unshare --pid --fork --mount-proc}): the
   * command is its PID 1 and sees no process outside. When unshare is killed, so is the command.
   */
  public static Namespace pid() {
    return new Namespace(
        new LinkedHashSet<>(List.of("--pid", "--fork", "--kill-child", "--mount", "--mount-proc")), List.of());
  }

  /** This namespace with a private mount namespace too. */
  public Namespace withMount() {
    Set<String> all = new LinkedHashSet<>(kinds);
    all.add("--mount");
    return new Namespace(all, setup);
  }

  /**
   * Shell commands run in the namespace, in order, before the command; any that fails means the
   * namespace cannot be set up here. Positional parameters are not available: pass paths in the
   * text (they are test-made temporary paths).
   */
  public Namespace setup(String... shellCommands) {
    List<String> all = new ArrayList<>(setup);
    all.addAll(List.of(shellCommands));
    return new Namespace(kinds, all);
  }

  /** {@code mount --bind SOURCE TARGET}: the command sees {@code source} at {@code target}. */
  public Namespace bind(Path source, Path target) {
    return setup("mount --bind " + quote(source.toString()) + " " + quote(target.toString()));
  }

  /** The kernel host name (UTS namespace). */
  public Namespace hostName(String name) {
    return setup("hostname " + quote(name));
  }

  /**
   * Loopback up, and one more interface {@code hp0} holding the addresses (IPv4 as /24, IPv6 as
   * /64 without duplicate address detection). A dummy link is the simplest; kernels without the
   * dummy module still have veth pairs.
   */
  public Namespace addresses(String... addresses) {
    List<String> steps = new ArrayList<>();
    steps.add("ip link set lo up");
    steps.add(
        "ip link add hp0 type dummy 2>/dev/null"
            + " || { ip link add hp0 type veth peer name hp1 && ip link set hp1 up; }");
    steps.add("ip link set hp0 up");
    for (String a : addresses) {
      steps.add("ip addr add " + a + (a.contains(":") ? "/64 dev hp0 nodad" : "/24 dev hp0"));
    }
    return setup(steps.toArray(String[]::new));
  }

  /** The command, to run inside: {@code unshare KINDS -- sh -c SETUP sh COMMAND...}. */
  public Command wrap(Command command) {
    List<String> prefix = new ArrayList<>();
    prefix.add(Tool.UNSHARE.require().toString());
    prefix.addAll(kinds);
    if (kinds.contains("--mount")) {
      prefix.addAll(List.of("--propagation", "private"));
    }
    StringBuilder script = new StringBuilder();
    for (String step : setup) {
      script.append("{ ").append(step).append("\n} || { echo '").append(SETUP_FAILED)
          .append(" '").append(quote(step)).append(" >&2; exit ").append(SETUP_IMPOSSIBLE).append("; }\n");
    }
    script.append("exec \"$@\"");
    prefix.addAll(List.of("--", "sh", "-c", script.toString(), "sh"));
    return command.under(prefix);
  }

  /**
   * Runs the command inside. Checks first that such namespaces can be made here, and reports a
   * setup that fails as {@linkplain Prerequisites#missing missing}.
   */
  public ProcessResult run(Command command) {
    requireAvailable();
    ProcessResult result = wrap(command).run();
    if (result.exitCode() == SETUP_IMPOSSIBLE && result.stderr().contains(SETUP_FAILED)) {
      Prerequisites.missing("the namespace could not be set up: " + result.stderr().strip());
    }
    return result;
  }

  /** Skips (or under CI fails) the test unless {@code unshare KINDS true} works here. */
  public void requireAvailable() {
    List<String> probe = new ArrayList<>();
    probe.add(Tool.UNSHARE.require().toString());
    probe.addAll(kinds);
    probe.add("true");
    ProcessResult result = Command.of(probe).run();
    if (result.exitCode() != 0) {
      Prerequisites.missing(
          "'unshare " + String.join(" ", kinds) + "' failed (not root?): " + result.output().strip());
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
