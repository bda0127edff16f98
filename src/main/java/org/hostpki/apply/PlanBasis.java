package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.TerminalText;

/**
 * What a plan was computed from ({@link org.hostpki.plan.Plan#basis()}), input by input: a saved
 * plan ({@code plan --out}) records each input's digest, so that {@code apply --plan}, refusing it
 * as stale, can say which changed (a store another run wrote since, the host identity, the desired
 * state...) and the operator knows what to look at before planning again.
 *
 * @param digest the plan's basis: the SHA-256 over the parts, in order
 * @param generation the store's generation the plan was made from; empty for a new store
 * @param parts each input's name ({@link #STORE}, {@link #HOST}...) and digest (hex), in order
 */
public record PlanBasis(Fingerprint digest, Optional<String> generation, Map<String, String> parts) {

  /**
   * The store's files, but the records of what a fleet CA signed ({@code issued/}): a {@code sign}
   * writes nothing a plan looks at, so it does not make a saved plan stale.
   */
  public static final String STORE = "store";
  public static final String HOST = "host";
  public static final String DESIRED = "desired";

  public PlanBasis {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(generation, "generation");
    parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
  }

  /** The basis of {@code parts} (name to the input's text or digest), in the order given. */
  static PlanBasis of(Optional<String> generation, Map<String, String> texts) {
    Map<String, String> parts = new LinkedHashMap<>();
    StringBuilder all = new StringBuilder();
    texts.forEach(
        (name, text) -> {
          String hex = Fingerprint.sha256(text.getBytes(StandardCharsets.UTF_8)).hex();
          parts.put(name, hex);
          all.append(name).append(' ').append(hex).append('\n');
        });
    return new PlanBasis(Fingerprint.sha256(all.toString().getBytes(StandardCharsets.UTF_8)), generation, parts);
  }

  /**
   * What changed from the saved basis to this one, in words ("the host identity", "the store
   * (generation A → B)"); empty when the saved plan recorded no parts.
   */
  List<String> changedSince(Optional<String> savedGeneration, Map<String, String> saved) {
    List<String> changed = new ArrayList<>();
    if (saved.isEmpty()) {
      return changed;
    }
    parts.forEach(
        (name, hex) -> {
          if (!hex.equals(saved.get(name))) {
            changed.add(words(name, savedGeneration));
          }
        });
    saved.keySet().stream().filter(n -> !parts.containsKey(n)).forEach(n -> changed.add(words(n, savedGeneration)));
    return changed;
  }

  private String words(String name, Optional<String> savedGeneration) {
    return switch (name) {
      case STORE -> "the store (" + storeWords(savedGeneration) + ")";
      case HOST -> "the host identity (its names or addresses)";
      case DESIRED -> "the desired state (its file was edited, or another file was given)";
      case "trust" -> "the declared trusted certificates (trust.certificates, trust.directories)";
      case "crls" -> "the declared CRLs (trust.crls)";
      case "replace" -> "the --replace options";
      case "external-chain" -> "the external CA's chain file (server.external.chain)";
      case "installs" -> "the trust.install targets as found on the host";
      case "acme" -> "the ACME account or order";
      case "missing-links" -> "the store's missing links";
      case "kept-cas" -> "the CAs kept in older generations";
      default -> TerminalText.escape(name);
    };
  }

  private String storeWords(Optional<String> savedGeneration) {
    String then = savedGeneration.map(TerminalText::escape).orElse("none");
    String now = generation.map(TerminalText::escape).orElse("none");
    if (then.equals(now)) {
      return "generation " + now + " still, but its files changed: edited outside hostpki";
    }
    return "generation " + then + " → " + now + ": another apply, a rollback or a revoke wrote it since;"
        + " 'hostpki history' shows what";
  }
}
