package org.hostpki.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * "chains": [{"leaf": SHA-256, "chain": SHA-256, "root": SHA-256, "subject": DN}]}}, the last
 * {@link #KEPT} chains), lies beside the generations like {@code .install/}: builds that do not
 * know it never read, rewrite or remove it, and a rollback finds the entry of the chain it brings
 * back. An entry is the chain's, not the leaf's ({@code "chain"}, {@link #chainKey}): the same leaf
 * imported again through another intermediate (a cross-signed one, a new chain file from the CA)
 * may end in another root, and the check follows the chain that serves (rvcore16 L2). An entry
 * without {@code "chain"} (written by a build before 2026-12-08) stands for its leaf's chain until
 * a chain of that leaf is recorded with one. It is written under the store's lock before the commit of each generation that holds an
 * imported chain whose root the record lacks, and by an apply that writes no generation: a chain
 * imported by an older build gets its root resolved as the import did by the next apply. Until
 * then, and while the record cannot be read, a plan resolves it from the trust it reads: none is
 * the same warning. A rewrite keeps each entry as written (a newer build's fields, an entry this
 * build skips).
 *
 * <p>A chain ordered through ACME ({@code server.issuer: acme}) is recorded too, with {@code
 * "source": "acme"} and the root this host trusts that completes it (or none): a store switched
 * to the external issuer with that chain in the file is then told the truth about it, not that it
 * was imported before hostpki recorded roots (facme17).
 */
final class ExternalChainRoots {
  static final String FOLDER = ".external";
  static final String FILE = "chain-roots.json";
  static final String FORMAT = "1";

  /** How many chains the record keeps: those of the kept generations, and some. */
  static final int KEPT = 16;

  /** The most a record is read: its entries take some 200 bytes each, a newer build's some more. */
  static final int MOST = 256 * 1024;

  /**
   * One chain's root: the leaf's SHA-256, the chain's ({@link #chainKey}; none in an entry an
   * earlier build wrote), the root's SHA-256 and subject; no root when none this
   * host trusted completed the chain at its import (that import warned: its root is unnamed, or the
   * chain incomplete), written {@code "root": null}.
   */
  record Entry(
      Fingerprint leaf, Optional<Fingerprint> chain, Optional<Fingerprint> root, String subject, boolean ordered) {
    Entry(Fingerprint leaf, Optional<Fingerprint> chain, Optional<Fingerprint> root, String subject) {
      this(leaf, chain, root, subject, false);
    }
  }

  /** The value of an entry's {@code "source"} for a chain ordered through ACME. */
  static final String ORDERED = "acme";

  /**
   * What the record holds: its entries; each chain as written, kept whole when the record is
   * written again (an entry this build skips, a newer build's fields); the other top-level fields
   * as written; and, when it cannot be read (a FIFO, over the size limit, not JSON), why.
   */
  record Read(List<Entry> entries, List<JsonNode> written, Map<String, JsonNode> others, Optional<String> unreadable) {
    static final Read NONE = new Read(List.of(), List.of(), Map.of(), Optional.empty());

    /** The entry of {@code chain} (leaf first): its own, else its leaf's written without a chain. */
    Optional<Entry> of(List<Certificate> chain) {
      Fingerprint leaf = chain.get(0).fingerprint();
      Fingerprint key = chainKey(chain);
      return entries.stream().filter(e -> e.chain().map(key::equals).orElse(false)).reduce((a, b) -> b)
          .or(() -> entries.stream().filter(e -> e.chain().isEmpty() && e.leaf().equals(leaf)).reduce((a, b) -> b));
    }
  }

  private ExternalChainRoots() {}

  /**
   * What keys a chain's entry: the SHA-256 of its certificates' SHA-256 fingerprints in hex, leaf
   * first, each followed by a newline (a chain of any length, one fixed size in the record).
   */
  static Fingerprint chainKey(List<Certificate> chain) {
    StringBuilder sb = new StringBuilder();
    chain.forEach(c -> sb.append(c.fingerprint().hex()).append('\n'));
    return Fingerprint.sha256(sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the record applies: an external issuer whose roots server.external.roots does not name. */
  static boolean applies(DesiredState desired) {
    ServerSpec server = desired.server();
    return server.issuer() == ServerSpec.Issuer.EXTERNAL
        && server.external().isPresent()
        && server.external().get().roots().isEmpty();
  }

  /** The entries recorded; empty when there is no record. One malformed entry is skipped. */
  static List<Entry> read(Path store) {
    return readRecord(store).entries();
  }

  /**
   * The record; none when there is none, and none with the reason when it cannot be read: a plan
   * then resolves the root as for an older build's import, and the next write replaces it.
   */
  static Read readRecord(Path store) {
    Path file = store.resolve(FOLDER).resolve(FILE);
    Optional<byte[]> bytes;
    try {
      bytes = RecordDirectory.in(store, new SecureRandom(), FOLDER).readHead(FILE, MOST);
    } catch (IOException | HostpkiException e) {
      String why = String.valueOf(e.getMessage());
      return unreadable(why.contains(file.toString()) ? why : file + " cannot be read: " + why);
    }
    if (bytes.isEmpty()) {
      return Read.NONE;
    }
    if (bytes.get().length > MOST) {
      return unreadable(file + " is larger than " + MOST / 1024 + " KiB, which its " + KEPT + " chains never are");
    }
    JsonNode root;
    try {
      root = JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return unreadable(file + " is not JSON (" + e.getMessage() + ")"); // half-written or hand-spoilt
    }
    RecordFormat.refuseNewer(root, FORMAT, file);
    JsonNode chains = root.isObject() ? root.get("chains") : null;
    if (chains == null || !chains.isArray()) {
      return unreadable(file + " has no list of chains");
    }
    Map<String, JsonNode> others = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (!field.getKey().equals("format_version") && !field.getKey().equals("chains")) {
        others.put(field.getKey(), field.getValue());
      }
    }
    List<Entry> entries = new ArrayList<>();
    List<JsonNode> written = new ArrayList<>();
    for (JsonNode c : chains) {
      written.add(c);
      try {
        JsonNode r = c.get("root");
        JsonNode k = c.get("chain");
        Optional<Fingerprint> key =
            k == null || k.isNull() ? Optional.empty() : Optional.of(new Fingerprint(k.asString()));
        boolean ordered = isText(c.get("source"), ORDERED);
        entries.add(
            r.isNull()
                ? new Entry(new Fingerprint(c.get("leaf").asString()), key, Optional.empty(), "", ordered)
                : new Entry(
                    new Fingerprint(c.get("leaf").asString()), key, Optional.of(new Fingerprint(r.asString())),
                    c.get("subject").asString(), ordered));
      } catch (RuntimeException e) {
        // skipped here, kept as written: by hand or by a newer build
      }
    }
    return new Read(entries, written, others, Optional.empty());
  }

  private static boolean isText(JsonNode node, String text) {
    return node != null && node.isString() && node.asString().equals(text);
  }

  private static Read unreadable(String why) {
    return new Read(List.of(), List.of(), Map.of(), Optional.of(TerminalText.escape(why)));
  }

  /**
   * Records the root that completes {@code chain} in {@code trusted}, unless the record has the
   * chain already (or, written by an earlier build, its leaf). When no trusted root completes it, an import records that ("root":
   * null: the import warned, and the plan stays quiet); any other writer (a generation or an
   * apply that keeps a chain an older build imported) records nothing, so that the plan goes on
   * warning. A failure is a notice: the store is written all the same, and the next apply tries
   * again.
   *
   * @param imported whether this apply imports {@code chain} from {@code server.external.chain}
   */
  static void record(
      Path store,
      SecureRandom random,
      List<Certificate> chain,
      Collection<Certificate> trusted,
      boolean imported,
      List<String> notices) {
    record(store, random, chain, trusted, imported, false, notices);
  }

  /**
   * Records the root that completes {@code chain}, which this apply ordered through ACME: as an
   * import's, with {@code "source": "acme"}, and none recorded as such.
   */
  static void recordOrdered(
      Path store, SecureRandom random, List<Certificate> chain, Collection<Certificate> trusted, List<String> notices) {
    record(store, random, chain, trusted, true, true, notices);
  }

  private static void record(
      Path store,
      SecureRandom random,
      List<Certificate> chain,
      Collection<Certificate> trusted,
      boolean imported,
      boolean ordered,
      List<String> notices) {
    if (chain.isEmpty()) {
      return;
    }
    Fingerprint leaf = chain.get(0).fingerprint();
    Fingerprint key = chainKey(chain);
    try {
      Read read = readRecord(store);
      Optional<Entry> recorded = read.of(chain);
      // An earlier build's entry for the leaf names the root of whichever chain it was imported
      // with: an import (the same leaf through another intermediate) records its own.
      if (imported && recorded.isPresent() && recorded.get().chain().isEmpty()) {
        recorded = Optional.empty();
      }
      if (recorded.isPresent() && recorded.get().root().isPresent()) {
        return;
      }
      Optional<Certificate> root = ChainValidator.anchor(chain, trusted);
      // An entry without a root (no trusted root completed the chain at its import) is replaced
      // once one does (the operator trusted it, as the import's warning asked): else a later
      // distrust of that root went unnoticed (rvfinal16 1).
      if (root.isEmpty() && (recorded.isPresent() || !imported)) {
        return;
      }
      // Replaced: this chain's entry, and an earlier build's entry for its leaf (of this chain or
      // of one that no longer serves). Another chain of the same leaf keeps its entry, for a
      // rollback that brings it back.
      List<JsonNode> kept =
          read.written().stream()
              .filter(n -> !(isText(n.get("chain"), key.hex())
                  || (n.get("chain") == null && isText(n.get("leaf"), leaf.hex()))))
              .toList();
      if (kept.size() >= KEPT) {
        kept = kept.subList(kept.size() - (KEPT - 1), kept.size());
      }
      JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT);
      read.others().forEach((name, value) -> w.name(name).value(value));
      w.name("chains").beginArray();
      kept.forEach(w::value);
      w.beginObject().field("leaf", leaf.hex()).field("chain", key.hex());
      if (ordered) {
        w.field("source", ORDERED);
      }
      if (root.isPresent()) {
        w.field("root", root.get().fingerprint().hex()).field("subject", root.get().facts().subjectDn());
      } else {
        w.name("root").nullValue().name("subject").nullValue();
      }
      w.endObject().endArray().endObject();
      RecordDirectory.in(store, random, FOLDER)
          .replace(FILE, (w.toString() + "\n").getBytes(StandardCharsets.UTF_8), false);
    } catch (IOException | HostpkiException e) {
      notices.add(
          "could not record which root completes the " + (ordered ? "ordered" : "imported") + " chain ("
              + store.resolve(FOLDER).resolve(FILE)
              + "): " + TerminalText.escape(String.valueOf(e.getMessage()))
              + "; the next apply tries again");
    }
  }

  /**
   * The plan with the warning {@code chain-root-untrusted} added when the served imported chain's
   * recorded root is no longer among {@code trusted}: clients that trust only what this host
   * trusts refuse the server now, and no apply changes that before a new chain is imported. A
   * chain the record lacks (imported by an older build, or the record unreadable) has its root
   * resolved from {@code trusted} as the import did: none is the same warning.
   *
   * @param chain the chain imported last ({@code external-chain.crt}), leaf first, when it is what
   *     serves (not while the internal fallback serves instead): empty otherwise
   */
  static Plan checked(
      Plan plan, DesiredState desired, Path store, List<Certificate> chain, Collection<Certificate> trusted) {
    // A plan that imports the chain file speaks for the new chain, but only if that import
    // happens: a rollback's hold keeps unattended runs from it, and a refused plan changes
    // nothing, while the chain to the distrusted root goes on serving (rvcore16 M2).
    if (!applies(desired) || chain.isEmpty()
        || (importsChain(plan) && plan.hold().isEmpty() && !plan.isRefused())) {
      return plan;
    }
    Read read = readRecord(store);
    Optional<Entry> recorded = read.of(chain);
    if (recorded.isPresent() && recorded.get().root().isEmpty() && !recorded.get().ordered()) {
      return plan; // no trusted root completed it at its import, which warned
    }
    if (recorded.isPresent() && trusted.stream().anyMatch(t -> t.fingerprint().equals(recorded.get().root().get()))) {
      return plan;
    }
    if (ChainValidator.anchor(chain, trusted).isPresent()) {
      return plan; // still trusted (perhaps as a renewed certificate of the same root)
    }
    Path chainFile = desired.server().external().get().chain();
    String what;
    if (recorded.isPresent() && recorded.get().ordered() && recorded.get().root().isEmpty()) {
      // Nothing warned when ACME ordered it: no root this host trusts completed it then either.
      Certificate top = chain.get(chain.size() - 1);
      what =
          "no root this host trusts completes the served chain (" + chainFile + ", ending with "
              + TerminalText.escape(top.facts().subjectDn()) + ", issued by "
              + TerminalText.escape(top.facts().issuerDn()) + "), which was ordered through ACME; none"
              + " did when it was ordered either (hostpki does not ask that of an ACME CA's chain)";
    } else if (recorded.isPresent()) {
      Entry entry = recorded.get();
      what =
          (entry.ordered() ? "the chain ordered through ACME (" : "the imported chain (") + chainFile
              + ") ends in the root " + TerminalText.escape(entry.subject())
              + " (SHA-256 " + entry.root().get().colonHex() + "), which this host trusted when it was "
              + (entry.ordered() ? "ordered through ACME" : "imported")
              + " and trusts no longer (it left trust.certificates or the system's CA bundle, as a"
              + " distrusted root does)";
    } else {
      Certificate top = chain.get(chain.size() - 1);
      what =
          "no root this host trusts completes the served chain (" + chainFile + ", ending with "
              + TerminalText.escape(top.facts().subjectDn()) + ", issued by "
              + TerminalText.escape(top.facts().issuerDn()) + "); "
              + read.unreadable()
                  .map(why -> "which root completed it at its import is not known (" + why + ")")
                  .orElse("it was imported, or ordered through ACME, before hostpki recorded which root"
                      + " completes a chain")
              + ", so whether that root left trust.certificates or the system's CA bundle (as a"
              + " distrusted root does) is not known";
    }
    List<Warning> warnings = new ArrayList<>(plan.warnings());
    warnings.add(
        new Warning(
            WarningCode.CHAIN_ROOT_UNTRUSTED,
            Address.SERVER,
            what + ": clients with the same trust refuse the server; have server.csr signed by a CA"
                + " whose root this host still trusts and put that chain at " + chainFile
                + " (or, if the root is still right, trust it again)",
            true));
    return new Plan(
        plan.changes(), warnings, plan.refusals(), plan.unchanged(), plan.basis(), plan.pendingHooks(), plan.hold());
  }

  /** Whether the plan imports a chain file: its own warnings speak for the new chain. */
  static boolean importsChain(Plan plan) {
    return plan.changes().stream()
        .anyMatch(c -> c.intent() instanceof org.hostpki.plan.Intent.InstallExternalChain i
            && i.source() == org.hostpki.plan.Intent.ChainSource.FILE);
  }
}
