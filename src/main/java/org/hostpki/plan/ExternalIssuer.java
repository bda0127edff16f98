package org.hostpki.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.renewal.Renewal;

/**
 * Decides what the server serves when its certificate comes from an outside CA ({@code
 * server.issuer: external}). Pure, like the planner. The rules, in order:
 *
 * <ol>
 *   <li>A chain file whose certificates differ from the chain imported last ({@code
 *       external-chain.crt}) is new: it is imported when it passed every check and the key is
 *       kept; otherwise the plan is refused. A file already imported is never imported twice, so
 *       a stale file left in place after a drift or a key change does not block anything.
 *   <li>When the key must change (missing, key spec changed, {@code --replace server}), an
 *       imported certificate cannot be kept (server.crt and server.key must match): the server
 *       gets an internal certificate for the new key, and the new CSR goes out.
 *   <li>When the imported chain still fits (the key, every desired name, valid now, ending in a
 *       root of {@code server.external.roots} when that names any: checked again when the roots
 *       change), it is served
 *       — installed again when something else is served (the identity drifted back).
 *   <li>When it no longer fits but is served: kept with {@code fallback: none} (a warning says
 *       why), replaced by an internal certificate for the same key with {@code fallback:
 *       internal}.
 *   <li>Otherwise the server has an internal certificate, checked like any internal one, until a
 *       chain arrives.
 * </ol>
 *
 * The key is never rotated here on its own: the CSR is for the current key, and a new key would
 * orphan the chain the CA is about to sign.
 */
final class ExternalIssuer {
  /** What to serve. */
  sealed interface Decision {
    /** Import the new chain file. */
    record Import(ExternalChainFile.Valid chain) implements Decision {}

    /** Serve the recorded chain again; {@code reason} says why it is installed now. */
    record InstallRecord(List<CertificateFacts> chain, Reason reason) implements Decision {}

    /** The recorded chain is served and stays. */
    record KeepRecord(List<CertificateFacts> chain) implements Decision {}

    /** Leave the served imported certificate for an internal one, for these reasons. */
    record FallBack(List<Reason> reasons) implements Decision {}

    /** An internal certificate, checked like any internal one. */
    record Internal() implements Decision {}
  }

  /**
   * @param keyChange why the server key must change; empty when it is kept
   */
  record Outcome(
      Decision decision, List<Reason> keyChange, List<Warning> warnings, List<Refusal> refusals) {}

  private final PlanInput in;
  private final ObservedStore observed;
  private final ServerSpec server;
  private final ExternalSpec external;
  private final NameChanges nameChanges;
  private final Instant now;
  private final List<Warning> warnings = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  /** A new chain file is there and waits to be valid: no chain is awaited from anyone. */
  private boolean waiting;
  /**
   * The chain file was refused: its error says what to do with it (fix, replace or remove it to
   * keep waiting), so no line says besides that a chain is awaited there (one clear message).
   */
  private boolean refused;
  /**
   * Why the chain file is not imported although it is there, said before the line that a chain is
   * awaited: it still holds the chain imported for a server key since replaced. Empty otherwise.
   */
  private String previousKeyChain = "";

  private ExternalIssuer(PlanInput in, ServerNames names) {
    this.in = in;
    this.observed = in.observed();
    this.server = in.desired().server();
    this.external = server.external().orElseThrow();
    this.nameChanges = new NameChanges(server, names);
    this.now = in.now();
  }

  static Outcome decide(PlanInput in, ServerNames names) {
    return new ExternalIssuer(in, names).decide();
  }

  private Outcome decide() {
    List<Reason> keyChange = keyChange();
    Decision decision = decide(keyChange);
    return new Outcome(decision, keyChange, warnings, refusals);
  }

