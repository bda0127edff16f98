package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The codes of reasons, refusals and warnings are the JSON plan's contract: each enum holds
 * exactly what schema/plan.schema.json (and common.schema.json, for the codes status shares) lists,
 * in the same order, so a code added on one side only
 * fails here rather than in a user's script.
 */
@Execution(ExecutionMode.CONCURRENT)
class PlanCodesTest {
  private static final JsonNode SCHEMA = schema("plan.schema.json");
  /** Reasons and refusals are shared with status (drift, errors): their codes live here. */
  private static final JsonNode COMMON = schema("common.schema.json");

  private static JsonNode schema(String name) {
    try (InputStream in = PlanCodesTest.class.getResourceAsStream("/schema/" + name)) {
      return JsonMapper.builder().build().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void testReasonCodes_areTheSchemasReasonEnum() {
    JsonNode codes = COMMON.at("/$defs/reason/properties/code/enum");

    assertThat(words(codes)).containsExactlyElementsOf(codes(ReasonCode.values(), ReasonCode::code));
  }

  @Test
  void testRefusalCodes_areTheSchemasErrorEnum() {
    JsonNode codes = COMMON.at("/$defs/refusal/properties/code/enum");

    assertThat(words(codes))
        .containsExactlyElementsOf(codes(RefusalCode.values(), RefusalCode::code));
  }

  @Test
  void testWarningCodes_areTheSchemasWarningEnum() {
    JsonNode codes = SCHEMA.at("/properties/warnings/items/properties/code/enum");

    assertThat(words(codes))
        .containsExactlyElementsOf(codes(WarningCode.values(), WarningCode::code));
  }

  @Test
  void testReasonCodes_carryTheRotationAndWatchPolicies() {
    assertThat(Arrays.stream(ReasonCode.values()).filter(ReasonCode::waitsForOverlap))
        .containsExactly(
            ReasonCode.KEY_SPEC_CHANGED, ReasonCode.SUBJECT_CHANGED, ReasonCode.NAME_CONSTRAINTS_CHANGED,
            ReasonCode.EXPIRING);
    assertThat(Arrays.stream(ReasonCode.values()).filter(ReasonCode::appliesAtOnce))
        .containsExactly(
            ReasonCode.MISSING, ReasonCode.KEY_MISMATCH, ReasonCode.ISSUER_CHANGED,
            ReasonCode.EXPIRING, ReasonCode.EXPIRED, ReasonCode.NOT_YET_VALID,
            ReasonCode.OUT_OF_DATE, ReasonCode.CA_ROTATION, ReasonCode.LINK_MISSING);
    // The host is without a valid certificate or file until applied: no drift beside it waits it out.
    assertThat(Arrays.stream(ReasonCode.values()).filter(ReasonCode::appliesAtOnceWithAnyDrift))
        .containsExactly(
            ReasonCode.MISSING, ReasonCode.KEY_MISMATCH, ReasonCode.EXPIRED, ReasonCode.NOT_YET_VALID,
            ReasonCode.LINK_MISSING);
  }

  private static List<String> words(JsonNode array) {
    assertThat(array.isArray()).as("an enum in the schema").isTrue();
    List<String> words = new ArrayList<>();
    array.forEach(n -> words.add(n.asString()));
    return words;
  }

  private static <T> List<String> codes(T[] values, Function<T, String> code) {
    return Arrays.stream(values).map(code).toList();
  }
}
