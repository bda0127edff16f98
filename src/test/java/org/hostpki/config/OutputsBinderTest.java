package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileMode;
import org.hostpki.model.KeyEncoding;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.UnsupportedSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** {@code outputs}, {@code store.access}, {@code store.previousPassword} and the new hooks, read into the model. */
@Execution(ExecutionMode.CONCURRENT)
class OutputsBinderTest {
  private static final String HEAD =
      "apiVersion: hostpki/v1\nstore:\n  path: pki\n  password: {env: HOSTPKI_PASSWORD}\n";

  private final DesiredStateLoader loader = new DesiredStateLoader();
  private final Path file = Jimfs.newFileSystem(Configuration.unix()).getPath("/etc/hostpki/host.yaml");

  @Test
  void testOutputs_defaultsAreFilledIn() {
    List<OutputSpec> outputs =
        load(HEAD + "outputs:\n"
            + "  - {format: combined-pem, file: haproxy.pem}\n"
            + "  - {format: key, file: app.key}\n"
            + "  - {format: pkcs12, file: app.p12}\n"
            + "  - {format: jks, file: app.jks}\n"
            + "  - {format: der, file: server.der}\n").outputs();

    assertThat(outputs).extracting(OutputSpec::format).containsExactly(
        new OutputFormat.CombinedPem(Optional.empty()),
        new OutputFormat.Key(KeyEncoding.PKCS8, false),
        new OutputFormat.Pkcs12("server", true, Optional.empty()),
        new OutputFormat.Jks("server"),
        new OutputFormat.Der(OutputFormat.CertificateChoice.SERVER));
    assertThat(outputs).allMatch(o -> o.access().isEmpty() && o.afterChange().isEmpty());
    assertThat(outputs.get(1).origin()).isEqualTo(new SourcePosition(file, 7, 5));
  }

  @Test
  void testOutputs_everyOptionIsRead() {
    List<OutputSpec> outputs =
        load(HEAD + "server: {key: {algorithm: RSA, size: 3072}}\noutputs:\n"
            + "  - {format: combined-pem, file: site.pem, keyFile: site.pem.key, group: haproxy,"
            + " afterChange: [[systemctl, reload, haproxy]]}\n"
            + "  - {format: key, file: pg.key, encoding: pkcs1, owner: postgres, group: postgres, mode: \"0600\"}\n"
            + "  - {format: key, file: enc.key, encrypted: true}\n"
            + "  - {format: pkcs12, file: vault.p12, alias: portal.example.com, password: none}\n"
            + "  - {format: pkcs12, file: old.p12, profile: legacy}\n"
            + "  - {format: jks, file: app.jks, alias: portal}\n"
            + "  - {format: der, file: ca.der, certificate: ca, mode: \"0444\"}\n").outputs();

    assertThat(outputs.get(0).format()).isEqualTo(new OutputFormat.CombinedPem(Optional.of("site.pem.key")));
    assertThat(outputs.get(0).afterChange()).containsExactly(List.of("systemctl", "reload", "haproxy"));
    assertThat(outputs.get(1).format()).isEqualTo(new OutputFormat.Key(KeyEncoding.PKCS1, false));
    assertThat(outputs.get(1).access())
        .isEqualTo(new AccessSpec(Optional.of("postgres"), Optional.of("postgres"), Optional.of(FileMode.OWNER_ONLY)));
    assertThat(outputs.get(2).format()).isEqualTo(new OutputFormat.Key(KeyEncoding.PKCS8, true));
    assertThat(outputs.get(3).format()).isEqualTo(new OutputFormat.Pkcs12("portal.example.com", false, Optional.empty()));
    assertThat(outputs.get(4).format()).isEqualTo(new OutputFormat.Pkcs12("server", true, Optional.of(Pkcs12Profile.LEGACY)));
    assertThat(outputs.get(5).format()).isEqualTo(new OutputFormat.Jks("portal"));
    assertThat(outputs.get(6).format()).isEqualTo(new OutputFormat.Der(OutputFormat.CertificateChoice.CA));
    assertThat(outputs.get(6).access().mode()).contains(new FileMode(0444));
  }

