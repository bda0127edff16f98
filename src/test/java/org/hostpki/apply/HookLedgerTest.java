package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.PendingHook;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook records of a generation on a real store: {@code onExpiring} obligations beside the
 * hooks after a change, each by its own key, added without a new generation by replacing the due
 * record whole, carried by certificate.
 */
class HookLedgerTest {
  private static final Instant NOW = Instant.parse("2026-12-20T08:00:00Z");
  private static final Fingerprint SERVER = Fingerprint.sha256("server".getBytes(StandardCharsets.UTF_8));
  private static final Fingerprint RENEWED = Fingerprint.sha256("renewed".getBytes(StandardCharsets.UTF_8));
  private static final HooksSpec HOOKS =
      new HooksSpec(List.of(List.of("true")), HooksSpec.DEFAULT_TIMEOUT, List.of(List.of("true")), HooksSpec.DEFAULT_EXPIRING_WITHIN);

  @TempDir Path temp;
  private StoreDirectory store;
  private String generation;

  @BeforeEach
  void setUp() {
    store = new StoreDirectory(temp.resolve("pki"), Clock.fixed(NOW, ZoneOffset.UTC));
    TreeMap<String, StoreFile> files = new TreeMap<>();
    files.put("server.crt", new StoreFile("cert".getBytes(StandardCharsets.US_ASCII), org.hostpki.model.FileKind.CERTIFICATES));
    generation = store.write(files, "{}".getBytes(StandardCharsets.US_ASCII));
  }

