package org.hostpki.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.StoreLayout;

/**
 * Plans the files derived from the certificates and keys ({@link Output}): written when missing,
 * written again when what they hold is out of date or what they are made from changes, removed
 * when no longer wanted; and the record of what the PKCS#12 files hold.
 */
final class OutputPlan {
  private final PlanInput in;
  private final DesiredState desired;
  private final ObservedStore observed;
  private final PlanDraft draft;
  /** {@link TrustPlan#afterApply}, made once: it is looked up for each trusted certificate. */
  private SortedMap<String, CertificateFacts> trustedAfterApply;

  OutputPlan(PlanInput in, PlanDraft draft) {
    this.in = in;
    this.desired = in.desired();
    this.observed = in.observed();
    this.draft = draft;
  }

  /**
   * {@code server-fullchain.crt} and {@code server.p12}.
   *
   * @param caChanges {@code ca.crt} changes
   */
  void server(boolean caChanges, ServerPlan.Outcome server) {
    // An imported chain does not depend on the internal CA.
    boolean caCascades = caChanges && server.importedChain().isEmpty();
    String cascade =
        caCascades ? "the CA is being replaced" : "the server certificate is being replaced";
    boolean upstream = caCascades || server.changes();

    List<Held> chain = serverChain(server);
    Optional<List<Fingerprint>> expectedChain = upstream ? Optional.empty() : observed(chain);
    certificates(
        Output.SERVER_FULLCHAIN,
        new Content(chain),
        observed.serverFullchain().map(ServerPlan::fingerprints),
        expectedChain,
        upstream ? Optional.of(cascade) : Optional.empty());

    boolean wantP12 = desired.store().password().isPresent();
    Optional<Pkcs12Facts> p12 = observed.serverPkcs12();
    Optional<String> p12Problem = Optional.empty();
    if (wantP12 && p12.isPresent() && !upstream) {
      p12Problem = keyStoreProblem(p12.get(), expectedChain.orElse(List.of()));
    }
    p12Problem = p12Problem.or(() -> passwordChanged(Output.SERVER_PKCS12));
    file(
        Output.SERVER_PKCS12,
        Optional.of(new Content(chain)).filter(c -> wantP12),
        p12.isPresent(),
        upstream ? Optional.of(cascade) : p12Problem);
  }

  /**
   * What {@code server-fullchain.crt} and {@code server.p12} hold after apply, leaf first: the
   * intermediates of the imported chain the server serves (never its root), or the internal CA.
   */
  static List<Held> serverChain(ServerPlan.Outcome server) {
    List<Held> chain = new ArrayList<>();
    chain.add(Held.Stored.SERVER);
    if (server.ordered()) {
      chain.add(Held.Ordered.INTERMEDIATES);
    } else if (server.servedChain().isPresent()) {
      List<CertificateFacts> served = server.servedChain().get();
      served.subList(1, served.size()).forEach(c -> chain.add(new Held.Issuer(c.fingerprint())));
    } else {
      chain.add(Held.Stored.CA);
    }
    return chain;
  }

  /**
   * {@code trust-bundle.crt}, {@code truststore.p12}, {@code trust-hashed/} and {@code
   * trust-crls.pem}.
   *
   * @param caCascade why the internal CAs among the trusted certificates change, when they do
   * @param trustChanges the declared trusted certificates change
   * @param crls the consumed CRLs after apply ({@link TrustCrls#plan})
   */
  void trust(
      Optional<String> caCascade,
      LinkedHashMap<String, Held> trustedCas,
      boolean trustChanges,
      List<Fingerprint> crls) {
    Optional<String> cascade =
        caCascade.isPresent()
            ? caCascade
            : trustChanges ? Optional.of("the trusted certificates change") : Optional.empty();
    List<Held> bundle = bundle(trustedCas);
    Optional<List<Fingerprint>> expected = Optional.empty();
    if (cascade.isEmpty() && observed.caCertificate().isPresent()) {
      expected = observed(bundle);
    }
    certificates(
        Output.TRUST_BUNDLE, new Content(bundle), observed.trustBundle(), expected, cascade);

    // Written with the other PKCS#12 file, as ever, but under no password: a trust store holds
    // no secret (StoreLayout.TRUSTSTORE_PKCS12).
    boolean wantP12 = desired.store().password().isPresent();
    SortedMap<String, Held> aliases = aliases(trustedCas);
    Optional<String> problem = cascade;
    if (problem.isEmpty() && wantP12 && observed.truststorePkcs12().isPresent()) {
      problem = trustStoreProblem(observed.truststorePkcs12().get(), aliases);
    }
    file(
        Output.TRUSTSTORE_PKCS12,
        Optional.of(new Content(List.of(), aliases, List.of())).filter(c -> wantP12),
        observed.truststorePkcs12().isPresent(),
        problem);

    boolean wantHashed = desired.trust().hashedDirectory();
    Optional<String> hashedProblem = cascade;
    if (hashedProblem.isEmpty() && wantHashed && observed.hashedDirectory().isPresent()) {
      List<Fingerprint> have = observed.hashedDirectory().get().values().stream().sorted().toList();
      List<Fingerprint> want =
          observed(bundle).orElse(List.of()).stream().distinct().sorted().toList();
      if (!have.equals(want)) {
        hashedProblem = Optional.of("does not hold the trusted certificates");
      } else if (!sorted(observed.hashedCrls().values()).equals(sorted(crls))) {
        hashedProblem = Optional.of("does not hold the CRLs of trust.crls");
      }
    }
    file(
        Output.TRUST_HASHED,
        Optional.of(new Content(bundle, new TreeMap<>(), crls)).filter(c -> wantHashed),
        observed.hashedDirectory().isPresent(),
        hashedProblem);

    Optional<String> crlProblem =
        observed.trustCrls().filter(have -> !have.equals(crls)).map(have -> "does not hold the CRLs of trust.crls");
    file(
        Output.TRUST_CRLS,
        Optional.of(new Content(List.of(), new TreeMap<>(), crls)).filter(c -> !crls.isEmpty()),
        observed.trustCrls().isPresent(),
        crlProblem);
  }

