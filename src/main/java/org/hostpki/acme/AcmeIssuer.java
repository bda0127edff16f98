package org.hostpki.acme;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.spec.SecretKeySpec;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.JcaKeys;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.ParsedCsr;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.toolbox.AcmeUtils;

/**
 * The ACME edge: orders a certificate, asks for renewal information, revokes. One instance serves
 * one apply for one store and one CA directory; the caller holds the store's lock. See the package
 * documentation for the policy.
 *
 * <p>Over 400 lines on purpose: one order's steps (account, order, challenges, finalize,
 * download, chain choice) share its nonce, account and retry state; the parts that stand alone
 * (challenge responders, back-off, problems) are classes of their own.
 */
public final class AcmeIssuer {
  /** One HTTP request to the CA may take at most this long. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration FIRST_POLL = Duration.ofMillis(100);
  private static final Duration LONGEST_POLL = Duration.ofSeconds(5);

  private final AcmeSettings settings;
  private final AcmeSpec spec;
  private final AccountRecord record;
  private final Clock clock;
  private final SecureRandom random;
  private final HookRunner hooks;
  private final Pause pause;
  private final String server;
  private final AcmeCa ca;

  /**
   * @param store the store directory; the account record is in {@code STORE/.acme/}
   * @param hooks runs the dns-01 hook by the hooks' rules ({@code apply.Hooks#runProgram})
   */
  public AcmeIssuer(AcmeSettings settings, Path store, Clock clock, SecureRandom random, HookRunner hooks) {
    this(settings, store, clock, random, hooks, Pause.SLEEP, Optional.empty());
  }

  /** @param ca stands in for the CA's network side (a test's CA); empty: the directory's */
  public AcmeIssuer(
      AcmeSettings settings, Path store, Clock clock, SecureRandom random, HookRunner hooks, Optional<AcmeCa> ca) {
    this(settings, store, clock, random, hooks, Pause.SLEEP, ca);
  }

  AcmeIssuer(AcmeSettings settings, Path store, Clock clock, SecureRandom random, HookRunner hooks, Pause pause) {
    this(settings, store, clock, random, hooks, pause, Optional.empty());
  }

  /** {@link #REQUEST_TIMEOUT}, but for a test's stub ({@link #withRequestTimeout}). */
  private Duration requestTimeout = REQUEST_TIMEOUT;

  /**
   * This issuer with another limit per request. For tests whose loopback stub answers slowly on
   * a machine at load ~40 (one request of the preferredChain test took over 30 s): a hang still
   * fails, after this long.
   */
  AcmeIssuer withRequestTimeout(Duration timeout) {
    requestTimeout = timeout;
    return this;
  }

  private AcmeIssuer(
      AcmeSettings settings, Path store, Clock clock, SecureRandom random, HookRunner hooks, Pause pause,
      Optional<AcmeCa> ca) {
    this.settings = settings;
    this.spec = settings.spec();
    this.record = AccountRecord.in(store, spec.directory(), random);
    this.clock = clock;
    this.random = random;
    this.hooks = hooks;
    this.pause = pause;
    this.server = TerminalText.escape(spec.directory().toString());
    this.ca = ca.orElseGet(Network::new);
  }

  /** The directory's CA, over RFC 8555. */
  private final class Network implements AcmeCa {
    @Override
    public Issued order(OrderRequest request, Instant deadline) throws AcmeFailure {
      return orderOnce(request, OrderDeadline.of(clock, deadline, spec.timeout()));
    }

    @Override
    public Optional<RenewalWindow> renewalInfo(Certificate leaf, Duration bound) throws AcmeFailure {
      return fetchRenewalInfo(leaf, bound);
    }
  }

  /** The record of this CA's account in the store, read without the network. */
  public AccountState accountState() {
    return record.state();
  }

  public Path accountRecordPath() {
    return record.path();
  }

  // ---- ordering ------------------------------------------------------------------------------