  private DesiredState desired() {
    return DesiredStates.of(
        temp.resolve("host.yaml"),
        new StoreSpec(temp.resolve("pki"), Optional.of(new PasswordSource.Env("P12_PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(), CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), HOOKS);
  }

  private static PendingHook expiring(String within, Fingerprint certificate) {
    return PendingHook.expiring(
        NOW, new PendingHook.Expiring("server", certificate, NOW.plusSeconds(86400 * 7), within, "held"));
  }

  @Test
  void testRecord_addsObligationsWithoutANewGenerationByReplacingTheDueRecordWhole() throws IOException {
    store.putRecord(generation, GenerationRecord.HOOKS_DUE,
        HookLedger.dueRecord(List.of(PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, NOW, List.of("server")))));
    Path due = temp.resolve("pki").resolve(generation).resolve(".hooks-due.json");
    Object before = Files.getAttribute(due, "unix:ino", LinkOption.NOFOLLOW_LINKS);

    HookLedger.read(store, Optional.of(generation)).record(store, generation, List.of(expiring("7d", SERVER), expiring("1d", SERVER)));

    assertThat(Files.getAttribute(due, "unix:ino", LinkOption.NOFOLLOW_LINKS)).isNotEqualTo(before);
    List<PendingHook> pending = HookLedger.read(store, Optional.of(generation)).pending(HOOKS);
    assertThat(pending).extracting(PendingHook::key)
        .containsExactly("afterServerChange", "onExpiring:7d:" + SERVER.hex(), "onExpiring:1d:" + SERVER.hex());
    assertThat(pending.get(1)).isEqualTo(expiring("7d", SERVER));
  }

  @Test
  void testAttempt_recordsEachObligationByItsKeySoOneThresholdDoneLeavesTheOtherPending() {
    HookLedger ledger =
        HookLedger.read(store, Optional.of(generation))
            .record(store, generation, List.of(expiring("7d", SERVER), expiring("1d", SERVER)));

    ledger.attempt(
        new Hooks(new PrintWriter(new StringWriter()), Map.of("PATH", "/usr/bin:/bin"),
            c -> c.environment().get("HOSTPKI_WITHIN").equals("7d") ? Optional.empty() : Optional.of("exited with status 1")),
        desired(), store, generation, ledger.pending(HOOKS), NOW, new ArrayList<>());

    HookLedger after = HookLedger.read(store, Optional.of(generation));
    assertThat(after.pending(HOOKS)).singleElement().satisfies(h -> {
      assertThat(h.key()).isEqualTo("onExpiring:1d:" + SERVER.hex());
      assertThat(h.lastError()).endsWith("exited with status 1");
    });
    assertThat(after.recordedKeys()).contains("onExpiring:7d:" + SERVER.hex());
  }

  /**
   * The unit of retry is the hook, not the command: a reload that exited 0 before a check that
   * failed (examples/hooks/served-certificate: the service did not take the new certificate) runs
   * again with it, as systemd runs an ExecReload= list again whole. Resuming at the failed check
   * would never reload the service again, and the check would fail for ever.
   */
  @Test
  void testAttempt_aRetryRunsEveryCommandOfTheHookAgainTheReloadBeforeTheFailedCheckToo() {
    HooksSpec reloadThenCheck = new HooksSpec(List.of(List.of("true", "reload"), List.of("true", "check")));
    DesiredState desired =
        DesiredStates.of(
            temp.resolve("host.yaml"),
            new StoreSpec(temp.resolve("pki"), Optional.empty(), Pkcs12Profile.MODERN),
            HostSpec.defaults(), CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), reloadThenCheck);
    store.putRecord(generation, GenerationRecord.HOOKS_DUE,
        HookLedger.dueRecord(List.of(PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, NOW, List.of("server")))));
    List<String> ran = new ArrayList<>();
    boolean[] taken = {false};
    Hooks hooks = new Hooks(new PrintWriter(new StringWriter()), Map.of("PATH", "/usr/bin:/bin"), c -> {
      ran.add(c.argv().get(1));
      return c.argv().get(1).equals("check") && !taken[0] ? Optional.of("exited with status 1") : Optional.empty();
    });

    HookLedger first = HookLedger.read(store, Optional.of(generation));
    first.attempt(hooks, desired, store, generation, first.pending(reloadThenCheck), NOW, new ArrayList<>());
    taken[0] = true;
    HookLedger retry = HookLedger.read(store, Optional.of(generation));
    retry.attempt(hooks, desired, store, generation, retry.pending(reloadThenCheck), NOW, new ArrayList<>());

    assertThat(ran).containsExactly("reload", "check", "reload", "check");
    assertThat(HookLedger.read(store, Optional.of(generation)).pending(reloadThenCheck)).isEmpty();
  }

  @Test
  void testExpiringCarried_keepsObligationsAboutCertificatesStillHeldWithTheirDoneMark() {
    HookLedger ledger =
        HookLedger.read(store, Optional.of(generation))
            .record(store, generation, List.of(expiring("7d", SERVER), expiring("1d", SERVER)));
    store.putRecord(generation, GenerationRecord.HOOKS_DONE, HookLedger.doneRecord(Set.of("onExpiring:7d:" + SERVER.hex())));
    ledger = HookLedger.read(store, Optional.of(generation));

    HookLedger.Carried kept = ledger.expiringCarried(Set.of(SERVER));
    HookLedger.Carried renewed = ledger.expiringCarried(Set.of(RENEWED));

    assertThat(kept.due()).hasSize(2);
    assertThat(kept.done()).containsExactly("onExpiring:7d:" + SERVER.hex());
    assertThat(renewed.due()).isEmpty();
    assertThat(renewed.done()).isEmpty();
  }

  @Test
  void testRead_anObligationAboutNoCertificateHostpkiKeepsIsADamagedRecord() {
    store.putRecord(generation, GenerationRecord.HOOKS_DUE,
        ("{\"format_version\":\"1\",\"hooks\":[{\"hook\":\"onExpiring\",\"since\":\"" + NOW + "\",\"changed\":[],"
            + "\"expiring\":{\"certificate\":\"server\\u001b[2J\",\"fingerprint\":\"" + SERVER.hex() + "\","
            + "\"not_after\":\"" + NOW + "\",\"within\":\"7d\",\"reason\":\"x\"}}]}").getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> HookLedger.read(store, Optional.of(generation)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".hooks-due.json is not what hostpki writes (altered by hand?); remove it");
  }

  @Test
  void testRead_aTimeNoDateIsWrittenForIsADamagedRecord() {
    // rvcore16 L4 / thostile16: Instant.parse takes a year of a billion, DateText then threw
    // DateTimeException where status and plan show the time
    String far = "+1000000000-12-31T23:59:59Z";
    store.putRecord(generation, GenerationRecord.HOOKS_DUE,
        ("{\"format_version\":\"1\",\"hooks\":[{\"hook\":\"onChange\",\"since\":\"" + far
            + "\",\"changed\":[]}]}").getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> HookLedger.read(store, Optional.of(generation)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".hooks-due.json is not what hostpki writes (altered by hand?); remove it");

    store.putRecord(generation, GenerationRecord.HOOKS_DUE,
        ("{\"format_version\":\"1\",\"hooks\":[]}").getBytes(StandardCharsets.UTF_8));
    store.putRecord(generation, GenerationRecord.HOLD,
        ("{\"format_version\":\"1\",\"at\":\"" + far + "\",\"to\":\"x\"}").getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> HookLedger.read(store, Optional.of(generation)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(" is not what hostpki writes (altered by hand?); remove it");
  }
}
