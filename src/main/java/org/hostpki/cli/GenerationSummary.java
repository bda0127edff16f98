package org.hostpki.cli;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hostpki.json.JsonReader;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Action;
import org.hostpki.plan.Address;
import org.hostpki.store.Generation;
import org.hostpki.store.StoreDirectory;
import tools.jackson.databind.JsonNode;

/**
 * What {@code history} and {@code rollback} tell about one kept generation: when it was written,
 * what the apply that wrote it changed (from the plan in its {@code .generation.json}) and which
 * server certificate it holds.
 *
 * @param changes the changes of the plan that wrote it; empty when it recorded none that can be
 *     read (a generation written by hand or by an older hostpki)
 * @param server the server certificate's SHA-256 fingerprint; empty when there is none
 * @param serverProblem why the server certificate could not be read, if it could not
 */
record GenerationSummary(
    String name,
    Instant time,
    boolean current,
    Optional<List<RecordedChange>> changes,
    Optional<Fingerprint> server,
    Optional<String> serverProblem) {

  /** More trusted-certificate changes than this are counted rather than listed. */
  private static final int TRUST_CHANGES_LISTED = 3;

  /** One change as recorded: address and action word. */
  /** @param reasons the codes of the reasons the plan gave (none for a fleet CA's sign or revoke) */
  record RecordedChange(String address, String action, List<String> reasons) {
    RecordedChange {
      reasons = List.copyOf(reasons);
    }

    RecordedChange(String address, String action) {
      this(address, action, List.of());
    }

    String symbol() {
      try {
        return Action.valueOf(action.toUpperCase(Locale.ROOT)).symbol();
      } catch (IllegalArgumentException e) {
        return "?";
      }
    }
  }

  static List<GenerationSummary> of(StoreDirectory store) {
    List<GenerationSummary> summaries = new ArrayList<>();
    for (Generation generation : store.generations()) {
      summaries.add(of(store, generation));
    }
    return summaries;
  }

  static GenerationSummary of(StoreDirectory store, Generation generation) {
    Optional<Fingerprint> server = Optional.empty();
    Optional<String> problem = Optional.empty();
    try {
      server = serverFingerprint(store.generationFile(generation.name(), StoreLayout.SERVER_CERT));
    } catch (HostpkiException | InvalidMaterialException e) {
      problem = Optional.of(e.getMessage());
    }
    return new GenerationSummary(
        generation.name(),
        generation.time(),
        generation.current(),
        generation.metadata().flatMap(GenerationSummary::recordedChanges),
        server,
        problem);
  }

  private static Optional<Fingerprint> serverFingerprint(Optional<byte[]> pem)
      throws InvalidMaterialException {
    if (pem.isEmpty()) {
      return Optional.empty();
    }
    List<Certificate> certificates = Pem.readCertificates(pem.get());
    if (certificates.isEmpty()) {
      throw new InvalidMaterialException("server.crt holds no certificate");
    }
    return Optional.of(certificates.get(0).fingerprint());
  }

  /** The changes of the plan in a generation's metadata ({@code {"time":…,"plan":{…}}}). */
  static Optional<List<RecordedChange>> recordedChanges(byte[] metadata) {
    JsonNode root;
    try {
      root = JsonReader.parse(new String(metadata, StandardCharsets.UTF_8));
    } catch (JsonReader.MalformedJsonException e) {
      return Optional.empty();
    }
    if (root == null) {
      return Optional.empty();
    }
    Optional<List<RecordedChange>> fleet = fleetCaChanges(root);
    if (fleet.isPresent()) {
      return fleet;
    }
    JsonNode changes = root.path("plan").get("changes");
    if (changes == null || !changes.isArray()) {
      return Optional.empty();
    }
    List<RecordedChange> recorded = new ArrayList<>();
    for (JsonNode change : changes) {
      List<String> reasons = new ArrayList<>();
      change.path("reasons").forEach(reason -> reasons.add(reason.path("code").asString("")));
      recorded.add(
          new RecordedChange(
              change.path("address").asString(""), change.path("action").asString(""), reasons));
    }
    return Optional.of(recorded);
  }

  /**
   * What a fleet CA's sign or revoke recorded ({@code {"sign":{"serial":…}}}, {@code
   * {"revoke":{"serial":…,"crlNumber":…}}}, {@code {"crl":{"crlNumber":…}}} for a renewed CRL), as
   * changes: {@code +issued/SERIAL}, {@code +revoked/SERIAL ~ca.crl}.
   */
  private static Optional<List<RecordedChange>> fleetCaChanges(JsonNode root) {
    JsonNode sign = root.get("sign");
    if (sign != null && sign.has("serial")) {
      return Optional.of(List.of(new RecordedChange("issued/" + sign.path("serial").asString(""), "create")));
    }
    JsonNode revoke = root.has("revoke") ? root.get("revoke") : root.get("crl");
    if (revoke == null || !revoke.has("crlNumber")) {
      return Optional.empty();
    }
    List<RecordedChange> changes = new ArrayList<>();
    if (revoke.has("recorded")) {
      changes.add(new RecordedChange(revoke.path("recorded").asString("").replaceFirst("\\.crt$", ""), "create"));
    }
    if (revoke.has("serial")) {
      changes.add(new RecordedChange("revoked/" + revoke.path("serial").asString(""), "create"));
    }
    // firstCrl since CRL numbers count nanoseconds; before, the first CRL was number 1
    boolean first =
        revoke.path("firstCrl").asBoolean(false) || revoke.path("crlNumber").asString("").equals("1");
    changes.add(new RecordedChange(StoreLayout.CA_CRL, first ? "create" : "update"));
    return Optional.of(changes);
  }

  /**
   * The changes on one line, as the plan marks them: {@code ~server ~output/server.p12}. Many
   * trusted-certificate changes are counted: {@code trust/*: +10 ~10 -10}.
   */
  String changesText() {
    if (changes.isEmpty()) {
      return "(not recorded)";
    }
    List<String> words = new ArrayList<>();
    List<RecordedChange> trust = new ArrayList<>();
    for (RecordedChange change : changes.get()) {
      if (Address.isTrust(change.address())) {
        trust.add(change);
      } else {
        words.add(change.symbol() + change.address());
      }
    }
    if (trust.size() <= TRUST_CHANGES_LISTED) {
      trust.forEach(c -> words.add(c.symbol() + c.address()));
    } else {
      StringBuilder counts = new StringBuilder(Address.trust("*") + ":");
      for (String symbol : new String[] {"+", "~", "-"}) {
        long n = trust.stream().filter(c -> c.symbol().equals(symbol)).count();
        if (n > 0) {
          counts.append(' ').append(symbol).append(n);
        }
      }
      words.add(counts.toString());
    }
    return words.isEmpty() ? "(nothing)" : String.join(" ", words);
  }

  /** The server certificate as a line of text: its fingerprint, or why there is none. */
  String serverText() {
    if (server.isPresent()) {
      return "sha256 " + server.get().colonHex();
    }
    return serverProblem.map(p -> "unreadable: " + p).orElse("none");
  }
}