  private static final String PASSWORD_CHANGED = "store password changed";

  /** Why a PKCS#12 file is written again when it opens only with {@code store.previousPassword}. */
  private Optional<String> passwordChanged(Output output) {
    return observed.outputs().previousPassword().contains(output.fileName())
        ? Optional.of(PASSWORD_CHANGED)
        : Optional.empty();
  }

  private static List<Fingerprint> sorted(java.util.Collection<Fingerprint> fingerprints) {
    return fingerprints.stream().distinct().sorted().toList();
  }

  /**
   * A record of hostpki 0.1.0 keeps a salted SHA-256 of the store password, a test of a guess far
   * faster than the PKCS#12 files' own key derivation: it is rewritten without it.
   */
  void pkcs12Record() {
    if (!observed.outdatedPkcs12Record() || desired.store().password().isEmpty()) {
      return;
    }
    draft.add(
        new Change(
            Address.PKCS12_RECORD,
            Action.UPDATE,
            List.of(
                new Reason(
                    ReasonCode.OUT_OF_DATE,
                    "the record of what the PKCS#12 files hold (written by hostpki 0.1.0) keeps a"
                        + " salted SHA-256 of the store password, which tests a guess far faster"
                        + " than the files do: rewritten without it")),
            new Intent.RewritePkcs12Record()));
  }

  private Optional<String> keyStoreProblem(Pkcs12Facts p12, List<Fingerprint> expectedChain) {
    Optional<String> profile = profileProblem(p12);
    if (profile.isPresent()) {
      return profile;
    }
    Optional<Pkcs12Facts.KeyEntry> entry = p12.keyEntry();
    if (entry.isEmpty() || !entry.get().alias().equals(StoreLayout.SERVER_KEY_ALIAS)) {
      return Optional.of("has no key entry '" + StoreLayout.SERVER_KEY_ALIAS + "'");
    }
    Optional<Fingerprint> keyFp = observed.serverKey().map(KeyFacts::publicKeyFingerprint);
    if (!Optional.of(entry.get().publicKeyFingerprint()).equals(keyFp)) {
      return Optional.of("holds a different key than server.key");
    }
    if (!entry.get().chain().equals(expectedChain)) {
      return Optional.of("holds a different certificate chain than server-fullchain.crt");
    }
    return Optional.empty();
  }

  /**
   * The bundle's certificates in its deterministic order: the internal CAs first ({@code ca.crt},
   * then {@code ca-next.crt} and {@code ca-previous.crt} during a rotation), then the trusted
   * certificates by name (unmanaged ones too when pruning is off: they stay trusted).
   */
  private List<Held> bundle(LinkedHashMap<String, Held> trustedCas) {
    List<Held> all = new ArrayList<>(trustedCas.values());
    trustedAfterApply().keySet().forEach(name -> all.add(new Held.Trusted(name)));
    return all;
  }

  /**
   * The entries of {@code truststore.p12}: the trusted certificates by name, and the internal
   * CAs by their aliases, which win over a trusted certificate of the same name.
   */
  private SortedMap<String, Held> aliases(LinkedHashMap<String, Held> trustedCas) {
    SortedMap<String, Held> entries = new TreeMap<>();
    trustedAfterApply().keySet().forEach(name -> entries.put(name, new Held.Trusted(name)));
    entries.putAll(trustedCas);
    return entries;
  }

  private SortedMap<String, CertificateFacts> trustedAfterApply() {
    if (trustedAfterApply == null) {
      trustedAfterApply = TrustPlan.afterApply(in);
    }
    return trustedAfterApply;
  }