  @Test
  void testStore_accessAndPreviousPasswordAreRead() {
    DesiredState state =
        load(HEAD + "  previousPassword: {file: old-password}\n  access: {owner: root, group: ssl-cert, mode: \"0440\"}\n");

    assertThat(state.store().previousPassword()).contains(new PasswordSource.File(file.resolveSibling("old-password")));
    assertThat(state.store().access())
        .isEqualTo(new AccessSpec(Optional.of("root"), Optional.of("ssl-cert"), Optional.of(new FileMode(0440))));
  }

  @Test
  void testHooks_everyKindIsRead() {
    DesiredState state =
        load(HEAD + "hooks:\n  afterServerChange: [[a]]\n  afterTrustChange: [[b]]\n  afterCaChange: [[c]]\n"
            + "  beforeChange: [[d, e]]\n");

    assertThat(state.hooks().afterServerChange()).containsExactly(List.of("a"));
    assertThat(state.hooks().afterTrustChange()).containsExactly(List.of("b"));
    assertThat(state.hooks().afterCaChange()).containsExactly(List.of("c"));
    assertThat(state.hooks().beforeChange()).containsExactly(List.of("d", "e"));
  }

  @Test
  void testNotYetSupported_outputsAccessAndTheNewHooksAreCarriedOut() {
    DesiredState state =
        load(HEAD + "  access: {group: ssl-cert}\noutputs: [{format: der, file: a.der}]\n"
            + "hooks: {afterServerChange: [[a]], beforeChange: [[b]], afterCaChange: []}\n");

    assertThat(state.notYetSupported()).isEmpty();
  }

  @Test
  void testNotYetSupported_noneWithoutTheNewSettings() {
    assertThat(load(HEAD + "outputs: []\nhooks: {afterServerChange: [[a]]}\n").notYetSupported()).isEmpty();
  }

  @Test
  void testAccess_usersAndGroupsOfThisHostAreAccepted(@TempDir Path dir) {
    // Looked up like chown does: root and its group exist on every host; a number is taken as is.
    LoadResult result =
        loader.loadString(dir.resolve("host.yaml"), HEAD + "  access: {owner: root, group: \"0\"}\n"
            + "outputs: [{format: key, file: a.key, owner: \"65534\", group: root}]\n");

    assertThat(result.problems()).noneMatch(Problem::isError);
  }

  @Test
  void testAccess_unknownUserIsAnErrorNamingIt(@TempDir Path dir) {
    LoadResult result =
        loader.loadString(dir.resolve("host.yaml"), HEAD + "  access: {owner: hostpki-no-such-user}\n");

    assertThat(result.problems()).filteredOn(Problem::isError).extracting(Problem::message)
        .containsExactly("store.access.owner 'hostpki-no-such-user' is not a user on this host; create the user"
            + " first (the service's package usually does), or correct the name");
  }

  @Test
  void testAccess_unknownUserIsAWarningForValidateOnAnotherMachine(@TempDir Path dir) {
    LoadResult result =
        DesiredStateLoader.forValidation()
            .loadString(dir.resolve("host.yaml"), HEAD + "  access: {owner: hostpki-no-such-user, group: hostpki-no-such-group}\n");

    assertThat(result.problems()).noneMatch(Problem::isError);
    assertThat(result.problems()).extracting(Problem::message)
        .containsExactlyInAnyOrder(
            "store.access.owner 'hostpki-no-such-user' is not a user on this host; apply on a host without it"
                + " refuses the file: create the user first (the service's package usually does) on the host it"
                + " is applied on, or correct the name",
            "store.access.group 'hostpki-no-such-group' is not a group on this host; apply on a host without it"
                + " refuses the file: create the group first (groupadd --system hostpki-no-such-group) on the"
                + " host it is applied on, or correct the name");
    assertThat(result.desiredState().orElseThrow().store().access().owner()).contains("hostpki-no-such-user");
  }

  private DesiredState load(String yaml) {
    LoadResult result = loader.loadString(file, yaml);
    assertThat(result.problems()).noneMatch(Problem::isError);
    return result.desiredState().orElseThrow();
  }
}
