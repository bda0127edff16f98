package org.hostpki.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.docs.DocBlocks.Expected;
import org.hostpki.docs.DocBlocks.Hidden;
import org.hostpki.docs.DocBlocks.Run;
import org.hostpki.docs.DocBlocks.Skip;
import org.hostpki.docs.DocBlocks.WriteFile;
import org.junit.jupiter.api.Test;

/** The doc-test format, and every checked document keeping to it (DocsIT runs them). */
class DocBlocksTest {
  @Test
  void testParse_shBlocksRunWithTheOutputShownAfterThem() {
    String md = "Text\n\n```sh\nhostpki plan\n```\n\n```output\nNo changes\n```\n\n```sh\ncd /tmp\n```\n";

    assertThat(DocBlocks.parse("x.md", md))
        .containsExactly(
            new Run(3, "hostpki plan\n", Optional.of(new Expected(7, "No changes\n"))),
            new Run(11, "cd /tmp\n", Optional.empty()));
  }

  @Test
  void testParse_indentedBlocksInAList() {
    String md = "1. Apply:\n\n   ```sh\n   hostpki apply\n   ```\n   ```output\n   Applied\n   ```\n";

    assertThat(DocBlocks.parse("x.md", md))
        .containsExactly(new Run(3, "hostpki apply\n", Optional.of(new Expected(6, "Applied\n"))));
  }

  @Test
  void testParse_markers() {
    String md =
        "<!-- doc-test: skip systemd is not PID 1 here -->\n```sh\nsystemctl start x\n```\n"
            + "<!-- doc-test: file /etc/hostpki/host.yaml -->\n```yaml\napiVersion: hostpki/v1\n```\n"
            + "<!-- doc-test: merge host.yaml -->\n```yaml\nca: {}\n```\n"
            + "<!-- doc-test: run\nopenssl s_server &\n-->\n"
            + "```yaml\nnot: run\n```\n```text\nan illustration\n```\n";

    assertThat(DocBlocks.parse("x.md", md))
        .containsExactly(
            new Skip(2, "systemctl start x\n", "systemd is not PID 1 here"),
            new WriteFile(6, "/etc/hostpki/host.yaml", "apiVersion: hostpki/v1\n", false),
            new WriteFile(10, "host.yaml", "ca: {}\n", true),
            new Hidden(13, "openssl s_server &\n"));
  }

  @Test
  void testParse_refusesWhatWouldGoUnchecked() {
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "```sh\nls\n```\n```\nout\n```\n"))
        .hasMessageStartingWith("x.md:4: a fence right after a sh block needs an info string");
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "<!-- doc-test: skip -->\n```sh\nls\n```\n"))
        .hasMessage("x.md:1: doc-test: skip needs a reason");
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "<!-- doc-test: skp why -->\n```sh\nls\n```\n"))
        .hasMessageStartingWith("x.md:1: unknown marker doc-test: skp");
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "<!-- doc-test: skip why -->\nText\n```sh\nls\n```\n"))
        .hasMessageStartingWith("x.md:1: doc-test: skip must come right before a fenced block");
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "```output\nx\n```\n"))
        .hasMessage("x.md:1: an output block must follow a sh block");
    assertThatThrownBy(() -> DocBlocks.parse("x.md", "```sh\nls\n"))
        .hasMessage("x.md:1: the fenced block is not closed");
  }

  @Test
  void testDocuments_keepToTheFormat() throws Exception {
    for (String document : DocsIT.DOCUMENTS) {
      String markdown = Files.readString(Path.of(document), StandardCharsets.UTF_8);
      assertThat(DocBlocks.parse(document, markdown)).as(document).isNotNull();
    }
  }

  @Test
  void testOutput_ignoresOnlyWhatVariesFromRunToRun() {
    String shown =
        "Applied: store /var/lib/hostpki/pki is now at generation ..2026_11_27_08_05_11.047622168.\n"
            + "         sha256 A3:10:E1:C3:C0:C4:5E:A9:91:45:BE:6C:4C:33:EE:A0:AC:95:03:B6:23:EB:27:E7:C9:49:B4:DE:E5:81:A0:9F\n"
            + "         not after 2036-11-24 (3649 days left)\n"
            + "+ trust/bmc-01  create   sha256 50:AC:7D:15… CN=bmc\n"
            + "Signed serial 142517D9F5E1D2D020831BD6DF32EB4D, not after 2027-02-25 07:51 UTC\n"
            + "2026-11-27T08:02:13Z started\n"
            + "  commit        6f1d0c2e8a4b9c7d5e3f1a2b4c6d8e0f1a3b5c7d\n";
    String printed =
        "Applied: store /var/lib/hostpki/pki is now at generation ..2026_12_06_10_00_00.000000001.\n"
            + "         sha256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\n"
            + "         not after 2036-12-03 (3650 days left)\n"
            + "+ trust/bmc-01  create   sha256 12:34:56:78… CN=bmc\n"
            + "Signed serial 0A1B2C3D4E5F60718293A4B5C6D7E8F9, not after 2027-03-06 10:00 UTC\n"
            + "2026-12-06T10:00:00Z started\n"
            + "  commit        4044bec0d7edecda0abab5e116e7082d48fa9111-dirty\n";

    assertThat(DocOutput.difference(shown, printed)).isEmpty();
    assertThat(DocOutput.difference("Plan: 0 to create, 4 unchanged.\n", "Plan: 0 to create, 5 unchanged.\n")).isPresent();
    assertThat(DocOutput.difference("Store portal\n", "Store portal2\n")).isPresent();
  }

  @Test
  void testOutput_durationsBelowTwoDaysAreDurationsToo() {
    assertThat(DocOutput.difference("renewal (in 12 days), 4 days earlier by jitter\n", "renewal (in 12 days), 14h 11m earlier by jitter\n"))
        .isEmpty();
    assertThat(DocOutput.difference("expires in 10h 10m\n", "expires in 59m 24s\n")).isEmpty();
    assertThat(DocOutput.difference("renewBefore 90d, 4 days earlier by jitter\n", "renewBefore 90d, 1d 3h earlier by jitter\n"))
        .isEmpty();
    assertThat(DocOutput.difference("4 days earlier\n", "1d 3h 5m earlier\n")).isEmpty();
    assertThat(DocOutput.difference("renewBefore 90d, 4 days earlier by jitter\n", "renewBefore 90d\n"))
        .as("a jitter under a minute is not said")
        .isEmpty();
    assertThat(DocOutput.difference("expires in 10h 10m\n", "expires in 10 h 10 ms\n")).isPresent();
  }

  @Test
  void testOutput_threeDotsStandForAnyLines() {
    assertThat(DocOutput.difference("first\n...\nlast\n", "first\na\nb\nlast\n")).isEmpty();
    assertThat(DocOutput.difference("first\n...\nlast\n", "first\nlast\n")).isEmpty();
    assertThat(DocOutput.difference("first\n...\nlast\n", "first\na\n")).isPresent();
    assertThat(List.of(DocOutput.normalise("a  "))).containsExactly("a");
  }
}