  /**
   * Orders a certificate: account (created once), new order, authorizations, challenges, finalize
   * with the request, download, the chain preferredChain names. The outcome is recorded in the
   * account record (the last order, or the failure and when to try again); the served files are
   * not touched. The whole order takes at most {@code server.acme.timeout} ({@link OrderDeadline}).
   */
  public Issued order(OrderRequest request) throws AcmeFailure {
    Instant deadline = clock.instant().plus(spec.timeout());
    AccountState state = record.state();
    try {
      Issued issued;
      try {
        issued = ca.order(request, deadline);
      } catch (AcmeFailure f) {
        if (f.problem().isEmpty() || !f.problem().get().is("accountDoesNotExist") || state.accountUrl().isEmpty()) {
          throw f;
        }
        // The CA no longer knows the recorded account (reset, deactivated): the same key makes
        // a new one, recorded as the old one was, and the order is tried once more.
        save(new AccountState(state.directory(), Optional.empty(), state.lastOrder(), state.failure()));
        issued = ca.order(request, deadline);
      }
      save(
          new AccountState(
              state.directory(),
              record.state().accountUrl(),
              Optional.of(
                  new AccountState.LastOrder(
                      clock.instant(), issued.orderUrl(), issued.certificateUrl(), identifierTexts(request),
                      issued.leaf().fingerprint().hex(),
                      state.lastOrder().map(AccountState.LastOrder::leavesSha256).orElse(List.of()))),
              Optional.empty()));
      return issued;
    } catch (AcmeFailure failure) {
      recordFailure(failure);
      throw failure;
    }
  }

  private Issued orderOnce(OrderRequest request, OrderDeadline deadline) throws AcmeFailure {
    ParsedCsr csr = csr(request.csr());
    Session session = session(deadline);
    Login login = login(session);
    Metadata meta = call("reading the CA's directory", session::getMetadata);
    checkProfile(meta);
    boolean ari = call("reading the CA's directory", () -> session.resourceUrlOptional(Resource.RENEWAL_INFO)).isPresent();
    boolean replaces = ari && request.replaces().isPresent();
    Order order;
    try {
      order = call("creating the order", () -> orderBuilder(login, request, replaces).create());
    } catch (AcmeFailure f) {
      // RFC 9773 section 5: a CA may refuse to let this order replace the certificate (already
      // replaced, or not this account's); the certificate is still wanted, so order it plainly.
      if (!replaces || f.problem().isEmpty()
          || !(f.problem().get().is("alreadyReplaced") || f.problem().get().is("conflict"))) {
        throw f;
      }
      order = call("creating the order", () -> orderBuilder(login, request, false).create());
      return finish(order, request, csr, false, deadline);
    }
    return finish(order, request, csr, replaces, deadline);
  }

  private Issued finish(Order order, OrderRequest request, ParsedCsr csr, boolean replacesSent, OrderDeadline deadline)
      throws AcmeFailure {
    List<String> warnings = new ArrayList<>();
    authorize(order, ordered(request), deadline, warnings);
    call("sending the certificate request", () -> {
      order.execute(csr.der());
      return null;
    });
    Status finished = await("waiting for the certificate", order, EnumSet.of(Status.VALID, Status.INVALID), deadline);
    if (finished == Status.INVALID) {
      throw orderFailed(order, "the CA did not issue the certificate");
    }
    return download(order, csr, replacesSent, warnings);
  }

  private static ParsedCsr csr(byte[] bytes) {
    try {
      return CertificationRequest.parse(bytes);
    } catch (InvalidMaterialException e) {
      throw new IllegalArgumentException("the certificate request " + e.getMessage(), e);
    }
  }

  private OrderBuilder orderBuilder(Login login, OrderRequest request, boolean replaces) {
    OrderBuilder builder = login.newOrder();
    request.dnsNames().forEach(builder::domain);
    request.addresses().forEach(a -> builder.identifier(Identifier.ip(a)));
    spec.profile().ifPresent(builder::profile);
    if (replaces) {
      request.replaces().ifPresent(c -> builder.replaces(JcaKeys.x509(c)));
    }
    return builder;
  }

