package org.hostpki.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;

/**
 * Plans {@code trust.install}: per target, one change per entry ({@code
 * install/system/hostpki-web-3f9a0c1d-ca}, named with the store's tag) that is missing, holds another certificate or is damaged, or is
 * this store's (its tag, or in its install record) and no longer wanted — in a target the desired state no longer names (known from the
 * install record) every entry goes. The entries follow the store as this plan leaves it: the
 * internal CA, and during a rotation {@code ca-next} from the apply that makes it and {@code
 * ca-previous} until the apply that drops it; so the plan that starts a rotation installs the new
 * CA, the one that promotes it renames it, and the one that ends the overlap removes the old.
 */
final class InstallPlan {
  /** The names of the system's own roots among the trusted ({@code install.SystemRoots}): never installed back. */
  private static final String SYSTEM_ROOTS = "system-";

  private final PlanInput in;
  private final PlanDraft draft;
  private final ObservedStore observed;

  private InstallPlan(PlanInput in, PlanDraft draft) {
    this.in = in;
    this.draft = draft;
    this.observed = in.observed();
  }

  /** @param trustedCas the internal CAs trusted after apply, by alias ({@link CaRotation.Outcome}) */
  static void plan(PlanInput in, Map<String, Held> trustedCas, PlanDraft draft) {
    new InstallPlan(in, draft).plan(trustedCas);
  }