  private Decision decide(List<Reason> keyChange) {
    ExternalChainFile file =
        in.externalChain().orElseGet(() -> new ExternalChainFile.Absent(external.chain()));
    Optional<List<CertificateFacts>> record = observed.externalChain();
    Set<Fingerprint> recorded =
        record.map(r -> r.stream().map(CertificateFacts::fingerprint).collect(Collectors.toSet()))
            .orElse(Set.of());
    // A file with no readable certificate is never "the one imported before".
    boolean fresh =
        !(file instanceof ExternalChainFile.Absent)
            && (file.certificates().isEmpty() || !file.certificates().equals(recorded));
    if (fresh) {
      Optional<Decision> imported = importFresh(file, keyChange);
      if (imported.isPresent()) {
        return imported.get();
      }
    } else if (record.isPresent() && !(file instanceof ExternalChainFile.Absent)) {
      previousKeyChain = previousKeyChain(file.path(), record.get().get(0), keyChange);
    }

    Optional<CertificateFacts> served = observed.serverCertificate();
    boolean servingRecord = observed.servesImportedChain();
    if (!keyChange.isEmpty()) {
      awaited("");
      if (servingRecord) {
        List<Reason> reasons = new ArrayList<>(keyChange);
        // The new certificate also covers what the imported one does not: say so too.
        reasons.addAll(nameChanges.reasons(nameChanges.uncovered(served.orElseThrow())));
        reasons.add(
            new Reason(
                ReasonCode.ISSUER_CHANGED,
                "the imported certificate is for the old key: serving a certificate from the"
                    + " internal CA for the new key until a chain for it arrives"));
        return new Decision.FallBack(reasons);
      }
      return new Decision.Internal();
    }

    KeyFacts key = observed.serverKey().orElseThrow(); // present: a missing key is a key change
    if (record.isPresent() && record.get().get(0).publicKey().publicKeyFingerprint().equals(key.publicKeyFingerprint())) {
      // Valid while the whole chain is: an intermediate that expires first ends it for every client.
      CertificateFacts leaf = Renewals.endingWithItsChain(record.get().get(0), observed);
      NameChanges.Uncovered uncovered = nameChanges.uncovered(leaf);
      boolean valid = leaf.isValidAt(now);
      Optional<String> outside = in.importedOutsideRoots();
      if (uncovered.isEmpty() && valid && outside.isEmpty()) {
        expiring(leaf);
        if (servingRecord) {
          return new Decision.KeepRecord(record.get());
        }
        return new Decision.InstallRecord(
            record.get(),
            served.isEmpty()
                ? new Reason(ReasonCode.MISSING, "server.crt is missing: serving the imported chain again")
                : new Reason(
                    ReasonCode.CHAIN_IMPORTED,
                    "the chain imported earlier fits the desired state again: serving it"
                        + " instead of the internal certificate"));
      }
      String what = notFittingWords(leaf, uncovered, valid, outside);
      if (servingRecord) {
        List<Reason> reasons = new ArrayList<>(nameChanges.reasons(uncovered));
        if (!valid) {
          reasons.add(validityReason(leaf));
        }
        outside.ifPresent(o -> reasons.add(new Reason(ReasonCode.ISSUER_CHANGED, "the imported chain " + o)));
        if (external.fallback() == ExternalSpec.Fallback.NONE) {
          awaited(
              what
                  + "; it is still served (server.external.fallback: none) until a new chain"
                  + " arrives. ",
              true);
          return new Decision.KeepRecord(record.get());
        }
        reasons.add(
            new Reason(
                ReasonCode.ISSUER_CHANGED,
                "falling back to a certificate from the internal CA (server.external.fallback:"
                    + " internal) until a new chain arrives"));
        awaited(what + "; serving a certificate from the internal CA meanwhile. ");
        return new Decision.FallBack(reasons);
      }
      awaited(what + "; serving a certificate from the internal CA meanwhile. ");
      return new Decision.Internal();
    }
    awaited("");
    return new Decision.Internal();
  }