  /** What the store holds now of each certificate; empty when it lacks one. */
  private Optional<List<Fingerprint>> observed(List<Held> held) {
    List<Fingerprint> fps = new ArrayList<>();
    for (Held h : held) {
      Optional<Fingerprint> fp = observed(h);
      if (fp.isEmpty()) {
        return Optional.empty();
      }
      fps.add(fp.get());
    }
    return Optional.of(fps);
  }

  private Optional<Fingerprint> observed(Held held) {
    if (held instanceof Held.Issuer issuer) {
      return Optional.of(issuer.fingerprint());
    }
    if (held instanceof Held.Ordered) {
      return Optional.empty(); // ordered in this apply
    }
    if (held instanceof Held.Trusted trusted) {
      return Optional.ofNullable(trustedAfterApply().get(trusted.name()))
          .map(CertificateFacts::fingerprint);
    }
    Optional<CertificateFacts> c =
        switch ((Held.Stored) held) {
          case CA -> observed.caCertificate();
          case CA_NEXT -> observed.caNextCertificate();
          case CA_PREVIOUS -> observed.caPreviousCertificate();
          case SERVER -> observed.serverCertificate();
        };
    return c.map(CertificateFacts::fingerprint);
  }

  private Optional<String> trustStoreProblem(Pkcs12Facts p12, SortedMap<String, Held> aliases) {
    if (p12.passwordProtected()) {
      return Optional.of(
          "is protected with a password; a trust store holds no secret and is now written without"
              + " one, readable by every user (readers that pass a password still open it)");
    }
    SortedMap<String, Fingerprint> want = new TreeMap<>();
    aliases.forEach((alias, h) -> observed(h).ifPresent(fp -> want.put(alias, fp)));
    if (!p12.trustedEntries().equals(want) || p12.keyEntry().isPresent()) {
      return Optional.of("does not hold exactly the trusted certificates");
    }
    return Optional.empty();
  }

  private Optional<String> profileProblem(Pkcs12Facts p12) {
    if (p12.profile() == desired.store().pkcs12Profile()) {
      return Optional.empty();
    }
    return Optional.of(
        "written with the "
            + p12.profile().yamlName()
            + " profile; "
            + desired.store().pkcs12Profile().yamlName()
            + " is wanted");
  }

  /** What a derived file holds after apply, as {@link Intent.WriteOutput} carries it. */
  private record Content(
      List<Held> certificates, SortedMap<String, Held> aliases, List<Fingerprint> crls) {
    Content(List<Held> certificates) {
      this(certificates, new TreeMap<>(), List.of());
    }
  }

  /** Plans a derived file whose content is a list of certificates; always wanted. */
  private void certificates(
      Output output,
      Content content,
      Optional<List<Fingerprint>> have,
      Optional<List<Fingerprint>> expected,
      Optional<String> cascade) {
    Optional<String> problem = cascade;
    if (problem.isEmpty()
        && have.isPresent()
        && expected.isPresent()
        && !have.get().equals(expected.get())) {
      problem = Optional.of("does not hold the current certificates");
    }
    file(output, Optional.of(content), have.isPresent(), problem);
  }

  /**
   * Plans a derived file: create it when wanted and missing, update it when what it holds is out
   * of date, delete it when no longer wanted.
   *
   * @param wanted what it holds when it is wanted; empty when it is not
   */
  private void file(
      Output output, Optional<Content> wanted, boolean present, Optional<String> problem) {
    if (wanted.isEmpty()) {
      if (present) {
        draft.add(
            new Change(
                output.address(),
                Action.DELETE,
                List.of(new Reason(ReasonCode.NOT_WANTED, notWantedWords(output))),
                new Intent.RemoveOutput(output)));
      }
      return;
    }
    Intent write =
        new Intent.WriteOutput(
            output, wanted.get().certificates(), wanted.get().aliases(), wanted.get().crls());
    if (!present) {
      draft.add(
          new Change(
              output.address(),
              Action.CREATE,
              List.of(new Reason(ReasonCode.MISSING, output.fileName() + " is missing")),
              write));
    } else if (problem.isPresent()) {
      draft.add(
          new Change(
              output.address(),
              Action.UPDATE,
              List.of(
                  new Reason(
                      problem.get().equals(PASSWORD_CHANGED) ? ReasonCode.PASSWORD_CHANGED : ReasonCode.OUT_OF_DATE,
                      problem.get())),
              write));
    } else {
      draft.unchanged();
    }
  }

  private static String notWantedWords(Output output) {
    return switch (output) {
      case SERVER_PKCS12, TRUSTSTORE_PKCS12 -> "no store.password is set";
      case TRUST_HASHED -> "trust.hashedDirectory is off";
      case TRUST_CRLS -> "trust.crls names no CRL";
      default -> "no longer wanted";
    };
  }

}
