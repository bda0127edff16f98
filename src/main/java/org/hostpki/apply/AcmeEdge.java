package org.hostpki.apply;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hostpki.acme.AccountState;
import org.hostpki.acme.AcmeCa;
import org.hostpki.acme.AcmeFailure;
import org.hostpki.acme.AcmeIssuer;
import org.hostpki.acme.AcmeSettings;
import org.hostpki.acme.HookRunner;
import org.hostpki.acme.Issued;
import org.hostpki.acme.OrderRequest;
import org.hostpki.acme.RenewalWindow;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.ChainValidator;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Intent;
import org.hostpki.renewal.SuggestedWindow;

/**
 * Apply's side of {@code server.issuer: acme}: what the planner is told of the CA (the store's ACME
 * record, and the renewal window of the served certificate fetched within {@link
 * #RENEWAL_INFO_BOUND}), the order a plan asks for, and the revocation of the certificate it
 * replaced. Only used when the issuer is acme, so other runs never load acme4j.
 */
final class AcmeEdge {
  /** A plan waits at most this long for the CA's renewal information. */
  static final Duration RENEWAL_INFO_BOUND = Duration.ofSeconds(5);

  private final AcmeIssuer issuer;
  private final AcmeSpec spec;
  private final SecureRandom random;
  private final Clock clock;

  private AcmeEdge(AcmeIssuer issuer, AcmeSpec spec, SecureRandom random, Clock clock) {
    this.issuer = issuer;
    this.spec = spec;
    this.random = random;
    this.clock = clock;
  }

  /**
   * The edge for this desired state, or empty when the issuer is not acme.
   *
   * @param hooks runs a dns-01 hook as every hook of the desired state runs
   * @param ca stands in for the CA's network side (a test's CA); empty: the directory's
   */
  static Optional<AcmeEdge> of(
      DesiredState desired, Secrets secrets, Hooks hooks, Clock clock, SecureRandom random, Optional<AcmeCa> ca) {
    ServerSpec server = desired.server();
    if (server.issuer() != ServerSpec.Issuer.ACME || server.acme().isEmpty()) {
      return Optional.empty();
    }
    AcmeSpec spec = server.acme().get();
    AcmeSettings settings =
        new AcmeSettings(
            spec,
            spec.externalAccountBinding().map(e -> secrets.acmeHmacKey(e.hmacKey())));
    Path store = desired.store().path();
    return Optional.of(
        new AcmeEdge(new AcmeIssuer(settings, store, clock, random, dns01(desired, hooks), ca), spec, random, clock));
  }

  private static HookRunner dns01(DesiredState desired, Hooks hooks) {
    return (argv, variables, timeout, timeoutSetting) ->
        hooks.runProgram(desired, "dns-01", argv, variables, timeout, timeoutSetting);
  }

  /**
   * What the planner is told: the record, read without the network, and the CA's window for the
   * served certificate when this account ordered it (a failure to get it is a warning, as is a
   * window that starts only when the certificate has expired; one that ends after is cut there).
   *
   * @param honourBackOff an order waits for the recorded back-off ({@link AcmeObservation})
   * @param served the store's {@code server.crt}
   * @param askCa fetch renewal information (not for the check after a write)
   */
  AcmeObservation observe(boolean honourBackOff, Optional<Certificate> served, boolean askCa) {
    AccountState state = issuer.accountState();
    // A run killed after its order was recorded, before the store took the certificate, left an
    // earlier order's certificate served: still this account's, not one to order again.
    Optional<Fingerprint> earlier =
        served.map(Certificate::fingerprint)
            .filter(f -> state.lastOrder().filter(o -> o.earlierLeavesSha256().contains(f.hex())).isPresent());
    Optional<Fingerprint> lastOrdered = earlier.or(() -> state.lastOrder().flatMap(o -> fingerprint(o.leafSha256())));
    Optional<SuggestedWindow> window = Optional.empty();
    Optional<String> problem = Optional.empty();
    Optional<Certificate> ours = served.filter(c -> lastOrdered.equals(Optional.of(c.fingerprint())));
    if (askCa && ours.isPresent()) {
      try {
        Optional<RenewalWindow> info = issuer.renewalInfo(ours.get(), RENEWAL_INFO_BOUND);
        Instant expiry = ours.get().facts().notAfter();
        if (info.isPresent() && !info.get().start().isBefore(expiry)) {
          // Believed, it would keep the certificate serving until it expired, and past that.
          problem = Optional.of(
              "the CA suggested renewing from " + DateText.of(info.get().start()) + " to "
                  + DateText.of(info.get().end()) + ", not before the certificate expires ("
                  + DateText.of(expiry) + ")");
        } else {
          window = info.filter(w -> w.end().isAfter(w.start()))
              .map(w -> new SuggestedWindow(w.start(), w.end().isAfter(expiry) ? expiry : w.end()));
        }
      } catch (AcmeFailure f) {
        problem = Optional.of(String.valueOf(f.getMessage()));
      }
    }
    return new AcmeObservation(
        state.accountUrl(),
        lastOrdered,
        state.lastOrder().map(AccountState.LastOrder::completed),
        state.failure().map(AcmeEdge::failure),
        window,
        problem,
        honourBackOff,
        earlier.isPresent());
  }

