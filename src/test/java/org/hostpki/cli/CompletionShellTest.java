package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Completion as a person meets it: the script from {@code hostpki completion SHELL} loaded into a
 * real interactive bash, zsh and fish in a terminal (tmux), TAB pressed after each line. Offered
 * are exactly the words the commands accept (lowercase), and file names after every option and
 * parameter that takes a file.
 */
@Tag(Tags.INTEROP)
class CompletionShellTest {
  @TempDir Path dir;
  private TmuxTerminal terminal;

  @AfterEach
  void stop() throws Exception {
    if (terminal != null) {
      terminal.close();
    }
  }

  /** A folder to complete in: one file per prefix, so each file completion is unique. */
  private Path workspace() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    for (String file : List.of("host.yaml", "saved-plan.json", "request.csr", "new-plan.json", "copy.pem", "-dash.yaml", "my host.yaml")) {
      Files.writeString(work.resolve(file), "");
    }
    Files.createDirectories(work.resolve("conf"));
    return work;
  }

  private Path script(String shell) throws Exception {
    return CompletionCommandTest.completionScript(dir, shell);
  }

  private void start(List<String> command) throws Exception {
    Tool.TMUX.require();
    terminal = TmuxTerminal.start(dir.resolve("tmux.sock"), workspace(), command);
    terminal.waitFor("the prompt", s -> TmuxTerminal.lastLine(s).startsWith("$"));
  }

  /** Types a line, presses TAB and returns the screen once {@code expected} shows on it. */
  private String complete(String line, String expected) throws Exception {
    terminal.press("C-u");
    terminal.press("C-l");
    terminal.waitFor("an empty prompt", s -> s.strip().equals("$"));
    terminal.type(line);
    terminal.press("Tab");
    return terminal.waitFor("'" + expected + "' after '" + line + "'", s -> s.contains(expected));
  }

  /** The checks every shell must pass; the shells differ only in how they list candidates. */
  private void assertCompletes() throws Exception {
    String export = complete("hostpki export -f x ", "trust-bundle");
    assertThat(export).contains("ca-cert", "server-cert", "server-chain", "csr").doesNotContain("CA_CERT", "TRUST_BUNDLE");

    String replace = complete("hostpki plan --replace ", "server");
    assertThat(replace).contains("ca").doesNotContain("SERVER");

    complete("hostpki completion ", "fish");
    complete("hostpki validate --output ", "github");

    // file names after -f, --plan, --csr, --out, -o and for validate's FILE
    complete("hostpki plan -f ho", "hostpki plan -f host.yaml");
    complete("hostpki apply -f host.yaml --plan sa", "--plan saved-plan.json");
    complete("hostpki sign -f host.yaml --csr re", "--csr request.csr");
    complete("hostpki plan -f host.yaml --out ne", "--out new-plan.json");
    complete("hostpki export -f host.yaml ca-cert -o cop", "-o copy.pem");
    complete("hostpki validate con", "hostpki validate conf/");
    complete("hostpki validate ho", "hostpki validate host.yaml");

    // export takes FILE before WHAT too: WHAT is offered after the file, files after WHAT
    String whatAfterFile = complete("hostpki export host.yaml ", "trust-bundle");
    assertThat(whatAfterFile).contains("ca-cert", "server-chain").doesNotContain("copy.pem");
    complete("hostpki export ca-cert ho", "hostpki export ca-cert host.yaml");
    // a name with a space, escaped
    complete("hostpki status my", "hostpki status my\\ host.yaml");

    complete("hostpki ver", "hostpki version");
    complete("hostpki status --no-c", "--no-color");
  }

  @Test
  void testBash_offersAcceptedWordsAndFileNames() throws Exception {
    Tool.BASH.require();
    Path rc = dir.resolve("bashrc");
    Files.writeString(
        rc,
        "PS1='$ '\nbind 'set show-all-if-ambiguous on'\nbind 'set completion-query-items 0'\n"
            + "source " + script("bash") + "\n");
    start(List.of("env", "HOME=" + dir, "bash", "--noprofile", "--rcfile", rc.toString(), "-i"));

    assertCompletes();
    // -o: two files start with "co" (copy.pem, conf/), both are listed
    String out = complete("hostpki export -f host.yaml ca-cert -o co", "copy.pem");
    assertThat(out).contains("conf/");
    // after --, a word starting with '-' is a file, not an option
    complete("hostpki validate -- -d", "hostpki validate -- -dash.yaml");
  }

  @Test
  void testZsh_offersAcceptedWordsAndFileNames() throws Exception {
    Tool.ZSH.require();
    // No compinit here: the sourced script loads it, as the help says.
    Files.writeString(dir.resolve(".zshrc"), "PROMPT='$ '\nsource " + script("zsh") + "\n");
    start(List.of("env", "HOME=" + dir, "ZDOTDIR=" + dir, "zsh", "-i"));

    assertCompletes();
    String commands = complete("hostpki s", "sign");
    assertThat(commands).contains("-- On the CA host: sign another host's certificate request");
  }

  @Test
  void testFish_offersAcceptedWordsAndFileNames() throws Exception {
    Tool.FISH.require();
    start(
        List.of(
            "env", "HOME=" + dir, "XDG_CONFIG_HOME=" + dir.resolve("config"), "XDG_DATA_HOME=" + dir.resolve("data"),
            "fish", "--no-config", "--init-command",
            "function fish_prompt; echo '$ '; end; source " + script("fish")));

    assertCompletes();
    String options = complete("hostpki plan --rep", "--replace");
    assertThat(TmuxTerminal.lastLine(options)).contains("hostpki plan --replace");
  }
}