  /**
   * The words for a chain file that holds the chain imported last when that chain is for a server
   * key that {@code keyChange} replaces or that was replaced since (found in a trial: after {@code
   * apply --replace server} the plan said only "Waiting for a signed chain at FILE", with the
   * previous key's chain in FILE); empty when it is for the key kept.
   */
  private String previousKeyChain(Path path, CertificateFacts leaf, List<Reason> keyChange) {
    Fingerprint leafKey = leaf.publicKey().publicKeyFingerprint();
    if (keyChange.isEmpty()
        && observed.serverKey().map(k -> k.publicKeyFingerprint().equals(leafKey)).orElse(true)) {
      return "";
    }
    return path + " still holds the chain imported for the "
        + (keyChange.isEmpty() ? "previous server.key, replaced since" : "server.key this plan replaces")
        + " (" + leaf.subjectDn() + ", valid until " + DateText.of(leaf.notAfter())
        + "): it is not imported again, and the new key needs a new chain. ";
  }

  /** The decision for a chain file not imported before, or empty (with a refusal) when it cannot be. */
  private Optional<Decision> importFresh(ExternalChainFile file, List<Reason> keyChange) {
    if (file instanceof ExternalChainFile.Refused refused) {
      refuse(refused.path(), refused.problems());
      return Optional.empty();
    }
    Path path = file.path();
    CertificateFacts fileLeaf =
        file instanceof ExternalChainFile.NotYetValid early
            ? early.chain().leaf()
            : ((ExternalChainFile.Valid) file).leaf();
    if (!keyChange.isEmpty()) {
      refuse(
          path,
          List.of(
              "it is for the current server.key, which this plan replaces ("
                  + keyChange.stream().map(Reason::message).collect(Collectors.joining("; "))
                  + "); remove the file, apply, and have the new server.csr signed"));
      return Optional.empty();
    }
    Fingerprint leafKey = fileLeaf.publicKey().publicKeyFingerprint();
    Fingerprint serverKey = observed.serverKey().orElseThrow().publicKeyFingerprint();
    if (!leafKey.equals(serverKey)) {
      refuse(
          path,
          List.of(
              "leaf does not match server.key "
                  + PlanWords.keys("leaf key", leafKey, StoreLayout.SERVER_KEY, serverKey)));
      return Optional.empty();
    }
    if (file instanceof ExternalChainFile.NotYetValid early) {
      waitsFor(early);
      return Optional.empty();
    }
    ExternalChainFile.Valid valid = (ExternalChainFile.Valid) file;
    expiring(valid.leaf());
    warnings.addAll(
        ExternalChainWarnings.of(valid, in.desiredTrust().values(), !external.roots().isEmpty()));
    return Optional.of(new Decision.Import(valid));
  }

  /** Why the key must change: it is missing, of another kind than wanted, or to be replaced. */
  private List<Reason> keyChange() {
    Optional<KeyFacts> key = observed.serverKey();
    if (key.isEmpty()) {
      return List.of(
          new Reason(
              ReasonCode.MISSING,
              observed.serverCertificate().isEmpty()
                  ? "no server certificate in the store yet"
                  : "server.key is missing"));
    }
    List<Reason> reasons = new ArrayList<>();
    if (in.replace().contains(PlanInput.Replace.SERVER)) {
      reasons.add(new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace server)"));
    }
    CertificateChecks.keySpecReason(key.get(), server.key()).ifPresent(reasons::add);
    return reasons;
  }

  private Reason validityReason(CertificateFacts leaf) {
    return leaf.isNotYetValidAt(now)
        ? new Reason(
            ReasonCode.NOT_YET_VALID,
            "the imported certificate is not valid before " + DateText.of(leaf.notBefore()))
        : new Reason(ReasonCode.EXPIRED, "the imported certificate " + expiredWords(leaf));
  }

  private String notFittingWords(
      CertificateFacts leaf, NameChanges.Uncovered uncovered, boolean valid, Optional<String> outside) {
    List<String> parts = new ArrayList<>();
    if (!uncovered.isEmpty()) {
      parts.add("no longer covers " + uncovered.words());
    }
    if (!valid) {
      parts.add(
          leaf.isNotYetValidAt(now)
              ? "is not valid before " + DateText.of(leaf.notBefore())
              : expiredWords(leaf));
    }
    if (parts.isEmpty()) {
      return "the imported chain " + outside.orElseThrow();
    }
    return "the imported certificate " + String.join(" and ", parts)
        + outside.map(o -> ", and its chain " + o).orElse("");
  }

