package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalLines;
import org.hostpki.model.TerminalLines.Colour;
import org.junit.jupiter.api.Test;

class TerminalWriterTest {
  private final StringWriter sink = new StringWriter();
  private final TerminalWriter out = TerminalWriter.of(new PrintWriter(sink));

  @Test
  void testPrintln_isOneLineWhateverItQuotes() {
    out.println("error: cannot read trusted.d/x\nPlan: 0 to create.pem");

    assertThat(sink.toString()).isEqualTo("error: cannot read trusted.d/x\\nPlan: 0 to create.pem\n");
  }

  @Test
  void testPrint_keepsLineBreaksButNoOtherControl() {
    out.print("{\"a\": 1}\nline\r\u001b[1A\u001b[2K\u0000\u009b2K\u202e\u2028\n");
    out.flush();

    assertThat(sink.toString()).isEqualTo("{\"a\": 1}\nline\\r\\x1b[1A\\x1b[2K\\x00\\x9b2K\\u202e\\u2028\n");
  }

  @Test
  void testPrintlnOfAnObjectIsOneLine_printfAndWriteAreEscapedToo() {
    out.println((Object) "a\u001bb\nc");
    out.printf("%s%n", "c\u001bd");
    out.write("e\u001bf\n");
    out.write('\u001b');
    out.flush();

    assertThat(sink.toString()).isEqualTo("a\\x1bb\\nc\nc\\x1bd\ne\\x1bf\n\\x1b");
  }

  @Test
  void testPrintLines_theOnlyWayAColourGetsThrough() {
    out.print(new TerminalLines().add(Colour.GREEN, "+").add(" trust/x  create  \u001b[32mfake").end(), true);

    assertThat(sink.toString()).isEqualTo("\u001b[32m+\u001b[0m trust/x  create  \\x1b[32mfake\n");
  }

  @Test
  void testPrintStackTraceOf_keepsTheTabOfFramesOnly() {
    out.printStackTraceOf(new HostpkiException("bad\tname\u001b[2K"));

    assertThat(sink.toString())
        .startsWith("org.hostpki.model.HostpkiException: bad\\tname\\x1b[2K\n\tat ");
  }

  @Test
  void testOf_wrapsOnlyOnce() {
    assertThat(TerminalWriter.of(out)).isSameAs(out);
  }
}
