package org.hostpki.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.hostpki.json.JsonReader;
import org.hostpki.json.JsonWriter;
import org.hostpki.json.RecordFormat;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.ChainValidator;
import org.hostpki.plan.Address;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.hostpki.store.RecordDirectory;
import tools.jackson.databind.JsonNode;

/**
 * Which trusted root completed each chain imported from {@code server.external.chain}, so that a
 * later plan notices when it leaves this host's trust (a distrust: ca-certificates drops it from
 * the system bundle, a root removed from {@code trust.certificates}); until then only clients
 * said so, by failing. Without {@code server.external.roots} the import checks the chain against
 * the host's trust ({@code trust.certificates}, {@code trust.includeSystemRoots}); with it, the
 * named roots are checked again at every plan already ({@link ChainValidator#outsideRoots}).
 *
 * <p>The record, {@code STORE/.external/chain-roots.json} ({@code {"format_version": "1",
 * "chains": [{"leaf": SHA-256, "root": SHA-256, "subject": DN}]}}, the last {@link #KEPT}
 * chains), lies beside the generations like {@code .install/}: builds that do not know it never
 * read, rewrite or remove it, and a rollback finds the entry of the chain it brings back by its
 * leaf. It is written under the store's lock before the commit of each generation that holds an
 * imported chain whose root the record lacks: a chain imported by an older build gets its root
 * resolved as the import did, by the first new generation. Until then a plan resolves it from the
 * trust it reads and says nothing if it is trusted, as the import did not either.
 */
final class ExternalChainRoots {
  static final String FOLDER = ".external";
  static final String FILE = "chain-roots.json";
  static final String FORMAT = "1";

  /** How many chains the record keeps: those of the kept generations, and some. */
  static final int KEPT = 16;

  /** One chain's root: the leaf's and the root's SHA-256, the root's subject. */
  record Entry(Fingerprint leaf, Fingerprint root, String subject) {}

  private ExternalChainRoots() {}

  /** Whether the record applies: an external issuer whose roots server.external.roots does not name. */
  static boolean applies(DesiredState desired) {
    ServerSpec server = desired.server();
    return server.issuer() == ServerSpec.Issuer.EXTERNAL
        && server.external().isPresent()
        && server.external().get().roots().isEmpty();
  }

  /** The entries recorded; empty when there is no record. One malformed entry is skipped. */
  static List<Entry> read(Path store) {
    Optional<byte[]> bytes;
    try {
      bytes = RecordDirectory.in(store, new SecureRandom(), FOLDER).read(FILE);
    } catch (IOException e) {
      return List.of(); // unreadable: the plan resolves the root as for an older build's import
    }
    if (bytes.isEmpty()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return List.of(); // a half-written or hand-spoilt record: as if none; the next write replaces it
    }
    RecordFormat.refuseNewer(root, FORMAT, store.resolve(FOLDER).resolve(FILE));
    List<Entry> entries = new ArrayList<>();
    JsonNode chains = root.isObject() ? root.get("chains") : null;
    if (chains == null || !chains.isArray()) {
      return List.of();
    }
    for (JsonNode c : chains) {
      try {
        entries.add(
            new Entry(
                new Fingerprint(c.get("leaf").asString()),
                new Fingerprint(c.get("root").asString()),
                c.get("subject").asString()));
      } catch (RuntimeException e) {
        // skipped: written by hand or by a newer build
      }
    }
    return entries;
  }

  /**
   * Records the root that completes {@code chain} in {@code trusted}, unless the record has the
   * chain's leaf already or no trusted root completes it. A failure is a notice: the store is
   * written all the same, and the next write tries again.
   */
  static void record(
      Path store, SecureRandom random, List<Certificate> chain, Collection<Certificate> trusted, List<String> notices) {
    if (chain.isEmpty()) {
      return;
    }
    Fingerprint leaf = chain.get(0).fingerprint();
    try {
      List<Entry> entries = new ArrayList<>(read(store));
      if (entries.stream().anyMatch(e -> e.leaf().equals(leaf))) {
        return;
      }
      Optional<Certificate> root = ChainValidator.anchor(chain, trusted);
      if (root.isEmpty()) {
        return;
      }
      entries.add(new Entry(leaf, root.get().fingerprint(), root.get().facts().subjectDn()));
      if (entries.size() > KEPT) {
        entries = new ArrayList<>(entries.subList(entries.size() - KEPT, entries.size()));
      }
      RecordDirectory.in(store, random, FOLDER).replace(FILE, render(entries), false);
    } catch (IOException | HostpkiException e) {
      notices.add(
          "could not record which root completes the imported chain (" + store.resolve(FOLDER).resolve(FILE)
              + "): " + TerminalText.escape(String.valueOf(e.getMessage()))
              + "; the next apply that writes the store tries again");
    }
  }

  private static byte[] render(List<Entry> entries) {
    JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT).name("chains").beginArray();
    for (Entry e : entries) {
      w.beginObject().field("leaf", e.leaf().hex()).field("root", e.root().hex()).field("subject", e.subject()).endObject();
    }
    return (w.endArray().endObject().toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The plan with the warning {@code chain-root-untrusted} added when the served imported chain's
   * recorded root is no longer among {@code trusted}: clients that trust only what this host
   * trusts refuse the server now, and no apply changes that before a new chain is imported.
   *
   * @param chain the chain imported last ({@code external-chain.crt}), leaf first
   */
  static Plan checked(
      Plan plan, DesiredState desired, Path store, List<Certificate> chain, Collection<Certificate> trusted) {
    if (!applies(desired) || chain.isEmpty() || importsChain(plan)) {
      return plan;
    }
    Fingerprint leaf = chain.get(0).fingerprint();
    Optional<Entry> recorded = read(store).stream().filter(e -> e.leaf().equals(leaf)).reduce((a, b) -> b);
    if (recorded.isEmpty()) {
      return plan; // an older build's import, or one no trusted root completed (that import warned)
    }
    Entry entry = recorded.get();
    if (trusted.stream().anyMatch(t -> t.fingerprint().equals(entry.root()))
        || ChainValidator.anchor(chain, trusted).isPresent()) {
      return plan; // still trusted (perhaps as a renewed certificate of the same root)
    }
    List<Warning> warnings = new ArrayList<>(plan.warnings());
    warnings.add(
        new Warning(
            WarningCode.CHAIN_ROOT_UNTRUSTED,
            Address.SERVER,
            "the imported chain (" + desired.server().external().get().chain() + ") ends in the root "
                + TerminalText.escape(entry.subject()) + " (SHA-256 " + entry.root().colonHex()
                + "), which this host trusted when it was imported and trusts no longer (it left"
                + " trust.certificates or the system's CA bundle, as a distrusted root does):"
                + " clients with the same trust refuse the server; have server.csr signed by a CA"
                + " whose root this host still trusts and put that chain at "
                + desired.server().external().get().chain() + " (or, if the root is still right,"
                + " trust it again)",
            true));
    return new Plan(
        plan.changes(), warnings, plan.refusals(), plan.unchanged(), plan.basis(), plan.pendingHooks(), plan.hold());
  }

  /** Whether the plan imports a chain file: its own warnings speak for the new chain. */
  private static boolean importsChain(Plan plan) {
    return plan.changes().stream()
        .anyMatch(c -> c.intent() instanceof org.hostpki.plan.Intent.InstallExternalChain i
            && i.source() == org.hostpki.plan.Intent.ChainSource.FILE);
  }
}
