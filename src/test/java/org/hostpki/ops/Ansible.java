package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;

/**
 * The real {@code ansible-playbook} run in a scratch directory with this checkout's collection
 * and {@code bin/hostpki}, reporting through the json callback.
 */
public final class Ansible {
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();

  /**
   * @param dir the scratch directory: the inventory, playbooks and hosts' files live there
   * @param forks how many hosts ansible works on at once
   */
  public Ansible(Path dir, int forks) {
    this.dir = dir;
    env.put("ANSIBLE_COLLECTIONS_PATH", Cli.projectDir().resolve("ansible").toString());
    env.put("ANSIBLE_STDOUT_CALLBACK", "json");
    env.put("ANSIBLE_NOCOLOR", "1");
    env.put("ANSIBLE_LOCAL_TEMP", dir.resolve(".ansible/local").toString());
    env.put("ANSIBLE_REMOTE_TEMP", dir.resolve(".ansible/remote").toString());
    env.put("ANSIBLE_FORKS", Integer.toString(forks));
    env.put("LC_ALL", "C.UTF-8"); // ansible refuses a non-UTF-8 locale
    env.put("JAVA_HOME", System.getProperty("java.home"));
  }

  /** Copies the test resource directory {@code src/test/resources/NAME} into the scratch directory. */
  public void copyResources(String name) throws IOException {
    Path source = Cli.projectDir().resolve("src/test/resources").resolve(name);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path target = dir.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Runs a playbook over {@code inventory.ini} and returns the json callback's report. */
  public JsonNode playbook(String playbook, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("ansible-playbook", "-i", "inventory.ini", playbook));
    command.add("-e");
    command.add("hostpki=" + Cli.projectDir().resolve("bin/hostpki"));
    command.addAll(List.of(options));
    ProcessResult run = Command.of(command).in(dir).env(env).timeout(Command.LONG_GUARD).run();
    assertThat(run.stdout()).as(run.toString()).startsWith("{");
    return JsonMapper.builder().build().readTree(run.stdout());
  }

  /** Runs another ansible program (ansible-doc, …) with the same environment. */
  public ProcessResult run(String... command) throws Exception {
    return Command.of(List.of(command)).in(dir).env(env).timeout(Command.LONG_GUARD).run();
  }

  /** The play recap of {@code host}. */
  public static JsonNode stats(JsonNode report, String host) {
    return report.path("stats").path(host);
  }
}
