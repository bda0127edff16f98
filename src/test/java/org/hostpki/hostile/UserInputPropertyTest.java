package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.assertj.core.api.SoftAssertions;
import org.hostpki.model.TerminalText;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random command lines and randomly edited saved plans against a good store, from fixed seeds:
 * whatever the input, the exit code is one of the contract's (0, 1, 2, 3, 64), no stack trace or
 * internal error is shown (without {@code --debug}), nothing printed holds a raw control
 * character, and a run that fails leaves the folder exactly as it was. A build tries {@value
 * #TRIES} command lines and {@value #PLAN_EDITS} plans; {@code -Dhostpki.fuzz.tries=N} (and
 * {@code -Dhostpki.fuzz.seed=S}) runs a longer campaign.
 */
@Tag(Tags.SLOW)
class UserInputPropertyTest {
  static final int TRIES = 60;
  static final int PLAN_EDITS = 10;

  /** The commands that neither wait (watch) nor reach the network (fetch-cert). */
  private static final List<String> COMMANDS = List.of("init", "validate", "plan", "apply", "status", "check",
      "export", "history", "rollback", "sign", "revoke", "inspect", "version", "completion", "help");
  private static final List<String> OPTIONS = List.of("--", "--cert", "--chain", "--check", "--critical", "--csr",
      "--debounce", "--debug", "--der", "--detailed-exitcode", "--file", "--format", "--help", "--interval", "--json",
      "--lock-timeout", "--nagios", "--names", "--no-color", "--out", "--output", "--password-env",
      "--password-file", "--plan", "--reason", "--replace", "--revoke-old", "--serial", "--servername",
      "--timeout", "--to", "--unattended", "--validity", "--version", "-V", "-f", "-h", "-o", "--output=json",
      "-fhost.yaml", "--replace=ca", "--lock-timeout=0");
  private static final List<String> VALUES = List.of("host.yaml", "pki", "json", "text", "0", "-1", "1s",
      "99999999999999999999d", "ca", "server", "all", "ca-cert", "server-cert", "truststore", "csr", "nothere", "",
      " ", "\u001b[31mred", "a\nb", "\u202eevil", "\0", "/dev/zero", "/dev/null", "pki/..data", "1e99999999999",
      "NaN", "P1D", "@host.yaml", "bash", "keyCompromise", "00ff", "0x10", "saved.json", "\uD800", "€",
      "9223372036854775808", "1ms", "2h", "x".repeat(5000), "prometheus", "pem", "der", "p12");
  /** What an edit puts into a saved plan. */
  private static final List<String> TEXTS = List.of("", "\u001b[2J", "a\nb", "\u202e", "2", "1", "server", "ca",
      "replace", "delete", "x".repeat(20_000), "\0", "\uD800");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @TempDir static Path template;
  @TempDir Path dir;

  private static boolean machineHadConfig;
  private static boolean machineHadStore;

  @BeforeAll
  static void makeGoodStore() throws Exception {
    machineHadConfig = Files.exists(Path.of("/etc/hostpki"), LinkOption.NOFOLLOW_LINKS);
    machineHadStore = Files.exists(Path.of("/var/lib/hostpki"), LinkOption.NOFOLLOW_LINKS);
    GoodStore.build(template);
  }

