package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransientProgressTest {
  private final StringWriter screen = new StringWriter();
  private final AtomicInteger flushes = new AtomicInteger();
  private long now = 1_000_000_000L;
  private boolean ticking;
  private boolean stopped;
  private final TransientProgress progress =
      new TransientProgress(
          new PrintWriter(screen), flushes::incrementAndGet, () -> now, TransientProgress.DELAY_NANOS, 60,
          tick -> {
            ticking = true;
            return () -> stopped = true;
          });

  private void after(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
    progress.tick();
  }

  @Test
  void testStep_showsNothingWithinHalfASecond() {
    progress.step("reading the store /var/lib/hostpki/pki");
    after(300);
    progress.step("planning");
    after(150);
    progress.close();

    assertThat(screen.toString()).isEmpty();
    assertThat(ticking).isTrue();
    assertThat(stopped).isTrue();
  }

  @Test
  void testTick_afterHalfASecondNamesTheStepAndHowLongTheRunTook() {
    progress.step("planning");
    after(200);
    progress.step("generating the server's RSA 4096 key");
    after(400);
    assertThat(screen.toString()).isEqualTo("\r\u001b[2Khostpki: generating the server's RSA 4096 key ...");
    after(1000);
    assertThat(screen.toString()).endsWith("\r\u001b[2Khostpki: generating the server's RSA 4096 key (1 s)");
    assertThat(flushes.get()).as("what stdout holds is flushed before each line").isEqualTo(2);
  }

  @Test
  void testTick_drawsOnlyWhatChanged() {
    progress.step("planning");
    after(600);
    String once = screen.toString();
    after(100);
    after(100);

    assertThat(screen.toString()).isEqualTo(once);
  }

  @Test
  void testStep_replacesTheShownLineAtOnce() {
    progress.step("planning");
    after(600);
    progress.step("writing a new generation of 6 files");

    assertThat(TerminalScreen.visible(screen.toString())).isEqualTo("hostpki: writing a new generation of 6 files ...\n");
  }

  @Test
  void testErase_clearsTheLineAndKeepsItAwayUntilTheNextStep() {
    progress.step("planning");
    after(600);
    progress.erase();
    assertThat(screen.toString()).endsWith("\r\u001b[2K");
    after(1000);
    assertThat(TerminalScreen.visible(screen.toString())).isEmpty();

    progress.step("checking the written store");
    after(100);
    assertThat(TerminalScreen.visible(screen.toString())).isEqualTo("hostpki: checking the written store (1 s)\n");
  }

  @Test
  void testClose_leavesAnEmptyLineAndDrawsNoMore() {
    progress.step("planning");
    after(600);
    progress.close();
    progress.step("too late");
    after(1000);

    assertThat(screen.toString()).endsWith("\r\u001b[2K");
    assertThat(TerminalScreen.visible(screen.toString())).isEmpty();
  }

  @Test
  void testDraw_cutsALineThatWouldWrap_andEscapesWhatItQuotes() {
    progress.step("reading the store /var/lib/\u001b[31mhostpki/a-very-long-folder-name/pki");
    after(600);

    String line = TerminalScreen.visible(screen.toString()).strip();
    assertThat(line).hasSizeLessThan(60).endsWith("... ...").contains("\\x1b[31m");
  }
}