  private void checkProfile(Metadata meta) throws AcmeFailure {
    if (spec.profile().isEmpty()) {
      return;
    }
    String profile = spec.profile().get();
    Set<String> offered = meta.getProfiles();
    if (offered.isEmpty()) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "server.acme.profile is " + TerminalText.escape(profile) + " but the CA at " + server
              + " offers no profiles (its directory has no meta.profiles); remove server.acme.profile");
    }
    if (!offered.contains(profile)) {
      List<String> names = new ArrayList<>();
      offered.stream().sorted().forEach(p -> names.add(TerminalText.escape(p)
          + meta.getProfileDescription(p).map(d -> " (" + TerminalText.escape(d) + ")").orElse("")));
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "server.acme.profile " + TerminalText.escape(profile) + " is not offered by the CA at " + server
              + "; it offers: " + String.join(", ", names));
    }
  }

  /**
   * Answers every pending authorization's challenge; all are presented before any is triggered.
   * Only an authorization for an identifier the order asked for is answered: a CA that listed
   * another one (victim.example.org) had the dns-01 hook publish a TXT record for it.
   *
   * @param ordered the order's identifiers as {@link #identifierKey} gives them
   */
  private void authorize(Order order, Set<String> ordered, OrderDeadline deadline, List<String> warnings)
      throws AcmeFailure {
    List<Authorization> authorizations = call("reading the order's authorizations", order::getAuthorizations);
    List<Challenge> challenges = new ArrayList<>();
    List<PendingChallenge> pending = new ArrayList<>();
    String type = spec.challenge().type();
    for (Authorization authorization : authorizations) {
      Status status = call("reading an authorization", authorization::getStatus);
      if (status == Status.VALID) {
        continue; // validated earlier (authorization reuse)
      }
      Identifier id = call("reading an authorization", authorization::getIdentifier);
      String described = id.getType() + ":" + (authorization.isWildcard() ? "*." : "") + id.getValue();
      if (!ordered.contains(identifierKey(id.getType(), id.getValue(), authorization.isWildcard()))) {
        throw new AcmeFailure(
            AcmeFailure.Kind.PROTOCOL,
            "the CA at " + server + " asked to validate " + TerminalText.escape(described) + ", which this order did"
                + " not ask for (it asked for " + String.join(", ", ordered) + "); hostpki answers no challenge for it."
                + " Is server.acme.directory the CA you mean?");
      }
      if (status != Status.PENDING) {
        throw new AcmeFailure(
            AcmeFailure.Kind.VALIDATION_FAILED,
            "the CA's authorization for " + TerminalText.escape(described) + " is "
                + status.name().toLowerCase(Locale.ROOT) + ", so it cannot be validated; the next order starts afresh");
      }
      Optional<Challenge> challenge = call("reading an authorization", () -> authorization.findChallenge(type));
      if (challenge.isEmpty() || !(challenge.get() instanceof TokenChallenge token)) {
        List<String> offered = new ArrayList<>();
        call("reading an authorization", authorization::getChallenges).forEach(c -> offered.add(c.getType()));
        throw new AcmeFailure(
            AcmeFailure.Kind.CONFIGURATION,
            "the CA offers no " + type + " challenge for " + TerminalText.escape(described) + " (it offers: "
                + TerminalText.escape(String.join(", ", offered)) + "); set server.acme.challenge to one of those");
      }
      challenges.add(token);
      pending.add(
          new PendingChallenge(
              id.getType(), id.getValue(), authorization.isWildcard(), tokenOf(token.getAuthorization()),
              token.getAuthorization(),
              token instanceof Dns01Challenge dns ? dns.getDigest() : ""));
    }
    if (pending.isEmpty()) {
      return;
    }
    ChallengeResponder responder = responder(deadline);
    try {
      responder.present(pending);
      for (Challenge challenge : challenges) {
        call("asking the CA to validate", () -> {
          challenge.trigger();
          return null;
        });
      }
      for (int i = 0; i < challenges.size(); i++) {
        Challenge challenge = challenges.get(i);
        Status status =
            await("waiting for the CA to validate " + pending.get(i).describe(), challenge,
                EnumSet.of(Status.VALID, Status.INVALID), deadline);
        if (status == Status.INVALID) {
          throw validationFailed(challenge, pending.get(i));
        }
      }
      Status ready =
          await("waiting for the order to become ready", order, EnumSet.of(Status.READY, Status.VALID, Status.INVALID), deadline);
      if (ready == Status.INVALID) {
        throw orderFailed(order, "the CA could not validate every identifier");
      }
    } finally {
      warnings.addAll(responder.cleanUp());
    }
  }

  /** A key authorization is {@code TOKEN.THUMBPRINT} (RFC 8555 section 8.1). */
  private static String tokenOf(String keyAuthorization) {
    return keyAuthorization.substring(0, keyAuthorization.indexOf('.'));
  }

  private ChallengeResponder responder(OrderDeadline deadline) {
    AcmeChallenge c = spec.challenge();
    if (c instanceof AcmeChallenge.Http01Listener l) {
      return new Http01Listener(l.listen());
    }
    if (c instanceof AcmeChallenge.Http01Webroot w) {
      return new Http01Webroot(w.webroot());
    }
    if (c instanceof AcmeChallenge.TlsAlpn01Listener t) {
      return new TlsAlpn01Listener(t.listen(), clock, random);
    }
    AcmeChallenge.Dns01Hook d = (AcmeChallenge.Dns01Hook) c;
    return new Dns01Hook(d.hook(), d.timeout(), hooks, deadline);
  }

  private AcmeFailure validationFailed(Challenge challenge, PendingChallenge pending) {
    Optional<AcmeProblem> problem = challenge.getError().map(Failures::problem);
    return new AcmeFailure(
        AcmeFailure.Kind.VALIDATION_FAILED,
        "the CA could not validate " + TerminalText.escape(pending.describe()) + " by " + challenge.getType()
            + problem.map(p -> ": " + p.describe()).orElse("") + hint(pending),
        problem, Optional.empty(), null);
  }

  private String hint(PendingChallenge pending) {
    AcmeChallenge c = spec.challenge();
    if (c instanceof AcmeChallenge.Http01Listener l) {
      return "; the CA must reach http://" + TerminalText.escape(pending.identifier()) + ":80/ and hostpki listened on "
          + l.listen();
    }
    if (c instanceof AcmeChallenge.Http01Webroot w) {
      return "; the CA must reach http://" + TerminalText.escape(pending.identifier())
          + ":80/.well-known/acme-challenge/ served from " + w.webroot();
    }
    if (c instanceof AcmeChallenge.TlsAlpn01Listener l) {
      return "; the CA must reach " + TerminalText.escape(pending.identifier()) + ":443 and hostpki listened on "
          + l.listen();
    }
    return "; the CA must see the TXT record " + Dns01Hook.recordName(pending) + " the hook made";
  }

  private AcmeFailure orderFailed(Order order, String what) {
    Optional<AcmeProblem> problem = order.getError().map(Failures::problem);
    return new AcmeFailure(
        problem.isPresent() && problem.get().is("rateLimited") ? AcmeFailure.Kind.RATE_LIMITED : AcmeFailure.Kind.CA_PROBLEM,
        what + problem.map(p -> ": " + p.describe()).orElse(""), problem, Optional.empty(), null);
  }

  private Issued download(Order order, ParsedCsr csr, boolean replacesSent, List<String> warnings) throws AcmeFailure {
    org.shredzone.acme4j.Certificate certificate = call("downloading the certificate", order::getCertificate);
    List<ChainChoice.Download> alternates = new ArrayList<>();
    if (spec.preferredChain().isPresent()) {
      for (org.shredzone.acme4j.Certificate alternate : call("reading the alternate chains", certificate::getAlternateCertificates)) {
        alternates.add(() -> convert(call("downloading an alternate chain", alternate::getCertificateChain)));
      }
    }
    ChainChoice.Choice choice = ChainChoice.choose(
        () -> convert(call("downloading the certificate", certificate::getCertificateChain)), alternates,
        spec.preferredChain());
    List<Certificate> chain = choice.chain();
    List<String> roots = choice.rootNames();
    if (!chain.get(0).publicKey().sameKey(csr.publicKey())) {
      throw new AcmeFailure(
          AcmeFailure.Kind.PROTOCOL,
          "the certificate the CA at " + server + " sent is not for the requested key (leaf key "
              + chain.get(0).publicKey().fingerprint().shortForm() + ", request key "
              + csr.publicKey().fingerprint().shortForm() + ")");
    }
    int unread = choice.alternatesOffered() - (roots.size() - 1);
    spec.preferredChain()
        .filter(p -> !roots.contains(p))
        .ifPresent(p -> warnings.add(
            "server.acme.preferredChain '" + TerminalText.escape(p) + "' matches none of the chains the CA offers ("
                + TerminalText.escape(String.join(", ", roots))
                + (unread > 0 ? "; " + unread + " more alternates not read: hostpki reads " + ChainChoice.MAX_ALTERNATES + " at most" : "")
                + "); the default chain is served"));
    int chosen = choice.chosen();
    return new Issued(
        chain, roots.get(chosen), roots, order.getLocation().toString(), certificate.getLocation().toString(),
        replacesSent, warnings);
  }

  private List<Certificate> convert(List<X509Certificate> chain) throws AcmeFailure {
    if (chain.isEmpty()) {
      throw new AcmeFailure(AcmeFailure.Kind.PROTOCOL, "the CA at " + server + " sent an empty certificate chain");
    }
    List<Certificate> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      try {
        out.add(JcaKeys.fromX509(c));
      } catch (InvalidMaterialException e) {
        throw new AcmeFailure(
            AcmeFailure.Kind.PROTOCOL, "the CA at " + server + " sent a certificate that " + e.getMessage());
      }
    }
    return out;
  }

  // ---- renewal information, revocation -------------------------------------------------------

  /**
   * The CA's suggested renewal window for a certificate (ARI, RFC 9773), or empty when the CA
   * offers no renewal information. Never takes longer than {@code bound}: a plan must not wait on
   * a slow CA. Not recorded as a failure: a missing window only means the usual thresholds apply.
   */
  public Optional<RenewalWindow> renewalInfo(Certificate leaf, Duration bound) throws AcmeFailure {
    return ca.renewalInfo(leaf, bound.compareTo(spec.timeout()) > 0 ? spec.timeout() : bound);
  }

  private Optional<RenewalWindow> fetchRenewalInfo(Certificate leaf, Duration bound) throws AcmeFailure {
    // The bound covers the client's set-up and the first connection too: under load those, not the
    // CA, may take the time, and the message names the step the time ran out in (facme17).
    java.util.concurrent.atomic.AtomicReference<String> step =
        new java.util.concurrent.atomic.AtomicReference<>("setting up the ACME client (loading it, its TLS context)");
    return bounded("asking the CA for renewal information", bound, step, () -> {
      Session session = session(OrderDeadline.bound(clock, bound, "the bound on renewal information"));
      step.set("reading the CA's directory (connecting, the TLS handshake)");
      if (call("reading the CA's directory", () -> session.resourceUrlOptional(Resource.RENEWAL_INFO)).isEmpty()) {
        return Optional.empty();
      }
      Login login = anyLogin(session);
      RenewalInfo info = call("asking the CA for renewal information", () -> login.bindRenewalInfo(JcaKeys.x509(leaf)));
      step.set("waiting for the CA's renewal information");
      Optional<Instant> retryAfter = call("asking the CA for renewal information", info::fetch);
      Instant start = call("reading the renewal information", info::getSuggestedWindowStart);
      Instant end = call("reading the renewal information", info::getSuggestedWindowEnd);
      if (end.isBefore(start)) {
        throw new AcmeFailure(
            AcmeFailure.Kind.PROTOCOL, "the CA at " + server + " suggested a renewal window that ends before it starts");
      }
      return Optional.of(
          new RenewalWindow(start, end, info.getExplanation().map(URL::toString), retryAfter));
    });
  }

  /**
   * Revokes a certificate this store's account ordered (reason keyCompromise, as {@code apply
   * --replace server --revoke-old} asks: the old key is no longer trusted).
   */
  public void revoke(Certificate certificate) throws AcmeFailure {
    Session session = session(OrderDeadline.of(clock, clock.instant().plus(spec.timeout()), spec.timeout()));
    Optional<String> url = record.state().accountUrl();
    Optional<KeyMaterial> key = record.key();
    if (url.isEmpty() || key.isEmpty()) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "there is no ACME account for " + server + " in " + record.path()
              + ", so this store did not order the certificate and cannot revoke it");
    }
    Login login = session.login(toUrl(url.get()), JcaKeys.keyPair(key.get()));
    call("revoking the certificate", () -> {
      org.shredzone.acme4j.Certificate.revoke(login, JcaKeys.x509(certificate), RevocationReason.KEY_COMPROMISE);
      return null;
    });
  }

  // ---- the account ---------------------------------------------------------------------------

  /** A session whose every request takes at most {@link #requestTimeout} and what is left of the deadline. */
  private Session session(OrderDeadline deadline) throws AcmeFailure {
    Session session = new Session(spec.directory(), VerifiedTransport.trusting(spec.caBundle(), deadline));
    session.networkSettings().setTimeout(requestTimeout);
    session.networkSettings().setCompressionEnabled(false); // BoundedHttpClient refuses compressed answers
    session.setLocale(Locale.ENGLISH);
    return session;
  }

  /**
   * The account: the recorded one, or a new one. The key is on disk before the CA hears of it and
   * the URL right after, so no failure makes a second account.
   */
  private Login login(Session session) throws AcmeFailure {
    KeyMaterial key;
    boolean keyKept = record.key().isPresent();
    try {
      key = record.keyOrCreate(random);
    } catch (IOException e) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CHALLENGE_SETUP, "cannot write the ACME account key into " + record.path() + ": " + e.getMessage());
    }
    KeyPair pair = JcaKeys.keyPair(key);
    AccountState state = record.state();
    if (state.accountUrl().isPresent() && (!keyKept || !record.isAccountOf(key))) {
      // The recorded account's key is gone (removed, a backup restored without it) or another
      // one is in its place: the CA refuses every request that key signs for the recorded account
      // ("JWS verification error"), so each retry failed the same way. The key present makes (or,
      // when the CA knows it, finds) an account of its own.
      state = new AccountState(state.directory(), Optional.empty(), state.lastOrder(), state.failure());
      save(state);
    }
    if (state.accountUrl().isPresent()) {
      return session.login(toUrl(state.accountUrl().get()), pair);
    }
    Metadata meta = call("reading the CA's directory", session::getMetadata);
    if (meta.isExternalAccountRequired() && spec.externalAccountBinding().isEmpty()) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "the CA at " + server + " creates accounts only with external account binding: set"
              + " server.acme.externalAccountBinding to the key id and HMAC key the CA gave you");
    }
    Optional<URI> terms = meta.getTermsOfService();
    if (terms.isPresent() && !spec.termsOfServiceAgreed()) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "the CA at " + server + " asks you to agree to its terms of service before it makes an account: read "
              + TerminalText.escape(terms.get().toString()) + " and set server.acme.termsOfServiceAgreed: true");
    }
    AccountBuilder builder = new AccountBuilder().useKeyPair(pair);
    spec.contact().forEach(builder::addContact);
    if (spec.termsOfServiceAgreed()) {
      builder.agreeToTermsOfService();
    }
    if (spec.externalAccountBinding().isPresent()) {
      builder.withKeyIdentifier(spec.externalAccountBinding().get().keyId(), hmacKey());
    }
    Login login = call("creating the ACME account", () -> builder.createLogin(session));
    save(new AccountState(state.directory(), Optional.of(login.getAccountLocation().toString()), state.lastOrder(),
        state.failure()));
    return login;
  }

  /** For requests that need no account (renewal information): the recorded one, or a stand-in. */
  private Login anyLogin(Session session) throws AcmeFailure {
    Optional<String> url = record.state().accountUrl();
    Optional<KeyMaterial> key = record.key();
    if (url.isPresent() && key.isPresent()) {
      return session.login(toUrl(url.get()), JcaKeys.keyPair(key.get()));
    }
    return session.login(toUrl(spec.directory().toString()), JcaKeys.keyPair(KeyMaterial.generate(
        org.hostpki.model.KeySpec.defaultSpec(), random)));
  }

  private SecretKeySpec hmacKey() throws AcmeFailure {
    String text = settings.eabHmacKey().orElseThrow().strip();
    try {
      byte[] key = Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_').replace("=", ""));
      if (key.length == 0) {
        throw new IllegalArgumentException("empty");
      }
      return new SecretKeySpec(key, "HMAC");
    } catch (IllegalArgumentException e) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION,
          "server.acme.externalAccountBinding.hmacKey (" + spec.externalAccountBinding().get().hmacKey().describe()
              + ") is not a base64url key as CAs give it out; copy it again from the CA");
    }
  }

  private URL toUrl(String text) throws AcmeFailure {
    try {
      return URI.create(text).toURL();
    } catch (IllegalArgumentException | java.net.MalformedURLException e) {
      throw new HostpkiException(record.path().resolve(AccountRecord.STATE_FILE) + " holds an account URL that is not a URL: "
          + TerminalText.escape(text) + "; remove the file to look the account up again");
    }
  }

  // ---- recording -----------------------------------------------------------------------------

  /**
   * Records a failure with its next attempt: also one the caller found after the order (the
   * chain did not pass its checks).
   */
  public void recordFailure(AcmeFailure failure) {
    Instant now = clock.instant();
    AccountState state = record.state();
    int inARow = state.failure().map(f -> f.inARow() + 1).orElse(1);
    AccountState.LastFailure last =
        new AccountState.LastFailure(
            now, inARow, failure.kind(), String.valueOf(failure.getMessage()),
            failure.problem().map(AcmeProblem::type), failure.retryAfter(),
            BackOff.nextAttempt(now, inARow, failure.kind(), failure.retryAfter()));
    try {
      record.save(new AccountState(state.directory(), state.accountUrl(), state.lastOrder(), Optional.of(last)));
    } catch (IOException e) {
      failure.addSuppressed(e); // the failure itself is what the user must see
    }
  }

  private void save(AccountState state) throws AcmeFailure {
    try {
      record.save(state);
    } catch (IOException e) {
      throw new AcmeFailure(
          AcmeFailure.Kind.CHALLENGE_SETUP, "cannot write the ACME record into " + record.path() + ": " + e.getMessage());
    }
  }

  /** The order's identifiers, as {@link #identifierKey} gives them. */
  private static Set<String> ordered(OrderRequest request) {
    Set<String> out = new java.util.LinkedHashSet<>();
    request.dnsNames().forEach(n -> out.add(identifierKey("dns", n.startsWith("*.") ? n.substring(2) : n, n.startsWith("*."))));
    request.addresses().forEach(a -> out.add("ip:" + IpAddresses.format(a)));
    return out;
  }

  /**
   * An identifier as the order asked for it or the CA named it: {@code dns:NAME} (ASCII, lower
   * case; a wildcard {@code dns:*.NAME}) or {@code ip:ADDRESS} (hostpki's form of the address).
   */
  private static String identifierKey(String type, String value, boolean wildcard) {
    if (type.equals("ip")) {
      return "ip:" + IpAddresses.parse(value).map(IpAddresses::format).orElse(value);
    }
    String ace;
    try {
      ace = AcmeUtils.toAce(value);
    } catch (IllegalArgumentException e) {
      ace = value;
    }
    return type + ":" + (wildcard ? "*." : "") + ace.toLowerCase(Locale.ROOT);
  }

  private static List<String> identifierTexts(OrderRequest request) {
    List<String> out = new ArrayList<>();
    request.dnsNames().forEach(n -> out.add("dns:" + n));
    for (InetAddress a : request.addresses()) {
      out.add("ip:" + IpAddresses.format(a));
    }
    return out;
  }

  // ---- calling acme4j ------------------------------------------------------------------------

  private interface Call<T> {
    T run() throws Exception;
  }

  /** Runs an acme4j call, translating whatever it throws into an {@link AcmeFailure}. */
  private <T> T call(String doing, Call<T> call) throws AcmeFailure {
    try {
      return call.run();
    } catch (AcmeFailure f) {
      throw f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AcmeFailure(AcmeFailure.Kind.TIMEOUT, doing + ": interrupted");
    } catch (HostpkiException e) {
      throw e;
    } catch (Exception e) {
      throw Failures.translate(e, doing, server);
    }
  }

  /**
   * Polls a resource until it reaches one of the statuses, waiting as the CA's Retry-After asks or
   * from 100 ms up, doubling, to 5 s; fails at the deadline.
   */
  private Status await(String doing, PollableResource resource, Set<Status> done, OrderDeadline deadline)
      throws AcmeFailure {
    Instant began = clock.instant();
    Duration interval = FIRST_POLL;
    while (true) {
      Optional<Instant> retryAfter = call(doing, resource::fetch);
      Status status = call(doing, resource::getStatus);
      if (done.contains(status)) {
        return status;
      }
      if (status == Status.UNKNOWN) {
        // Polled on, it held the order (and apply) for the whole of server.acme.timeout.
        throw new AcmeFailure(
            AcmeFailure.Kind.PROTOCOL,
            doing + ": the CA at " + server + " answered with a status RFC 8555 does not define, or none; the next"
                + " order starts afresh");
      }
      Instant now = clock.instant();
      Duration left = deadline.left();
      if (left.isZero()) {
        throw deadline.ranOut(
            doing,
            "still " + status.name().toLowerCase(Locale.ROOT) + " after "
                + OrderDeadline.waited(Duration.between(began, now)));
      }
      Duration wait = retryAfter.map(at -> Duration.between(now, at)).orElse(interval);
      if (retryAfter.isPresent() && wait.compareTo(left) > 0) {
        // Waited for, the rest of server.acme.timeout passed in one sleep and the order failed
        // all the same, its next attempt not minding the CA's time; the next order starts afresh.
        throw new AcmeFailure(
            AcmeFailure.Kind.TIMEOUT,
            doing + ": still " + status.name().toLowerCase(Locale.ROOT) + ", and the CA at " + server
                + " asked to be asked again at " + org.hostpki.model.DateText.precise(retryAfter.get())
                + ", after server.acme.timeout (" + org.hostpki.model.DurationText.of(spec.timeout())
                + ") runs out; the next order is tried from then"
                + (retryAfter.get().isAfter(now.plus(BackOff.LONGEST_RETRY_AFTER))
                    ? " or, at the latest, in " + org.hostpki.model.DurationText.of(BackOff.LONGEST_RETRY_AFTER)
                        + " (hostpki believes a CA's Retry-After for that long at most)"
                    : ""),
            Optional.empty(), retryAfter, null);
      }
      if (wait.compareTo(FIRST_POLL) < 0) {
        wait = FIRST_POLL;
      }
      if (wait.compareTo(left) > 0) {
        wait = left;
      }
      try {
        pause.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AcmeFailure(AcmeFailure.Kind.TIMEOUT, doing + ": interrupted");
      }
      interval = interval.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : interval.multipliedBy(2);
    }
  }

  private interface Bounded<T> {
    T run() throws AcmeFailure;
  }

  /**
   * Runs on a daemon thread and gives up after {@code bound}, leaving the thread to its requests,
   * which end by then as well (their session's deadline is the same bound).
   *
   * @param step what {@code work} is doing now, named when the bound runs out
   */
  private <T> T bounded(
      String doing, Duration bound, java.util.concurrent.atomic.AtomicReference<String> step, Bounded<T> work)
      throws AcmeFailure {
    ExecutorService thread = Executors.newSingleThreadExecutor(Listeners.daemonThreads("hostpki-acme-bounded"));
    java.util.function.Supplier<AcmeFailure> unanswered =
        () -> new AcmeFailure(
            AcmeFailure.Kind.UNREACHABLE,
            doing + ": the CA at " + server + " did not answer within " + bound.toMillis() + " ms"
                + " (the time ran out while " + step.get() + ")");
    try {
      Future<T> result = thread.submit(work::run);
      return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw unanswered.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AcmeFailure f) {
        throw f.kind() == AcmeFailure.Kind.TIMEOUT ? unanswered.get() : f; // a request cut short at the bound
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw Failures.translate(e.getCause(), doing, server);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AcmeFailure(AcmeFailure.Kind.TIMEOUT, doing + ": interrupted");
    } finally {
      thread.shutdownNow();
    }
  }

  /** Kept for the unique ARI identifier of a certificate in messages and tests. */
  static String renewalIdentifier(Certificate certificate) {
    return AcmeUtils.getRenewalUniqueIdentifier(JcaKeys.x509(certificate));
  }
}
