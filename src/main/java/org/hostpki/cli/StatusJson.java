package org.hostpki.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.apply.Reconciler;
import org.hostpki.check.VerdictJson;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.plan.InstallInput;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.hostpki.renewal.Renewal;
import org.hostpki.sign.IssuedCertificate;

/**
 * {@code status --output json}: the document schema/status.schema.json describes, and the part of
 * it that {@code apply --output json} prints of the store it leaves. Apart from {@link
 * StatusCommand}'s text so that each stays short and the two outputs are read side by side.
 */
final class StatusJson {
  private StatusJson() {}

  /** The format of the JSON document, described by schema/status.schema.json. */
  static final String FORMAT_VERSION = "1";


  /** The whole status document, schema/status.schema.json, as one line. */
  static String document(StatusReport report) {
    Reconciler.Observation o = report.observation();
    ObservedStore s = o.store().facts();
    Path store = o.desired().store().path();
    Instant now = o.now();
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("store", store.toString());
    w.field("exists", s.exists());
    w.field("generation", o.store().snapshot().generation());
    host(w.name("host"), o.host());
    storeMembers(w, report.shown());
    installedJson(w.name("installed"), o.installed(), o.plan());
    w.name("drift").beginArray();
    o.plan().changes().forEach(c -> PlanJson.change(w, c, false));
    w.endArray();
    PlanJson.pendingHooks(w.name("hooks_pending"), o.plan().pendingHooks());
    PlanJson.hold(w.name("hold"), o.plan().hold());
    w.name("warnings").beginArray();
    for (Warning warning : o.plan().warnings()) {
      w.beginObject().field("code", warning.code()).field("subject", warning.subject())
          .field("message", warning.message()).endObject();
    }
    for (RevocationStatus.CrlWarning warning : report.revoked().warnings()) {
      w.beginObject().field("code", warning.code()).field("subject", warning.subject())
          .field("message", warning.message()).endObject();
    }
    w.endArray();
    PlanJson.refusals(w.name("errors"), o.plan().refusals());
    externalJson(w, o, s);
    AcmeStatus.json(w, o);
    w.name("issued").beginArray();
    for (IssuedCertificate i : report.issued()) {
      w.beginObject();
      SignCommand.issuedMembers(w, i, store, now);
      w.name("revoked");
      report.revoked().entry(i).ifPresentOrElse(e -> RevocationStatus.entryJson(w, e), w::nullValue);
      w.endObject();
    }
    w.endArray();
    report.revoked().json(w);
    OutputsStatus.json(w, o);
    return w.endObject().line();
  }

  /** The live host identity: its names and addresses, each in a field of its own. */
  static void host(JsonWriter w, HostIdentity host) {
    w.beginObject()
        .field("hostname", host.hostname())
        .field("domain", host.domain())
        .field("fqdn", host.fqdn())
        .field("addresses", IpAddresses.format(host.addresses()))
        .endObject();
  }

  private static void externalJson(JsonWriter w, Reconciler.Observation o, ObservedStore s) {
    w.name("external");
    if (o.desired().server().issuer() != ServerSpec.Issuer.EXTERNAL) {
      w.nullValue();
      return;
    }
    w.beginObject();
    w.field("chain_file", o.desired().server().external().map(ExternalSpec::chain).orElseThrow().toString());
    w.field("chain_file_state", o.externalChainFile().map(f -> ChainFileState.of(f, s).word()).orElse("absent"));
    w.field("serving", s.servesImportedChain() ? "external" : s.serverCertificate().isPresent() ? "internal" : "none");
    w.name("imported");
    if (s.externalChain().isPresent()) {
      w.beginArray();
      s.externalChain().get().forEach(c -> CertificateJson.write(w, c, o.now()));
      w.endArray();
    } else {
      w.nullValue();
    }
    w.name("csr");
    if (s.serverCsr().isPresent()) {
      CsrFacts csr = s.serverCsr().get();
      w.beginObject();
      w.field("file", o.desired().store().path().resolve(StoreLayout.SERVER_CSR).toString());
      CertificateJson.requestMembers(w, csr);
      w.endObject();
    } else {
      w.nullValue();
    }
    w.endObject();
  }

  /** A certificate of the store with the path of its file and its renewal; null when there is none. */
  private static void storeCertificate(
      JsonWriter w, Optional<CertificateFacts> cert, Path store, String file, Optional<Renewal> renewal, Instant now) {
    if (cert.isEmpty()) {
      w.nullValue();
      return;
    }
    w.beginObject();
    w.field("file", store.resolve(file).toString());
    CertificateJson.members(w, cert.get(), now);
    w.name("renewal");
    renewal.ifPresentOrElse(r -> VerdictJson.renewal(w, r, now), w::nullValue);
    w.endObject();
  }


  /**
   * The store's files, CA, server and trusted certificates, as members of an object: the part of
   * status that {@code apply --output json} also prints of the store it leaves (its {@code
   * status}), so that the Ansible module reads them without starting Java again.
   */
  static void storeMembers(JsonWriter w, StatusReport.StoreShown shown) {
    ObservedStore s = shown.facts();
    Path store = shown.store();
    Instant now = shown.now();
    w.name("files").beginArray();
    for (String name : shown.files()) {
      if (name.indexOf('/') < 0 && !name.startsWith(".")) {
        w.beginObject().field("name", name).field("path", store.resolve(name).toString()).endObject();
      }
    }
    w.endArray();
    storeCertificate(w.name("ca"), s.caCertificate(), store, StoreLayout.CA_CERT, Optional.ofNullable(shown.renewals().get("ca")), now);
    storeCertificate(
        w.name("server"), s.serverCertificate(), store, StoreLayout.SERVER_CERT, Optional.ofNullable(shown.renewals().get("server")), now);
    w.name("trusted").beginArray();
    for (Map.Entry<String, CertificateFacts> e : s.trusted().entrySet()) {
      w.beginObject();
      w.field("name", e.getKey());
      w.field("managed", !shown.unmanaged().contains(e.getKey()));
      w.field("file", store.resolve(StoreLayout.trustFile(e.getKey())).toString());
      CertificateJson.members(w, e.getValue(), now);
      w.endObject();
    }
    w.endArray();
  }


  private static void installedJson(JsonWriter w, InstallInput installed, Plan plan) {
    w.beginArray();
    installed.observed().forEach(
        (target, there) -> {
          w.beginObject().field("target", target.address()).field("named", installed.named().contains(target));
          w.name("entries").beginArray();
          there.entries().forEach((n, f) -> w.beginObject().field("name", n).field("sha256", f).endObject());
          w.endArray();
          w.field("damaged", List.copyOf(there.damaged()));
          standingFailure(installed, plan, target).ifPresent(f -> {
            w.name("last_failure").beginObject().field("since", f.since()).field("at", f.at())
                .field("attempts", f.attempts()).field("error", f.error()).endObject();
          });
          w.endObject();
        });
    w.endArray();
  }

  /**
   * The install record's failure of a target that stands: the plan changes the target again (it
   * warns {@code install-failed}); one of a target the plan leaves alone is past.
   */
  static Optional<InstallRecord.Failure> standingFailure(InstallInput installed, Plan plan, InstallTarget target) {
    boolean warned = plan.warnings().stream()
        .anyMatch(x -> x.kind() == WarningCode.INSTALL_FAILED && x.subject().equals(target.subject()));
    return warned ? installed.record().failure(target) : Optional.empty();
  }
}