  private static Optional<Fingerprint> fingerprint(String hex) {
    try {
      return Optional.of(new Fingerprint(hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a damaged record: the served certificate is not taken as ordered here
    }
  }

  static AcmeObservation.Failure failure(AccountState.LastFailure f) {
    return new AcmeObservation.Failure(
        f.at(), f.message(), f.inARow(), f.retryAfter(), f.kind() == AcmeFailure.Kind.RATE_LIMITED,
        f.nextAttempt());
  }

  /**
   * Performs the order: a request for the store's next key, the order, and the chain's checks (as
   * for an imported chain). Nothing in the served files changes here; the ACME record holds the
   * outcome.
   *
   * @throws OrderFailed the order failed, or the chain did not pass the checks (recorded, too)
   */
  AcmeOrdered order(Intent.OrderAcme order, StoreContents store) {
    try {
      return orderOnce(order, store);
    } catch (AcmeFailure f) {
      Optional<AcmeObservation.Failure> recorded = issuer.accountState().failure().map(AcmeEdge::failure);
      throw new OrderFailed(failed(f, spec, recorded.map(AcmeObservation.Failure::nextAttempt)), recorded);
    }
  }

  /**
   * An order that failed, recorded with its next attempt: {@link #error} says so, once it is known
   * whether an internal certificate serves meanwhile.
   */
  static final class OrderFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Function<Boolean, HostpkiException> error;
    private final transient Optional<AcmeObservation.Failure> recorded;

    OrderFailed(Function<Boolean, HostpkiException> error, Optional<AcmeObservation.Failure> recorded) {
      super(error.apply(false).getMessage());
      this.error = error;
      this.recorded = recorded;
    }

    /** @param fellBack an internal certificate serves meanwhile */
    HostpkiException error(boolean fellBack) {
      return error.apply(fellBack);
    }

    Optional<AcmeObservation.Failure> recorded() {
      return recorded;
    }
  }

  private AcmeOrdered orderOnce(Intent.OrderAcme order, StoreContents store) throws AcmeFailure {
    KeyMaterial key =
        order.newKey() || store.serverKey().isEmpty()
            ? KeyMaterial.generate(order.key(), random)
            : store.serverKey().get();
    byte[] csr =
        CertificationRequest.create(order.subject(), order.dnsNames(), order.ipAddresses(), false, key, random)
;
    Optional<Certificate> replaces =
        order.replaces().flatMap(fp -> store.serverCertificate().filter(c -> c.fingerprint().equals(fp)));
    Issued issued = issuer.order(new OrderRequest(order.dnsNames(), order.ipAddresses(), csr, replaces));
    // Checked at the time it arrived: a CA need not back-date, so it may be valid only from now.
    ChainValidator.Result checked =
        ChainValidator.check(
            issued.chain(), key.publicKey(), order.dnsNames(), order.ipAddresses(), clock.instant());
    if (!checked.accepted()) {
      AcmeFailure refused =
          new AcmeFailure(
              AcmeFailure.Kind.PROTOCOL,
              "the chain the CA at " + TerminalText.escape(spec.directory().toString())
                  + " issued does not pass the checks of an imported chain: "
                  + TerminalText.escape(String.join("; ", checked.problems())));
      issuer.recordFailure(refused);
      throw refused;
    }
    List<String> warnings = new ArrayList<>(issued.warnings());
    return new AcmeOrdered(key, checked.chain(), checked.servedChain(), warnings);
  }

  /**
   * Revokes the certificate the new one replaced (reason keyCompromise), after the new one is in
   * place: {@code apply --replace server --revoke-old}.
   *
   * @return why it failed; empty when it is revoked
   */
  Optional<String> revoke(Certificate old) {
    try {
      issuer.revoke(old);
      return Optional.empty();
    } catch (AcmeFailure e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  /** The error a failed order is to the user: the CA's words, and when it is tried again. */
  private static Function<Boolean, HostpkiException> failed(AcmeFailure f, AcmeSpec spec, Optional<Instant> nextAttempt) {
    return fellBack -> failed(f, spec, nextAttempt, fellBack);
  }

  private static HostpkiException failed(AcmeFailure f, AcmeSpec spec, Optional<Instant> nextAttempt, boolean fellBack) {
    List<String> details = new ArrayList<>();
    f.problem().ifPresent(p -> details.add("problem: " + TerminalText.escape(p.type())));
    nextAttempt.ifPresent(
        at -> details.add(
            "unattended runs (watch, apply --unattended) try again from "
                + org.hostpki.model.DateText.of(at)
                + (f.retryAfter().isPresent() ? " (the CA's Retry-After)" : "")
                + "; 'hostpki status' shows the record"));
    details.add(
        fellBack
            ? "a certificate from the internal CA serves meanwhile (server.acme.fallback)"
            : "nothing served was changed: the current certificate keeps serving");
    return new HostpkiException(
        "ordering the server certificate from the ACME CA at "
            + TerminalText.escape(spec.directory().toString()) + " failed: " + f.getMessage(),
        details);
  }
}
