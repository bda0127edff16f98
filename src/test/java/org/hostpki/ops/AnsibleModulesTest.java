package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * The collection's own Python unit tests ({@code tests/unit} of {@code hostpki.pki}: the modules'
 * logic with a stand-in hostpki, and their documentation against their argument specs as
 * ansible-test's validate-modules checks it), run with the Python that runs {@code
 * ansible-playbook}. One process, well under a second; the real hostpki under the real {@code
 * ansible-playbook} is {@link AnsiblePlaybookIT}'s.
 */
class AnsibleModulesTest {
  @Test
  void testTheCollectionsUnitTests_pass() throws Exception {
    Path collection = Cli.projectDir().resolve("ansible/ansible_collections/hostpki/pki");
    List<String> command = new ArrayList<>(interpreterOf(Tool.ANSIBLE_PLAYBOOK.require()));
    command.addAll(List.of("-m", "unittest", "discover", "-s", "tests/unit/plugins/modules"));

    ProcessResult run = Command.of(command).in(collection)
        .env("PYTHONDONTWRITEBYTECODE", "1") // no __pycache__ in the collection's tree
        .env("LC_ALL", "C.UTF-8")
        .run();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).as(run.toString()).containsPattern("Ran [1-9][0-9]* tests").contains("\nOK");
  }

  /** The interpreter on a script's {@code #!} line ({@code /usr/bin/python3}, or {@code /usr/bin/env python3}). */
  private static List<String> interpreterOf(Path script) throws Exception {
    String first = Files.readAllLines(script.toRealPath()).get(0);
    assertThat(first).as(script.toString()).startsWith("#!");
    return List.of(first.substring(2).trim().split("\\s+"));
  }
}