  /**
   * {@code expired on …}, or, when a certificate of its chain ended it first, {@code expired with
   * its chain on … (CN=… in it expired first)}.
   */
  private String expiredWords(CertificateFacts leaf) {
    return endedBy(leaf)
        .map(first -> "expired with its chain on " + DateText.of(first.notAfter()) + " ("
            + first.subjectDn() + " in it expired first)")
        .orElse("expired on " + DateText.of(leaf.notAfter()));
  }

  /** The certificate of the chain imported last that ends {@code leaf} (as judged) before its own end. */
  private Optional<CertificateFacts> endedBy(CertificateFacts leaf) {
    return observed.externalChain()
        .flatMap(chain -> Renewals.expiresBefore(chain.get(0), observed))
        .filter(first -> first.notAfter().equals(leaf.notAfter()));
  }

  private void expiring(CertificateFacts leaf) {
    Renewal renewal =
        Renewals.imported(server.renewBefore(), in.desired(), leaf).at(now, false);
    if (!renewal.due()) {
      return;
    }
    warnings.add(
        new Warning(
            WarningCode.EXTERNAL_EXPIRING,
            Address.SERVER,
            endedBy(leaf)
                    .map(first -> "the chain of the imported server certificate (" + first.subjectDn()
                        + " in it expires first) ")
                    .orElse("the imported server certificate ")
                + Renewals.expiresWords(leaf, now)
                + "; "
                + renewal.reasonWords()
                + ": have "
                + csrPath()
                + " signed again and put the new chain at "
                + external.chain()));
  }

  /**
   * A chain file that passes every check soon (its CA's clock runs ahead): no error, it waits, and
   * what is served stays until the first apply from then on imports it.
   */
  private void waitsFor(ExternalChainFile.NotYetValid early) {
    waiting = true;
    warnings.add(
        new Warning(
            WarningCode.CHAIN_NOT_YET_VALID,
            Address.SERVER,
            "the chain in " + early.path() + " passes every check but is not valid before "
                + DateText.precise(early.validFrom()) + " (in "
                + DurationText.left(Duration.between(now, early.validFrom()))
                + "; the clock of the CA that signed it runs ahead of this host's): it waits until"
                + " then, and the first apply from then on imports it"));
  }

  /**
   * The informational line that a chain is awaited: a warning, so a waiting store converges. Only
   * {@code situation} while a chain file is there and waits to be valid ({@link #waitsFor}).
   */
  private void awaited(String situation) {
    awaited(situation, false);
  }

  /**
   * @param keptUnfit what is served is kept although it does not serve the desired state ({@link
   *     Warning#keepsWhatDoesNotServe})
   */
  private void awaited(String situation, boolean keptUnfit) {
    if (waiting || refused) {
      if (!situation.isBlank()) {
        warnings.add(new Warning(WarningCode.CHAIN_AWAITED, Address.SERVER, situation.strip(), keptUnfit));
      }
      return;
    }
    warnings.add(
        new Warning(
            WarningCode.CHAIN_AWAITED,
            Address.SERVER,
            previousKeyChain
                + situation
                + "Waiting for a signed chain at "
                + external.chain()
                + ": have "
                + csrPath()
                + " signed by your CA ('"
                + ShellCommand.hostpki("export", "-f", in.desired().source(), "csr")
                + "' prints it) and put the full chain there; the next apply imports it"
                + (situation.isEmpty()
                    ? ". Until then the server certificate comes from the internal CA"
                    : ""),
            keptUnfit));
  }

  private void refuse(Path file, List<String> problems) {
    refused = true;
    refusals.add(
        new Refusal(
            RefusalCode.CHAIN_REFUSED,
            Address.SERVER,
            "cannot import the chain in "
                + file
                + "; nothing was changed. Fix or replace the file (or remove it to keep waiting):",
            problems));
  }

  private Path csrPath() {
    return in.desired().store().path().resolve(StoreLayout.SERVER_CSR);
  }
}
