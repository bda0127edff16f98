package org.hostpki.plan;

import java.util.ArrayList;
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

    Optional<List<Fingerprint>> expectedChain =
        upstream
            ? Optional.empty()
            : server.servedChain().isPresent()
                ? server.servedChain().map(ServerPlan::fingerprints)
                : fingerprints(observed.serverCertificate(), observed.caCertificate());
    certificates(
        Output.SERVER_FULLCHAIN,
        true,
        observed.serverFullchain().map(ServerPlan::fingerprints),
        expectedChain,
        upstream ? Optional.of(cascade) : Optional.empty());

    boolean wantP12 = desired.store().password().isPresent();
    Optional<Pkcs12Facts> p12 = observed.serverPkcs12();
    Optional<String> p12Problem = Optional.empty();
    if (wantP12 && p12.isPresent() && !upstream) {
      p12Problem = keyStoreProblem(p12.get(), expectedChain.orElse(List.of()));
    }
    file(
        Output.SERVER_PKCS12,
        wantP12,
        p12.isPresent(),
        upstream ? Optional.of(cascade) : p12Problem);
  }

  /**
   * {@code trust-bundle.crt}, {@code truststore.p12} and {@code trust-hashed/}.
   *
   * @param caCascade why the internal CAs among the trusted certificates change, when they do
   * @param trustChanges the declared trusted certificates change
   */
  void trust(Optional<String> caCascade, boolean trustChanges) {
    Optional<String> cascade =
        caCascade.isPresent()
            ? caCascade
            : trustChanges ? Optional.of("the trusted certificates change") : Optional.empty();
    Optional<List<Fingerprint>> expected = Optional.empty();
    if (cascade.isEmpty() && observed.caCertificate().isPresent()) {
      expected = Optional.of(bundle());
    }
    certificates(Output.TRUST_BUNDLE, true, observed.trustBundle(), expected, cascade);

    boolean wantP12 = desired.store().password().isPresent();
    Optional<String> problem = cascade;
    if (problem.isEmpty() && wantP12 && observed.truststorePkcs12().isPresent()) {
      problem = trustStoreProblem(observed.truststorePkcs12().get());
    }
    file(Output.TRUSTSTORE_PKCS12, wantP12, observed.truststorePkcs12().isPresent(), problem);

    boolean wantHashed = desired.trust().hashedDirectory();
    Optional<String> hashedProblem = cascade;
    if (hashedProblem.isEmpty() && wantHashed && observed.hashedDirectory().isPresent()) {
      List<Fingerprint> have = observed.hashedDirectory().get().values().stream().sorted().toList();
      List<Fingerprint> want = bundle().stream().distinct().sorted().toList();
      if (!have.equals(want)) {
        hashedProblem = Optional.of("does not hold the trusted certificates");
      }
    }
    file(Output.TRUST_HASHED, wantHashed, observed.hashedDirectory().isPresent(), hashedProblem);
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
  private List<Fingerprint> bundle() {
    List<Fingerprint> fps = new ArrayList<>();
    CaRotation.trustedCas(observed).values().forEach(c -> fps.add(c.fingerprint()));
    TrustPlan.afterApply(in).values().forEach(c -> fps.add(c.fingerprint()));
    return fps;
  }

  private Optional<String> trustStoreProblem(Pkcs12Facts p12) {
    Optional<String> profile = profileProblem(p12);
    if (profile.isPresent()) {
      return profile;
    }
    SortedMap<String, Fingerprint> want = new TreeMap<>();
    TrustPlan.afterApply(in).forEach((name, c) -> want.put(name, c.fingerprint()));
    // The internal CAs' aliases win over a trusted certificate of the same name, as apply writes.
    CaRotation.trustedCas(observed).forEach((alias, c) -> want.put(alias, c.fingerprint()));
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

  /** Plans a derived file whose content is a list of certificates. */
  private void certificates(
      Output output,
      boolean wanted,
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
    file(output, wanted, have.isPresent(), problem);
  }

  /**
   * Plans a derived file: create it when wanted and missing, update it when what it holds is out
   * of date, delete it when no longer wanted.
   */
  private void file(Output output, boolean wanted, boolean present, Optional<String> problem) {
    if (!wanted) {
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
    if (!present) {
      draft.add(
          new Change(
              output.address(),
              Action.CREATE,
              List.of(new Reason(ReasonCode.MISSING, output.fileName() + " is missing")),
              new Intent.WriteOutput(output)));
    } else if (problem.isPresent()) {
      draft.add(
          new Change(
              output.address(),
              Action.UPDATE,
              List.of(new Reason(ReasonCode.OUT_OF_DATE, problem.get())),
              new Intent.WriteOutput(output)));
    } else {
      draft.unchanged();
    }
  }

  private static String notWantedWords(Output output) {
    return switch (output) {
      case SERVER_PKCS12, TRUSTSTORE_PKCS12 -> "no store.password is set";
      case TRUST_HASHED -> "trust.hashedDirectory is off";
      default -> "no longer wanted";
    };
  }

  private static Optional<List<Fingerprint>> fingerprints(
      Optional<CertificateFacts> leaf, Optional<CertificateFacts> ca) {
    if (leaf.isEmpty() || ca.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(List.of(leaf.get().fingerprint(), ca.get().fingerprint()));
  }
}
