package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** {@code trust.install}, {@code trust.includeSystemRoots} and the filters, read into the model. */
@Execution(ExecutionMode.CONCURRENT)
class InstallBinderTest {
  private static final String HEAD = "apiVersion: hostpki/v1\nstore: {path: pki}\n";

  private final DesiredStateLoader loader = new DesiredStateLoader();
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path file = fs.getPath("/etc/hostpki/host.yaml");

  @Test
  void testInstall_everySettingIsRead() {
    TrustSpec trust =
        trust(
            "trust:\n"
                + "  includeSystemRoots: true\n"
                + "  excludeExpired: true\n"
                + "  caOnly: true\n"
                + "  install:\n"
                + "    certificates: [trusted, ca]\n"
                + "    system: true\n"
                + "    java: [/opt/app/jre/lib/security/cacerts, jre/cacerts]\n"
                + "    javaPassword: {file: cacerts.pass}\n"
                + "    nss: [sql:/home/app/.pki/nssdb, /home/bob/.mozilla/firefox/x.default, sql:profiles/p1]\n");

    assertThat(trust.includeSystemRoots()).isTrue();
    assertThat(trust.filters()).isEqualTo(new TrustFilters(true, true));
    assertThat(trust.install())
        .contains(
            new InstallSpec(
                List.of(InstallSpec.Content.TRUSTED, InstallSpec.Content.CA),
                true,
                false,
                List.of(fs.getPath("/opt/app/jre/lib/security/cacerts"), fs.getPath("/etc/hostpki/jre/cacerts")),
                Optional.of(new PasswordSource.File(fs.getPath("/etc/hostpki/cacerts.pass"))),
                List.of(
                    fs.getPath("/home/app/.pki/nssdb"),
                    fs.getPath("/home/bob/.mozilla/firefox/x.default"),
                    fs.getPath("/etc/hostpki/profiles/p1")),
                new SourcePosition(file, 7, 3)));
  }

  @Test
  void testInstall_emptySectionInstallsTheCaNowhere() {
    InstallSpec install = trust("trust:\n  install: {}\n").install().orElseThrow();

    assertThat(install.certificates()).containsExactly(InstallSpec.Content.CA);
    assertThat(install.namesTargets()).isFalse();
    assertThat(install.javaPassword()).isEmpty();
  }

  @Test
  void testInstall_javaTrueIsTheRunningJava() {
    InstallSpec install = trust("trust:\n  install: {java: true}\n").install().orElseThrow();

    assertThat(install.runningJava()).isTrue();
    assertThat(install.javaKeystores()).isEmpty();
  }

  @Test
  void testInstall_oneJavaPathIsAListOfOne() {
    InstallSpec install = trust("trust:\n  install: {java: /opt/jre/lib/security/cacerts}\n").install().orElseThrow();

    assertThat(install.runningJava()).isFalse();
    assertThat(install.javaKeystores()).containsExactly(fs.getPath("/opt/jre/lib/security/cacerts"));
  }

  @Test
  void testTrust_withoutTheNewSettingsIsAsBefore() {
    TrustSpec trust = trust("trust: {prune: false}\n");

    assertThat(trust.install()).isEmpty();
    assertThat(trust.includeSystemRoots()).isFalse();
    assertThat(trust.filters()).isEqualTo(TrustFilters.NONE);
  }

  @Test
  void testValidate_acceptsEachSettingWithoutAWarning() {
    LoadResult result =
        loader.loadString(
            file,
            HEAD + "trust:\n  caOnly: true\n  excludeExpired: true\n  includeSystemRoots: true\n"
                + "  install: {certificates: [ca, trusted], system: true, java: true, nss: [sql:/home/app/.pki/nssdb]}\n");

    assertThat(result.hasErrors()).isFalse();
    assertThat(result.problems()).isEmpty();
    assertThat(result.desiredState().orElseThrow().notYetSupported()).isEmpty();
  }

  @Test
  void testValidate_filtersSetToFalseNeedNoWarning() {
    LoadResult result =
        loader.loadString(file, HEAD + "trust: {caOnly: false, excludeExpired: false, includeSystemRoots: false}\n");

    assertThat(result.problems()).isEmpty();
  }

  private TrustSpec trust(String yaml) {
    LoadResult result = loader.loadString(file, HEAD + yaml);
    assertThat(result.problems()).noneMatch(Problem::isError);
    return result.desiredState().orElseThrow().trust();
  }
}
