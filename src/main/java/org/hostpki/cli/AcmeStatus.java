package org.hostpki.cli;

import java.util.Optional;
import org.hostpki.apply.Reconciler;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.TerminalLines;
import org.hostpki.plan.AcmeObservation;

/**
 * What {@code status} says of {@code server.issuer: acme}: the CA, the account, the last order,
 * the CA's renewal window (ARI) and, after a failure, when the next order is tried.
 */
final class AcmeStatus {
  private static final String PAD = "         ";

  private AcmeStatus() {}

  private static Optional<AcmeSpec> spec(Reconciler.Observation o) {
    ServerSpec server = o.desired().server();
    return server.issuer() == ServerSpec.Issuer.ACME ? server.acme() : Optional.empty();
  }

  static void text(TerminalLines text, Reconciler.Observation o) {
    Optional<AcmeSpec> spec = spec(o);
    if (spec.isEmpty()) {
      return;
    }
    AcmeObservation acme = o.acme();
    text.add("ACME     ").add(spec.get().directory()).end();
    text.add(PAD).add("account ").add(acme.accountUrl().orElse("none yet (made with the first order)")).end();
    text.add(PAD).add("last order ");
    if (acme.lastOrderAt().isPresent()) {
      text.add(DateText.of(acme.lastOrderAt().get()))
          .add(servesLastOrder(o)
              ? " (the served certificate)"
              : o.acme().earlierOrderServed()
                  ? " (not the served certificate: an earlier order of this account's brought that one)"
                  : " (not the served certificate)");
    } else {
      text.add("none yet");
    }
    text.end();
    acme.renewalWindow()
        .ifPresent(w -> text.add(PAD).add("renewal window (ARI) ").add(DateText.of(w.start())).add(" to ")
            .add(DateText.of(w.end())).end());
    acme.renewalInfoProblem().ifPresent(p -> text.add(PAD).add("renewal window (ARI) unknown: ").add(p).end());
    acme.failure()
        .ifPresent(f -> {
          text.add(PAD).add("last failure ").add(DateText.of(f.at()))
              .add(f.inARow() > 1 ? " (" + f.inARow() + " in a row)" : "").add(": ").add(f.message()).end();
          text.add(PAD).add("next attempt ").add(DateText.of(f.nextAttempt()))
              .add(f.rateLimited() || f.retryAfter().isPresent() ? " (as the CA asked)" : "").end();
        });
  }

  static void json(JsonWriter w, Reconciler.Observation o) {
    w.name("acme");
    Optional<AcmeSpec> spec = spec(o);
    if (spec.isEmpty()) {
      w.nullValue();
      return;
    }
    AcmeObservation acme = o.acme();
    w.beginObject();
    w.field("directory", spec.get().directory().toString());
    w.field("account_url", acme.accountUrl());
    w.name("last_order");
    if (acme.lastOrderAt().isPresent()) {
      w.beginObject().field("completed", acme.lastOrderAt().get()).field("served", servesLastOrder(o)).endObject();
    } else {
      w.nullValue();
    }
    w.name("renewal_window");
    acme.renewalWindow()
        .ifPresentOrElse(r -> w.beginObject().field("start", r.start()).field("end", r.end()).endObject(), w::nullValue);
    w.field("renewal_info_problem", acme.renewalInfoProblem());
    w.name("last_failure");
    acme.failure()
        .ifPresentOrElse(
            f -> w.beginObject().field("at", f.at()).field("in_a_row", f.inARow()).field("message", f.message())
                .field("rate_limited", f.rateLimited()).field("next_attempt", f.nextAttempt()).endObject(),
            w::nullValue);
    w.endObject();
  }

  /** Whether server.crt is the certificate the last order brought (not an earlier order's, after a rollback). */
  private static boolean servesLastOrder(Reconciler.Observation o) {
    return o.store().facts().serverCertificate().map(CertificateFacts::fingerprint)
        .filter(o.acme()::lastOrderBrought).isPresent();
  }
}
