package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.CHAIN_FILE;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.host;

import com.networknt.schema.Error;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real plans, rendered as JSON, against schema/plan.schema.json (the published contract). */
@Execution(ExecutionMode.CONCURRENT)
class PlanJsonTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private static JsonNode validJson(Plan plan) {
    JsonNode json = MAPPER.readTree(PlanJson.render(plan));
    List<Error> errors = OutputSchemas.schema("plan.schema.json").validate(json);
    assertThat(errors).as(json.toString()).isEmpty();
    return json;
  }

  @Test
  void testRender_freshInternalStoreMatchesTheSchema() {
    JsonNode json = validJson(planner.plan(Fixtures.input(Fixtures.desired(), portal, ObservedStore.empty(), NOW)));

    assertThat(json.get("changes")).hasSize(6);
    assertThat(json.get("changes_pending").asBoolean()).isTrue();
  }

  @Test
  void testRender_attributesAreTypedValuesNotDisplayStrings() {
    var d = Fixtures.desired();
    Plan plan =
        planner.plan(
            Fixtures.input(d, host("portal", "example.com", "192.0.2.11"), Fixtures.converged(d, portal).observed(), NOW));

    JsonNode server = validJson(plan).get("changes").get(0);

    assertThat(server.get("address").asString()).isEqualTo("server");
    JsonNode before = server.get("before");
    assertThat(before.get("ip_addresses").isArray()).isTrue();
    assertThat(before.get("ip_addresses").get(0).asString()).isEqualTo("192.0.2.10");
    assertThat(Instant.parse(before.get("not_after").asString())).isAfter(NOW);
    assertThat(before.get("sha256").asString()).matches("[0-9a-f]{64}");
    JsonNode after = server.get("after");
    assertThat(after.get("ip_addresses").get(0).asString()).isEqualTo("192.0.2.11");
    assertThat(after.get("dns_names").isArray()).isTrue();
    assertThat(after.get("validity").asString()).matches("P\\d+D");
    assertThat(after.get("new_key").isBoolean()).isTrue();
    assertThat(validJson(plan).get("format_version").asString()).isEqualTo("2");
  }

  @Test
  void testRender_pendingHooksAndAHoldMatchTheSchemaAndArePendingWork() {
    Plan converged = planner.plan(Fixtures.input(Fixtures.desired(), portal,
        Fixtures.converged(Fixtures.desired(), portal).observed(), NOW));
    PendingHook failed =
        new PendingHook("afterServerChange", NOW, List.of("server", "output/server.p12"),
            Optional.of(new PendingHook.Failure(NOW.plusSeconds(5), "afterServerChange hook [x] exited with status 1")));
    PendingHook neverRan = PendingHook.due("afterServerChange", NOW, List.of("server"));
    RollbackHold hold = new RollbackHold(NOW, Optional.of("..2026_11_27_09_00_00.000000000"),
        "..2026_11_27_08_00_00.000000000");

    JsonNode json = validJson(converged.withRecords(List.of(failed), Optional.of(hold)));
    JsonNode never = validJson(converged.withRecords(List.of(neverRan), Optional.empty()));

    assertThat(json.get("changes")).isEmpty();
    assertThat(json.get("changes_pending").asBoolean()).as("a pending hook is pending work").isTrue();
    assertThat(json.get("hooks_pending").get(0).get("last_error").asString()).endsWith("status 1");
    assertThat(json.get("hold").get("to").asString()).isEqualTo("..2026_11_27_08_00_00.000000000");
    assertThat(never.get("hooks_pending").get(0).get("last_error").isNull()).isTrue();
    assertThat(validJson(converged).get("hold").isNull()).isTrue();
    assertThat(validJson(converged).get("changes_pending").asBoolean()).isFalse();
    assertThat(validJson(converged.withRecords(List.of(), Optional.of(hold))).get("changes_pending").asBoolean())
        .as("a hold alone: a person's apply releases it").isTrue();
  }

  /**
   * Found in the Ansible trial (tansible17): a host without addresses had a plan whose after held
   * {@code ip_addresses: []} where its before had no such key, and --diff showed an empty added line.
   */
  @Test
  void testRender_beforeAndAfterLeaveOutAnEmptyListOfNamesAlike() {
    var d = Fixtures.desired();
    HostIdentity noAddress = host("portal", "example.com");
    Plan plan = planner.plan(
        Fixtures.input(d, host("portal2", "example.com"), Fixtures.converged(d, noAddress).observed(), NOW));

    JsonNode server = validJson(plan).get("changes").get(0);

    assertThat(server.get("address").asString()).isEqualTo("server");
    assertThat(server.get("before").has("ip_addresses")).as(server.toString()).isFalse();
    assertThat(server.get("after").has("ip_addresses")).as(server.toString()).isFalse();
    assertThat(server.get("after").get("dns_names").toString()).contains("portal2.example.com");
  }

  @Test
  void testRender_freshExternalStoreWithAwaitedChainMatchesTheSchema() {
    Plan plan =
        planner.plan(
            Fixtures.input(
                Fixtures.external(Fallback.NONE), portal, ObservedStore.empty(), NOW,
                new ExternalChainFile.Absent(CHAIN_FILE)));

    JsonNode json = validJson(plan);

    assertThat(json.get("changes").findValuesAsString("address")).contains("server.csr");
    assertThat(json.get("warnings").get(0).get("code").asString()).isEqualTo("chain-awaited");
  }

  @Test
  void testRender_importMatchesTheSchema() {
    var d = Fixtures.external(Fallback.NONE);
    Fixtures.Store s = Fixtures.waiting(d, portal);
    List<CertificateFacts> chain = Fixtures.externalChain("a", d, portal, s, true);

    JsonNode json =
        validJson(planner.plan(Fixtures.input(d, portal, s.observed(), NOW, Fixtures.validFile(chain))));

    assertThat(json.get("changes").get(0).get("reasons").get(0).get("code").asString())
        .isEqualTo("chain-imported");
  }

  @Test
  void testRender_refusalIsAnErrorWithItsProblems() {
    var d = Fixtures.external(Fallback.NONE);
    ExternalChainFile refused =
        new ExternalChainFile.Refused(
            CHAIN_FILE, Fixtures.fp("bad"), Set.of(), List.of("leaf does not match server.key (…)", "SAN does not cover: portal"));

    JsonNode json =
        validJson(planner.plan(Fixtures.input(d, portal, Fixtures.waiting(d, portal).observed(), NOW, refused)));

    JsonNode error = json.get("errors").get(0);
    assertThat(error.get("code").asString()).isEqualTo("chain-refused");
    assertThat(error.get("problems")).hasSize(2);
    assertThat(json.get("changes_pending").asBoolean()).isFalse();
  }

  @Test
  void testRender_clockRefusalsMatchTheSchema() {
    var d = Fixtures.desired();
    ObservedStore store = Fixtures.converged(d, portal).observed();

    JsonNode behind = validJson(planner.plan(Fixtures.input(d, portal, store, NOW.minus(java.time.Duration.ofDays(1)))));
    JsonNode ahead =
        validJson(
            planner.plan(
                Fixtures.input(d, portal, new java.util.TreeMap<>(), store, NOW.plus(java.time.Duration.ofDays(7300)),
                    Set.of(), Fixtures.fp("basis"), java.util.Optional.empty(), java.util.Optional.of(NOW))));

    assertThat(behind.get("errors").get(0).get("code").asString()).isEqualTo("clock-behind");
    assertThat(ahead.get("errors").get(0).get("code").asString()).isEqualTo("clock-ahead");
  }

  @Test
  void testRender_trustChangesAndWarningsMatchTheSchema() {
    var d = Fixtures.desired();
    Fixtures.Store s = Fixtures.converged(d, portal);
    s.trusted.put("gone", Fixtures.trusted("gone", NOW.plus(Duration.ofDays(400))));
    SortedMap<String, CertificateFacts> want = new TreeMap<>();
    want.put("soon", Fixtures.trusted("soon", NOW.plus(Duration.ofDays(10))));

    JsonNode json = validJson(planner.plan(Fixtures.input(d, portal, want, s.observed(), NOW)));

    assertThat(json.get("changes").findValuesAsString("action")).contains("create", "delete", "update");
    assertThat(json.get("warnings")).isNotEmpty();
  }

  @Test
  void testRender_driftAfterImportMatchesTheSchema() {
    var d = Fixtures.external(Fallback.INTERNAL);
    List<CertificateFacts> chain = Fixtures.externalChain("a", d, portal, Fixtures.waiting(d, portal), false);

    validJson(
        planner.plan(
            Fixtures.input(
                d, host("portal2", "example.com", "192.0.2.11"), Fixtures.imported(d, portal, chain).observed(),
                NOW, new ExternalChainFile.Absent(CHAIN_FILE))));
  }

  @Test
  void testRender_caRotationPhasesMatchTheSchema() {
    var d = Fixtures.desired();
    var ca = d.ca();
    var rotating =
        Fixtures.withCa(
            d,
            new CaSpec(
                ca.subject(), ca.key(), ca.validity(), ca.renewBefore(),
                Optional.of(Duration.ofDays(7)), ca.policy()));
    var t1 = NOW.plus(Duration.ofDays(3600));
    Fixtures.Store s = Fixtures.converged(rotating, portal);
    s.serverCert = Fixtures.serverCert("renewed", rotating, portal, s.caCert, s.serverKey, t1);
    s.deriveOutputs(rotating);

    JsonNode phase1 = validJson(planner.plan(Fixtures.input(rotating, portal, s.observed(), t1)));
    Fixtures.rotating(s, rotating, portal, t1);
    JsonNode phase2 =
        validJson(planner.plan(Fixtures.input(rotating, portal, s.observed(), t1.plus(Duration.ofDays(7)))));
    Fixtures.moved(s, rotating, portal, t1.plus(Duration.ofDays(7)));
    JsonNode phase3 =
        validJson(planner.plan(Fixtures.input(rotating, portal, s.observed(), t1.plus(Duration.ofDays(14)))));

    assertThat(phase1.get("changes").findValuesAsString("address")).contains("ca-next");
    assertThat(phase2.get("changes").findValuesAsString("code")).contains("ca-rotation");
    assertThat(phase3.get("changes").get(0).get("address").asString()).isEqualTo("ca-previous");
  }
}
