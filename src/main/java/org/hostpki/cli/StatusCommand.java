package org.hostpki.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalLines;
import org.hostpki.plan.Change;
import org.hostpki.plan.JsonWriter;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.Renewals;
import org.hostpki.plan.Warning;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.renewal.Renewal;
import org.hostpki.sign.IssuedCertificates;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    description = "Show what is in the store now: subjects, SANs, keys, fingerprints, expiry, drift.",
    footer = {"", "Example:", "  hostpki status -f /etc/hostpki/host.yaml --output json"})
final class StatusCommand extends StoreCommand implements Callable<Integer> {
  StatusCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    // As the timer and watch see it, like 'plan': a renewal waiting for a window is no drift.
    Reconciler.Observation o =
        reconciler().plan(desiredState(), EnumSet.noneOf(PlanInput.Replace.class), true);
    ObservedStore s = o.store().facts();
    SortedMap<String, Renewal> renewals = Renewals.of(o.desired(), o.host(), s, o.now(), true);
    List<String> unmanaged = new ArrayList<>();
    for (String name : s.trusted().keySet()) {
      if (!o.desiredTrust().containsKey(name)) {
        unmanaged.add(name);
      }
    }
    List<IssuedCertificate> issued =
        IssuedCertificates.read(o.store().snapshot(), o.desired().store().path());
    RevocationStatus revoked =
        RevocationStatus.of(o.store().snapshot(), o.desired().store().path(), issued, s.caCertificate(), o.now());
    if (output == OutputFormat.json) {
      printJson(o, s, renewals, unmanaged, issued, revoked);
    } else {
      printText(o, s, renewals, unmanaged, issued, revoked);
    }
    return ExitCodes.OK;
  }

  private void printText(
      Reconciler.Observation o,
      ObservedStore s,
      SortedMap<String, Renewal> renewals,
      List<String> unmanaged,
      List<IssuedCertificate> issued,
      RevocationStatus revoked) {
    TerminalLines text = new TerminalLines();
    text.add("Store    ").add(o.desired().store().path());
    o.store().snapshot().generation().ifPresent(g -> text.add(" (generation ").add(g).add(')'));
    if (!s.exists()) {
      text.add(" — empty: run 'hostpki apply -f ").add(file).add("'");
    }
    text.end();
    text.add("Host     ").add(o.host()).end();
    s.caCertificate().ifPresent(c -> certificateText(text, "CA", c, renewals.get("ca"), o.now()));
    s.serverCertificate().ifPresent(c -> certificateText(text, "Server", c, renewals.get("server"), o.now()));
    externalText(text, o, s);
    text.add("Trust    ").add(s.trusted().size()).add(" trusted certificate(s)");
    if (!unmanaged.isEmpty()) {
      text.add(", unmanaged (kept, prune is off): ").add(String.join(", ", unmanaged));
    }
    text.end();
    issuedText(text, issued, revoked, o.now());
    revoked.text(text);
    Plan plan = o.plan();
    if (plan.isEmpty() && plan.isRefused()) {
      text.add("Drift    none found, but apply refuses to run until the error below is fixed").end();
    } else if (plan.isEmpty()) {
      text.add("Drift    none: the store matches the desired state").end();
    } else {
      text.add("Drift    ").add(plan.changes().size()).add(" change(s) pending; 'hostpki plan' shows them:").end();
      for (Change c : plan.changes()) {
        text.add("         ").add(c.address()).add(": ").add(c.reasonText()).end();
      }
    }
    for (PendingHook h : plan.pendingHooks()) {
      text.line("! " + PlanText.pendingLine(h));
    }
    plan.hold().ifPresent(h -> text.line("! " + PlanText.holdLine(h)));
    for (Warning w : plan.warnings()) {
      text.add("warning: ").add(w.message()).end();
    }
    for (String w : revoked.warnings()) {
      text.add("warning: ").add(w).end();
    }
    for (Refusal r : plan.refusals()) {
      text.line("error: " + r.message());
      r.problems().forEach(p -> text.line("  - " + p));
    }
    out().print(text, false);
    out().flush();
  }

  /** What {@code hostpki sign} issued with this CA; nothing on a host that signs for none. */
  private static void issuedText(
      TerminalLines text, List<IssuedCertificate> issued, RevocationStatus revoked, Instant now) {
    if (issued.isEmpty()) {
      return;
    }
    text.add("Issued   ").add(issued.size()).add(" certificate(s) signed for other hosts (hostpki sign):").end();
    for (IssuedCertificate i : issued) {
      CertificateFacts c = i.facts();
      text.add("         serial ").add(i.serial()).add(' ').add(c.subjectDn());
      revoked.entry(i).ifPresent(e -> text.add(" REVOKED ").add(DateText.day(e.revocationDate())).add(" (").add(e.reason().word()).add(')'));
      text.end();
      text.add("           SANs ").add(sans(c)).add("; not after ").add(DateText.day(c.notAfter()))
          .add(" (").add(daysLeft(c, now)).add(")").end();
    }
  }

  /** The external issuer's state: where the chain goes, what is served, the request. */
  private static void externalText(TerminalLines text, Reconciler.Observation o, ObservedStore s) {
    if (o.desired().server().issuer() != ServerSpec.Issuer.EXTERNAL) {
      return;
    }
    String pad = "         ";
    Path chain = o.desired().server().external().map(ExternalSpec::chain).orElseThrow();
    text.add("Issuer   external; chain file ").add(chain);
    o.externalChainFile().ifPresent(f -> text.add(" (").add(fileState(f)).add(')'));
    text.end();
    text.add(pad).add("serving ");
    if (s.servesImportedChain()) {
      List<CertificateFacts> record = s.externalChain().orElseThrow();
      text.add("the imported chain: ")
          .add(String.join(" <- ", record.stream().map(CertificateFacts::subjectDn).toList()))
          .end();
    } else if (s.serverCertificate().isPresent()) {
      text.add("a certificate from the internal CA until a signed chain is imported").end();
    } else {
      text.add("nothing yet: run 'hostpki apply'").end();
    }
    s.serverCsr()
        .ifPresent(
            csr -> {
              List<String> sans = new ArrayList<>(csr.dnsNames());
              csr.ipAddresses().forEach(ip -> sans.add(IpAddresses.format(ip)));
              text.add(pad)
                  .add("request ")
                  .add(o.desired().store().path().resolve(StoreLayout.SERVER_CSR))
                  .add(": ")
                  .add(csr.subjectDn())
                  .add("; SANs ")
                  .add(String.join(", ", sans))
                  .end();
            });
  }


  private static String fileState(ExternalChainFile f) {
    if (f instanceof ExternalChainFile.Absent) {
      return "not there yet";
    }
    if (f instanceof ExternalChainFile.Valid) {
      return "a valid chain";
    }
    return "refused, see the error below";
  }

  private static String fileStateWord(ExternalChainFile f) {
    return f instanceof ExternalChainFile.Absent
        ? "absent"
        : f instanceof ExternalChainFile.Valid ? "valid" : "refused";
  }

  private static void certificateText(
      TerminalLines text, String label, CertificateFacts c, Renewal renewal, Instant now) {
    String pad = "         ";
    text.add(String.format("%-9s", label)).add(c.subjectDn()).end();
    if (!c.dnsNames().isEmpty() || !c.ipAddresses().isEmpty()) {
      text.add(pad).add("SANs ").add(sans(c)).end();
    }
    text.add(pad)
        .add("key ")
        .add(c.publicKey().spec().map(KeySpec::toString).orElse("other"))
        .add(", issuer ")
        .add(c.issuerDn())
        .end();
    text.add(pad).add("sha256 ").add(c.fingerprint().colonHex()).end();
    text.add(pad)
        .add("not after ")
        .add(DateText.day(c.notAfter()))
        .add(" (")
        .add(daysLeft(c, now))
        .add(")").end();
    text.add(pad).add("renewal ").add(renewal.summary(now)).end();
  }

  private static String daysLeft(CertificateFacts c, Instant now) {
    return !c.isExpiredAt(now)
        ? DurationText.left(Duration.between(now, c.notAfter())) + " left"
        : "EXPIRED";
  }

  private static String sans(CertificateFacts c) {
    List<String> all = new ArrayList<>(c.dnsNames());
    for (InetAddress ip : c.ipAddresses()) {
      all.add(IpAddresses.format(ip));
    }
    return String.join(", ", all);
  }

  private void printJson(
      Reconciler.Observation o,
      ObservedStore s,
      SortedMap<String, Renewal> renewals,
      List<String> unmanaged,
      List<IssuedCertificate> issued,
      RevocationStatus revoked) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("store", o.desired().store().path().toString());
    w.field("exists", s.exists());
    o.store().snapshot().generation().ifPresent(g -> w.field("generation", g));
    w.field("host", o.host().toString());
    certificateJson(w, "ca", s.caCertificate(), Optional.ofNullable(renewals.get("ca")), o.now());
    certificateJson(w, "server", s.serverCertificate(), Optional.ofNullable(renewals.get("server")), o.now());
    w.name("trusted").beginArray();
    for (Map.Entry<String, CertificateFacts> e : s.trusted().entrySet()) {
      w.beginObject()
          .field("name", e.getKey())
          .field("subject", e.getValue().subjectDn())
          .field("sha256", e.getValue().fingerprint().hex())
          .field("notAfter", e.getValue().notAfter().toString())
          .field("managed", !unmanaged.contains(e.getKey()))
          .endObject();
    }
    w.endArray();
    w.name("drift").beginArray();
    for (Change c : o.plan().changes()) {
      w.beginObject().field("address", c.address()).field("action", c.action().word()).field("reason", c.reasonText()).endObject();
    }
    w.endArray();
    w.name("hooks_pending").beginArray();
    o.plan().pendingHooks().forEach(h -> PlanJson.pendingHook(w, h));
    w.endArray();
    PlanJson.hold(w.name("hold"), o.plan().hold());
    w.name("warnings").beginArray();
    for (Warning warning : o.plan().warnings()) {
      w.value(warning.message());
    }
    revoked.warnings().forEach(w::value);
    w.endArray();
    w.name("errors").beginArray();
    for (Refusal refusal : o.plan().refusals()) {
      w.value(refusal.describe());
    }
    w.endArray();
    externalJson(w, o, s);
    w.name("issued").beginArray();
    for (IssuedCertificate i : issued) {
      w.beginObject();
      SignCommand.issuedJson(w, i, o.now());
      w.name("revoked");
      revoked.entry(i).ifPresentOrElse(e -> RevocationStatus.entryJson(w, e), () -> w.value((String) null));
      w.endObject();
    }
    w.endArray();
    revoked.json(w);
    out().println(w.endObject());
    out().flush();
  }

  private static void externalJson(JsonWriter w, Reconciler.Observation o, ObservedStore s) {
    w.name("external");
    if (o.desired().server().issuer() != ServerSpec.Issuer.EXTERNAL) {
      w.value((String) null);
      return;
    }
    w.beginObject();
    w.field("chainFile", o.desired().server().external().map(ExternalSpec::chain).orElseThrow().toString());
    w.field("chainFileState", o.externalChainFile().map(StatusCommand::fileStateWord).orElse("absent"));
    w.field("serving", s.servesImportedChain() ? "external" : s.serverCertificate().isPresent() ? "internal" : "none");
    w.name("imported");
    if (s.externalChain().isPresent()) {
      w.beginArray();
      for (CertificateFacts c : s.externalChain().get()) {
        w.beginObject()
            .field("subject", c.subjectDn())
            .field("issuer", c.issuerDn())
            .field("sha256", c.fingerprint().hex())
            .field("notAfter", c.notAfter().toString())
            .endObject();
      }
      w.endArray();
    } else {
      w.value((String) null);
    }
    w.name("csr");
    if (s.serverCsr().isPresent()) {
      w.beginObject();
      w.field("file", o.desired().store().path().resolve(StoreLayout.SERVER_CSR).toString());
      w.field("subject", s.serverCsr().get().subjectDn());
      w.name("dnsNames").beginArray();
      s.serverCsr().get().dnsNames().forEach(w::value);
      w.endArray();
      w.name("ipAddresses").beginArray();
      s.serverCsr().get().ipAddresses().forEach(ip -> w.value(IpAddresses.format(ip)));
      w.endArray();
      w.endObject();
    } else {
      w.value((String) null);
    }
    w.endObject();
  }

  private static void certificateJson(
      JsonWriter w, String name, Optional<CertificateFacts> cert, Optional<Renewal> renewal, Instant now) {
    w.name(name);
    if (cert.isEmpty()) {
      w.value((String) null);
      return;
    }
    CertificateFacts c = cert.get();
    w.beginObject();
    w.field("subject", c.subjectDn());
    w.field("issuer", c.issuerDn());
    w.name("dnsNames").beginArray();
    c.dnsNames().forEach(w::value);
    w.endArray();
    w.name("ipAddresses").beginArray();
    c.ipAddresses().forEach(ip -> w.value(IpAddresses.format(ip)));
    w.endArray();
    w.field("key", c.publicKey().spec().map(KeySpec::toString).orElse("other"));
    w.field("sha256", c.fingerprint().hex());
    w.field("notBefore", c.notBefore().toString());
    w.field("notAfter", c.notAfter().toString());
    w.field("daysLeft", Duration.between(now, c.notAfter()).toDays());
    renewal.ifPresent(r -> renewalJson(w, r, now));
    w.endObject();
  }

  /**
   * When the certificate is renewed and why: {@code at} (RFC 3339), {@code state} (scheduled,
   * due, waiting), {@code cause} (threshold, window, catch-up, safety-margin, suggested-window),
   * {@code dueAt}, {@code window} (or null) and the words of the text output.
   */
  private static void renewalJson(JsonWriter w, Renewal r, Instant now) {
    w.name("renewal").beginObject();
    w.field("at", r.at().toString());
    w.field("state", r.state().name().toLowerCase(Locale.ROOT));
    w.field("cause", r.cause().code());
    w.field("dueAt", r.dueAt().toString());
    w.field("window", r.waitingFor().orElse(null));
    w.field("summary", r.summary(now));
    w.endObject();
  }
}