  private void plan(Map<String, Held> trustedCas) {
    InstallInput installs = in.installs();
    if (!installs.problems().isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.INSTALL_REFUSED,
              "install",
              in.desired().trust().install().map(s -> s.origin() + ": ").orElse("")
                  + "trust.install names a target this host cannot install into; nothing was changed:",
              installs.problems()));
      return;
    }
    installs.unreadable().forEach((target, lines) -> draft.warn(unreadable(target, lines)));
    installs.others().forEach((target, names) -> draft.warn(otherStore(target, names)));
    SortedMap<String, Held> wanted = wanted(trustedCas);
    for (Map.Entry<InstallTarget, InstallObservation> t : installs.observed().entrySet()) {
      InstallTarget target = t.getKey();
      SortedMap<String, Held> entries =
          installs.named().contains(target) ? withoutHeldByOthers(target, wanted) : new TreeMap<>();
      boolean hookFailed = installs.record().failure(target).filter(InstallRecord.Failure::hook).isPresent();
      boolean changes =
          target(target, t.getValue(), entries, Optional.ofNullable(installs.notes().get(target)), hookFailed);
      if (changes) {
        installs.record().failure(target).ifPresent(f -> draft.warn(failed(target, f)));
      }
    }
  }

  /**
   * What {@code target} should hold of {@code wanted}: in an NSS database, which keeps a
   * certificate under one nickname only, less a certificate that is there now under an entry of a
   * live store this one is a copy of ({@link InstallInput#othersHeld}): it counts as installed
   * (certutil would refuse a second nickname, and the target's apply would fail on every run). Not
   * the sha256 this store's install record names for that entry: that is what the database held
   * when the copy was made, and once the original replaced its CA the copy's was nowhere while its
   * plan said "No changes" (fnss16).
   */
  private SortedMap<String, Held> withoutHeldByOthers(InstallTarget target, SortedMap<String, Held> wanted) {
    SortedMap<String, String> others = in.installs().others().getOrDefault(target, new TreeMap<>());
    if (target.kind() != InstallTarget.Kind.NSS || others.isEmpty()) {
      return wanted;
    }
    Set<Fingerprint> theirs = new HashSet<>(in.installs().othersHeld().getOrDefault(target, new TreeMap<>()).values());
    SortedMap<String, Held> out = new TreeMap<>();
    wanted.forEach((name, held) -> {
      if (fingerprint(held).filter(theirs::contains).isEmpty()) {
        out.put(name, held);
      }
    });
    return out;
  }

  /**
   * A target the plan changes whose last change failed (the install record keeps it until one
   * succeeds): when and how often, and the error's lines (the tool's words, escaped) in one line.
   * A failure of a target the plan does not change is past: the target holds what it should.
   */
  static Warning failed(InstallTarget target, InstallRecord.Failure f) {
    String when = f.attempts() == 1
        ? "at " + PlanText.time(f.at())
        : "at " + PlanText.time(f.at()) + ", " + f.attempts() + " attempts in a row since " + PlanText.time(f.since());
    String subject = target.subject();
    List<String> error = new ArrayList<>(f.error());
    if (error.get(0).startsWith(subject + ": ")) {
      error.set(0, error.get(0).substring(subject.length() + 2));
    }
    return new Warning(
        WarningCode.INSTALL_FAILED, subject,
        subject + ": the last attempt to change it failed " + when + ": " + String.join(" | ", error)
            + " | apply exits 3 while it fails; the next apply, watch tick or timer run tries again");
  }

  /**
   * Entries of a target this store's install record names under another tag, whose store is still
   * there and names them too: this store is a copy of it, and leaves them to it.
   */
  static Warning otherStore(InstallTarget target, SortedMap<String, String> names) {
    SortedMap<String, List<String>> byStore = new TreeMap<>();
    names.forEach((name, store) -> byStore.computeIfAbsent(store, s -> new ArrayList<>()).add(InstallEntryNames.MARK + name));
    String subject = target.subject();
    List<String> unknown = byStore.remove(InstallInput.UNKNOWN_STORE);
    if (unknown != null && byStore.isEmpty()) {
      return new Warning(WarningCode.INSTALL_OTHER_STORE, subject, subject + ": " + String.join(", ", unknown)
          + " (install record) were installed by a store in another folder, and the record (written by a build"
          + " before 2026-12-07) does not say which: it may be a live store this one was copied from (a backup"
          + " restored into another folder), so this store leaves them as they are and drops them from its record at"
          + " its next change of this target | if that store moved here and its old folder is gone, remove them by hand ("
          + removeHint(target) + "); if that store is still there, nothing: " + bothStay(target));
    }
    List<String> parts = new ArrayList<>();
    byStore.forEach((store, entries) -> parts.add(String.join(", ", entries) + " of the store at " + store));
    if (unknown != null) {
      parts.add(String.join(", ", unknown) + " of a store the record (written by a build before 2026-12-07) does"
          + " not name, left as they are (remove them by hand if that store is gone: " + removeHint(target) + ")");
    }
    return new Warning(WarningCode.INSTALL_OTHER_STORE, subject, subject + ": " + String.join("; ", parts)
        + " (install record): that store is still there and has them in its own install record, so this store is"
        + " a copy of it (restored or copied into another folder) and leaves them to it: its apply neither changes"
        + " nor removes them, and drops them from this store's record at its next change of this target | if this"
        + " copy is to replace that store, take trust.install out of that store's desired state and apply it (it"
        + " removes its entries), or remove that store, before this copy's apply; if both stay, "
        + bothStay(target));
  }

  /** What happens while a store and its copy both install into {@code target}, in words. */
  private static String bothStay(InstallTarget target) {
    return target.kind() == InstallTarget.Kind.NSS
        ? "NSS keeps a certificate under one nickname: the same certificate counts as installed while one of"
            + " that store's entries holds it (this store installs none under its own nickname), and a"
            + " certificate of this store's own, or one that store's entries no longer hold (it replaced its CA),"
            + " is installed under its own"
        : "each installs its own entries";
  }

  /** How to remove one entry of {@code target} by hand, in words. */
  private static String removeHint(InstallTarget target) {
    return switch (target.kind()) {
      case NSS -> ShellCommand.of("certutil", "-D", "-d", "sql:" + target.location().map(Object::toString).orElse("")) + " -n NAME";
      case JAVA -> ShellCommand.of("keytool", "-delete", "-keystore", target.location().map(Object::toString).orElse("")) + " -alias NAME";
      case SYSTEM -> "remove its certificate file from the system store's folder and run its update tool";
    };
  }

  /**
   * A target that cannot be read: left as it is, with its error's own lines (the tool's words and
   * the fix) in one line, and what happens meanwhile.
   */
  static Warning unreadable(InstallTarget target, List<String> lines) {
    return new Warning(
        WarningCode.INSTALL_UNREADABLE, target.subject(),
        String.join(" | ", lines) + " | this target is left as it is and the rest of the plan goes ahead;"
            + " apply exits 3 until the target can be read, and the next apply or watch tick tries again");
  }

  /** What every named target should hold, by entry name; each certificate once. */
  private SortedMap<String, Held> wanted(Map<String, Held> trustedCas) {
    SortedMap<String, Held> out = new TreeMap<>();
    Optional<InstallSpec> spec = in.desired().trust().install();
    if (spec.isEmpty()) {
      return out;
    }
    String tag = in.installs().tag();
    Set<Fingerprint> seen = new HashSet<>();
    LinkedHashMap<String, Held> all = new LinkedHashMap<>();
    if (spec.get().certificates().contains(InstallSpec.Content.CA)) {
      trustedCas.forEach((alias, held) -> all.put(InstallEntryNames.tagged(tag, entryName(alias)), held));
    }
    if (spec.get().certificates().contains(InstallSpec.Content.TRUSTED)) {
      TrustPlan.afterApply(in).keySet().stream()
          .filter(n -> !(in.desired().trust().includeSystemRoots() && n.startsWith(SYSTEM_ROOTS)))
          .forEach(n -> all.put(InstallEntryNames.tagged(tag, InstallEntryNames.trusted(n)), new Held.Trusted(n)));
    }
    all.forEach(
        (name, held) -> {
          Optional<Fingerprint> known = fingerprint(held);
          if (known.isEmpty() || seen.add(known.get())) {
            out.put(name, held);
          }
        });
    return out;
  }

  /** {@code hostpki-ca-next} (a truststore.p12 alias) → {@code ca-next}. */
  private static String entryName(String alias) {
    return switch (alias) {
      case StoreLayout.CA_ALIAS -> InstallEntryNames.CA;
      case StoreLayout.CA_NEXT_ALIAS -> InstallEntryNames.CA_NEXT;
      case StoreLayout.CA_PREVIOUS_ALIAS -> InstallEntryNames.CA_PREVIOUS;
      default -> throw new IllegalArgumentException("not an internal CA alias: " + alias);
    };
  }

  /**
   * @param hookFailed whether a hook of the target's tool failed at its last run (install record):
   *     the entries that are there are installed again, so that the tool runs again
   * @return whether the plan changes the target
   */
  private boolean target(
      InstallTarget target, InstallObservation there, SortedMap<String, Held> entries, Optional<String> note,
      boolean hookFailed) {
    String suffix = note.map(n -> " (" + n + ")").orElse("");
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, Held> e : entries.entrySet()) {
      String name = e.getKey();
      Optional<CertificateFacts> after = facts(e.getValue());
      Optional<Fingerprint> installed = Optional.ofNullable(there.entries().get(name));
      Attributes before = installed.map(f -> Attributes.none().with("sha256", f)).orElse(Attributes.none());
      Attributes afterAttributes = after.map(Attributes::of).orElse(Attributes.none());
      String what = after.map(PlanWords::certificate).orElse(changedIn(e.getValue()));
      if (installed.isEmpty() && !there.damaged().contains(name)) {
        changes.add(change(target, name, Action.CREATE, ReasonCode.MISSING, "not installed yet: " + what + suffix, entries, before, afterAttributes));
      } else if (there.damaged().contains(name)) {
        changes.add(change(target, name, Action.REPLACE, ReasonCode.OUT_OF_DATE, "installed but not as hostpki puts it; installing again: " + what + suffix, entries, before, afterAttributes));
      } else if (after.isEmpty() || !after.get().fingerprint().equals(installed.get())) {
        changes.add(
            change(
                target, name, Action.REPLACE, ReasonCode.OUT_OF_DATE,
                "installed " + installed.get().abbreviatedColonHex() + ", now " + what + suffix, entries, before,
                afterAttributes));
      } else if (hookFailed) {
        changes.add(change(target, name, Action.REPLACE, ReasonCode.OUT_OF_DATE, "installed, but a hook of the"
            + " target's tool failed at its last run (install record), so what that hook keeps (Java's cacerts, a"
            + " copy elsewhere) may be behind; running the tool again: " + what + suffix, entries, before,
            afterAttributes));
      } else {
        draft.unchanged();
      }
    }
    Set<String> gone = new java.util.TreeSet<>(there.entries().keySet());
    gone.addAll(there.damaged());
    gone.removeAll(entries.keySet());
    for (String name : gone) {
      Attributes before =
          Optional.ofNullable(there.entries().get(name)).map(f -> Attributes.none().with("sha256", f)).orElse(Attributes.none());
      String why =
          !in.installs().named().contains(target)
              ? "installed by hostpki (install record); trust.install no longer names " + target.address()
              : name.startsWith(in.installs().tag() + "-")
                  ? "installed by hostpki, no longer wanted there"
                  : "installed by this store under another tag (install record): the store has moved, its tag is now "
                      + in.installs().tag();
      changes.add(change(target, name, Action.DELETE, ReasonCode.NOT_WANTED, why + suffix, entries, before, Attributes.none()));
    }
    changes.forEach(draft::add);
    return !changes.isEmpty();
  }

  private static Change change(
      InstallTarget target, String name, Action action, ReasonCode code, String reason,
      SortedMap<String, Held> entries, Attributes before, Attributes after) {
    return new Change(
        target.entryAddress(name), action, List.of(new Reason(code, reason)),
        new Intent.InstallTrust(target, entries), before, after);
  }

  /** A certificate this plan issues, in words: it has no fingerprint yet. */
  private static String changedIn(Held held) {
    return held == Held.Stored.CA_NEXT ? "the next CA this apply makes" : "the CA this apply makes";
  }

  private Optional<Fingerprint> fingerprint(Held held) {
    return facts(held).map(CertificateFacts::fingerprint);
  }

  /**
   * The certificate as the store holds it after apply; empty for a CA this plan issues (its
   * fingerprint is known only once it is made).
   */
  private Optional<CertificateFacts> facts(Held held) {
    if (held instanceof Held.Trusted t) {
      return Optional.ofNullable(in.desiredTrust().get(t.name())).or(() -> Optional.ofNullable(observed.trusted().get(t.name())));
    }
    Optional<Change> ca = draft.change(Address.CA);
    return switch ((Held.Stored) held) {
      case CA -> {
        if (ca.isEmpty()) {
          yield observed.caCertificate();
        }
        yield ca.get().intent() instanceof Intent.PromoteNextCa ? observed.caNextCertificate() : Optional.empty();
      }
      case CA_NEXT -> draft.change(Address.CA_NEXT).isPresent() ? Optional.empty() : observed.caNextCertificate();
      case CA_PREVIOUS ->
          draft.change(Address.CA_PREVIOUS).filter(c -> c.intent() instanceof Intent.KeepPreviousCa).isPresent()
              ? observed.caCertificate()
              : observed.caPreviousCertificate();
      case SERVER -> observed.serverCertificate();
    };
  }
}
