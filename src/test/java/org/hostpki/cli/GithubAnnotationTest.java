package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hostpki.config.Problem;
import org.hostpki.config.Severity;
import org.junit.jupiter.api.Test;

class GithubAnnotationTest {

  @Test
  void testOf_errorWithPositionNamesFileLineAndColumn() {
    Problem p = new Problem(Path.of("hosts/portal.yaml"), 7, 12, Severity.ERROR, "ca.key.curve is wrong");

    assertThat(GithubAnnotation.of(p))
        .isEqualTo("::error file=hosts/portal.yaml,line=7,col=12::ca.key.curve is wrong");
  }

  @Test
  void testOf_warningWithoutPositionHasOnlyTheFile() {
    Problem p = new Problem(Path.of("host.yaml"), 0, 0, Severity.WARNING, "odd");

    assertThat(GithubAnnotation.of(p)).isEqualTo("::warning file=host.yaml::odd");
  }

  @Test
  void testData_escapesPercentAndLineBreaksButNotColonsOrCommas() {
    assertThat(GithubAnnotation.data("100% sure,\r\nreally: yes"))
        .isEqualTo("100%25 sure,%0D%0Areally: yes");
  }

  @Test
  void testProperty_alsoEscapesColonsAndCommas() {
    assertThat(GithubAnnotation.property("C:\\a,b%\n")).isEqualTo("C%3A\\a%2Cb%25%0A");
  }

  @Test
  void testOf_messageCannotEndTheCommandEarly() {
    Problem p = new Problem(Path.of("h.yaml"), 1, 1, Severity.ERROR, "line one\n::error::forged");

    assertThat(GithubAnnotation.of(p).lines()).hasSize(1);
  }
}
