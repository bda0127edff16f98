package org.hostpki.check;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.hostpki.plan.Expiries;
import org.hostpki.json.JsonWriter;
import org.hostpki.plan.PlanJson;
import org.hostpki.renewal.Renewal;

/** {@code hostpki check --output json}, described by {@code schema/check.schema.json}. */
public final class VerdictJson {
  /** The version of this format; bumped on incompatible change. */
  public static final String FORMAT_VERSION = "1";

  private VerdictJson() {}

  /**
   * @param exitCode the code the command exits with (the contract's, or the plugin convention's
   *     with {@code --nagios})
   */
  public static String render(Verdict v, String store, int exitCode) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("status", v.status().code());
    w.field("exit_code", exitCode);
    w.field("summary", v.summary());
    w.field("checked_at", v.checkedAt());
    w.field("store", store);
    w.name("thresholds").beginObject()
        .field("warning", v.thresholds().warning().code())
        .field("critical", v.thresholds().critical().code())
        .endObject();
    w.field("problems", v.problems());
    w.name("certificates").beginArray();
    for (Verdict.CertificateVerdict c : v.certificates()) {
      certificate(w, c, v);
    }
    w.endArray();
    w.name("crls").beginArray();
    for (Verdict.CrlVerdict c : v.crls()) {
      w.beginObject()
          .field("file", c.file())
          .field("status", c.status().code())
          .field("issuer", c.facts().issuerDn())
          .field("number", c.facts().number().map(java.math.BigInteger::toString))
          .field("this_update", c.facts().thisUpdate());
      optional(w.name("next_update"), c.facts().nextUpdate());
      w.name("seconds_left");
      c.facts().nextUpdate().ifPresentOrElse(
          n -> w.value(Duration.between(v.checkedAt(), n).getSeconds()), w::nullValue);
      optional(w.name("warning_from"), c.warningFrom());
      w.field("problem", c.problem());
      w.endObject();
    }
    w.endArray();
    w.name("plan");
    if (v.plan().isPresent()) {
      PlanJson.write(w, v.plan().get());
    } else {
      w.nullValue();
    }
    return w.endObject().toString();
  }

  private static void certificate(JsonWriter w, Verdict.CertificateVerdict c, Verdict v) {
    Expiries.Standing s = c.standing();
    Renewal r = s.renewal();
    w.beginObject();
    w.field("certificate", s.certificate());
    w.field("status", c.status().code());
    w.field("sha256", s.facts().fingerprint());
    w.field("not_before", s.facts().notBefore());
    w.field("not_after", s.facts().notAfter());
    w.field("seconds_left", Duration.between(v.checkedAt(), s.facts().notAfter()).getSeconds());
    w.field("handled", s.unhandled().isEmpty());
    w.field("unhandled_reason", s.unhandled());
    w.field("warning_from", s.facts().notAfter().minus(c.warningBefore()));
    w.field("critical_from", s.facts().notAfter().minus(c.criticalBefore()));
    w.field("problem", c.problem());
    renewal(w.name("renewal"), r, v.checkedAt());
    w.endObject();
  }

  private static void optional(JsonWriter w, java.util.Optional<Instant> time) {
    time.ifPresentOrElse(w::value, w::nullValue);
  }

  /**
   * When a certificate is renewed and why ({@code common.schema.json#/$defs/renewal}), as {@code
   * check} and {@code status} show it.
   */
  public static void renewal(JsonWriter w, Renewal r, Instant now) {
    w.beginObject()
        .field("at", r.at())
        .field("state", r.state().name().toLowerCase(Locale.ROOT))
        .field("cause", r.cause().code())
        .field("due_at", r.dueAt())
        .field("window", r.waitingFor())
        .field("summary", r.summary(now))
        .endObject();
  }
}