  @Test
  void testRandomCommandLines_keepTheContract() throws Exception {
    Random random = new Random(Long.getLong("hostpki.fuzz.seed", 14));
    Workspace w = Workspace.copyOf(template, dir.resolve("0"), GoodStore.CLOCK, GoodStore.PROBE);
    SortedMap<String, String> before = w.snapshot();
    SoftAssertions softly = new SoftAssertions();
    for (int i = 1; i <= Integer.getInteger("hostpki.fuzz.tries", TRIES); i++) {
      List<String> args = commandLine(random);
      // A command line without -f goes to HOSTPKI_CONFIG, else /etc/hostpki/host.yaml: `init`
      // wrote the machine's own file there, and `apply` made /var/lib/hostpki/pki (found on the
      // session's machine). Every command of this test stays in its folder.
      Map<String, String> environment = new HashMap<>(GoodStore.ENVIRONMENT);
      environment.put("HOSTPKI_CONFIG", w.dir.resolve("host.yaml").toString());
      CliResult result = w.hostpki(environment, args);
      String as = shown(args) + "\n" + result;
      softly.assertThat(result.exitCode()).as(as).isIn(0, 1, 2, 3, 64);
      softly.assertThat(result.out() + result.err()).as(as).doesNotContain("internal error");
      if (!args.contains("--debug")) {
        softly.assertThat(result.out() + result.err()).as(as).doesNotContain("Exception", "\tat ", "Error:");
      }
      softly.assertThat(rawControl(result.out() + result.err())).as(as).isEmpty();
      SortedMap<String, String> after = w.snapshot();
      if (result.exitCode() != 0 && result.exitCode() != 2) {
        softly.assertThat(after).as("the folder after " + as).isEqualTo(before);
      }
      if (!after.equals(before)) { // a command that did what it was asked: start again from the good store
        w = Workspace.copyOf(template, dir.resolve(String.valueOf(i)), GoodStore.CLOCK, GoodStore.PROBE);
      }
    }
    softly.assertThat(Path.of("/etc/hostpki")).as("the machine's own desired-state folder").matches(
        p -> machineHadConfig || !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
    softly.assertThat(Path.of("/var/lib/hostpki")).as("the machine's own store folder").matches(
        p -> machineHadStore || !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
    softly.assertAll();
  }

  /**
   * Apply applies the plan it computes now, and only when its basis and its changes (address and
   * action) are the saved ones: an edit elsewhere (a reason's text, a before/after fact) changes
   * nothing of what is applied, and such a plan is applied. Any other edit is refused.
   */
  @Test
  void testEditedSavedPlans_areRefusedOrAppliedAsMade() throws Exception {
    Random random = new Random(Long.getLong("hostpki.fuzz.seed", 14));
    JsonMapper mapper = JsonMapper.builder().build();
    SoftAssertions softly = new SoftAssertions();
    Workspace w = null;
    String plan = null;
    for (int i = 1; i <= Integer.getInteger("hostpki.fuzz.tries", PLAN_EDITS); i++) {
      if (w == null) { // the plan names the folder (the desired state's file): saved in each anew
        w = Workspace.copyOf(template, dir.resolve("plan" + i), GoodStore.CLOCK, GoodStore.PROBE);
        w.editYaml("addresses: [192.0.2.10]}", "addresses: [192.0.2.10]}\nserver: {dnsNames: [portal.example.com, extra.example.com]}");
        CliResult saved = w.hostpki("plan", "-f", "host.yaml", "--out", "saved.json");
        assertThat(saved.exitCode()).as(saved.toString()).isZero();
        plan = Files.readString(w.dir.resolve("saved.json"));
      }
      JsonNode root = mapper.readTree(plan);
      String edits = edit(root, random, 1 + random.nextInt(3));
      JsonNode unchanged = mapper.readTree(plan);
      boolean checkedPartsKept = root.path("basis").equals(unchanged.path("basis"))
          && root.path("format_version").equals(unchanged.path("format_version"))
          && root.path("written_by").equals(unchanged.path("written_by"))
          && lines(root).equals(lines(unchanged));
      Files.write(w.dir.resolve("saved.json"), mapper.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      SortedMap<String, String> before = w.snapshot();
      CliResult result = w.hostpki(GoodStore.ENVIRONMENT, List.of("apply", "-f", "host.yaml", "--plan", "saved.json"));
      String as = TerminalText.escape(edits.length() > 300 ? edits.substring(0, 300) : edits) + "\n" + result;
      softly.assertThat(result.out() + result.err()).as(as).doesNotContain("internal error", "Exception", "\tat ");
      softly.assertThat(rawControl(result.out() + result.err())).as(as).isEmpty();
      if (checkedPartsKept) {
        softly.assertThat(result.exitCode()).as(as).isZero();
      } else {
        softly.assertThat(result.exitCode()).as(as).isEqualTo(1);
        softly.assertThat(result.err()).as(as).contains(w.dir.resolve("saved.json").toString());
        softly.assertThat(w.snapshot()).as("the folder after " + as).isEqualTo(before);
      }
      if (result.exitCode() == 0) {
        w = null;
      }
    }
    softly.assertAll();
  }

  /** What apply compares of a saved plan's changes: each one's address and action. */
  private static List<String> lines(JsonNode plan) {
    List<String> lines = new ArrayList<>();
    plan.path("changes").forEach(c -> lines.add(c.path("address") + " " + c.path("action")));
    return lines;
  }

  private static List<String> commandLine(Random random) {
    List<String> args = new ArrayList<>();
    if (random.nextInt(10) > 0) {
      args.add(pick(COMMANDS, random));
    }
    for (int k = random.nextInt(6); k > 0; k--) {
      switch (random.nextInt(3)) {
        case 0 -> args.add(pick(OPTIONS, random));
        case 1 -> args.add(pick(VALUES, random));
        default -> args.add(pick(OPTIONS, random) + "=" + pick(VALUES, random));
      }
    }
    return args;
  }

  /** One to three edits of the plan's tree: a field removed, given another value, or doubled. */
  private static String edit(JsonNode root, Random random, int times) {
    StringBuilder edits = new StringBuilder();
    for (int t = 0; t < times; t++) {
      List<JsonNode> containers = new ArrayList<>();
      containers(root, containers);
      JsonNode c = pick(containers, random);
      if (c instanceof ObjectNode o && !o.isEmpty()) {
        String name = pick(new ArrayList<>(o.propertyNames()), random);
        switch (random.nextInt(3)) {
          case 0 -> o.remove(name);
          case 1 -> o.set(name, value(random, 0));
          default -> o.set(name + "x", o.get(name));
        }
        edits.append(name).append(": ").append(o.get(name)).append("; ");
      } else if (c instanceof ArrayNode a && !a.isEmpty()) {
        int i = random.nextInt(a.size());
        switch (random.nextInt(3)) {
          case 0 -> a.remove(i);
          case 1 -> a.set(i, value(random, 0));
          default -> a.add(a.get(i).deepCopy());
        }
        edits.append('[').append(i).append("]; ");
      }
    }
    return edits.toString();
  }

  private static JsonNode value(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 6 : 8)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.booleanNode(random.nextBoolean());
      case 2 -> JSON.numberNode(random.nextInt(5) == 0 ? Long.MIN_VALUE : random.nextInt(100) - 50);
      case 3 -> JSON.numberNode(random.nextDouble() * 1e300);
      case 4, 5 -> JSON.stringNode(pick(TEXTS, random));
      case 6 -> {
        ArrayNode a = JSON.arrayNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          a.add(value(random, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = JSON.objectNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          o.set(pick(TEXTS, random), value(random, depth + 1));
        }
        yield o;
      }
    };
  }

  private static void containers(JsonNode node, List<JsonNode> out) {
    if (node.isContainer()) {
      out.add(node);
      node.forEach(child -> containers(child, out));
    }
  }

  /** The first control character other than a line break or tab, as U+XXXX; empty if none. */
  private static String rawControl(String printed) {
    for (int i = 0; i < printed.length(); i++) {
      char c = printed.charAt(i);
      if (c != '\n' && c != '\t' && TerminalText.isUnsafe(c)) {
        return String.format("U+%04X at %d", (int) c, i);
      }
    }
    return "";
  }

  private static String shown(List<String> args) {
    return args.stream()
        .map(a -> "[" + TerminalText.escape(a.length() > 40 ? a.substring(0, 40) + "..." : a) + "]")
        .reduce("", (a, b) -> a + " " + b);
  }

  private static <T> T pick(List<T> items, Random random) {
    return items.get(random.nextInt(items.size()));
  }
}
