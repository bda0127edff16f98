package org.hostpki.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.check.VerdictJson;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.plan.InstallInput;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.DateText;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalLines;
import org.hostpki.plan.Change;
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
import picocli.CommandLine.Mixin;

@Command(
    name = "status",
    description = "Show what is in the store now: subjects, SANs, keys, fingerprints, expiry, drift.",
    footer = {
      "",
      "Examples:",
      "  hostpki status    # $HOSTPKI_CONFIG, else /etc/hostpki/host.yaml",
      "  hostpki status host.yaml --output json",
      "",
      "Exit codes:",
      "  0   shown, also with drift or certificates near expiry ('hostpki check' exits by them)",
      "  1   error: an invalid desired state or an unreadable store",
      "  64  usage error"
    })
final class StatusCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  StatusCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    // As the timer and watch see it, like 'plan': a renewal waiting for a window is no drift.
    Reconciler.Observation o =
        reconciler().plan(desiredState(), EnumSet.noneOf(PlanInput.Replace.class), true);
    Report report = report(o);
    if (output.json()) {
      printJson(report);
    } else {
      printText(report);
    }
    return ExitCodes.OK;
  }

  /** What status shows of an observation (planned as the timer and watch plan). */
  static Report report(Reconciler.Observation o) {
    ObservedStore s = o.store().facts();
    SortedMap<String, Renewal> renewals = Renewals.of(o.desired(), s, o.acme(), o.now(), true);
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
    return new Report(o, renewals, unmanaged, issued, revoked);
  }

  /**
   * The store's files, CA, server and trusted certificates, as members of an object: the part of
   * status that {@code apply --output json} also prints of the store it leaves (its {@code
   * status}), so that the Ansible module reads them without starting Java again.
   */
  static void storeMembers(JsonWriter w, Report report) {
    Reconciler.Observation o = report.observation();
    ObservedStore s = o.store().facts();
    Path store = o.desired().store().path();
    Instant now = o.now();
    w.name("files").beginArray();
    for (String name : o.store().snapshot().files().keySet()) {
      if (name.indexOf('/') < 0 && !name.startsWith(".")) {
        w.beginObject().field("name", name).field("path", store.resolve(name).toString()).endObject();
      }
    }
    w.endArray();
    storeCertificate(w.name("ca"), s.caCertificate(), store, StoreLayout.CA_CERT, Optional.ofNullable(report.renewals().get("ca")), now);
    storeCertificate(
        w.name("server"), s.serverCertificate(), store, StoreLayout.SERVER_CERT, Optional.ofNullable(report.renewals().get("server")), now);
    w.name("trusted").beginArray();
    for (Map.Entry<String, CertificateFacts> e : s.trusted().entrySet()) {
      w.beginObject();
      w.field("name", e.getKey());
      w.field("managed", !report.unmanaged().contains(e.getKey()));
      w.field("file", store.resolve(StoreLayout.trustFile(e.getKey())).toString());
      CertificateJson.members(w, e.getValue(), now);
      w.endObject();
    }
    w.endArray();
  }

  /**
   * What status shows, as text or JSON: the observation and what call() works out from it.
   *
   * @param renewals when each certificate of the store is renewed, by name (ca, server)
   * @param unmanaged the trusted certificates the desired state does not name (kept: prune is off)
   * @param issued what {@code hostpki sign} issued with this CA
   * @param revoked which of those the CA revoked, and its CRL
   */
  record Report(
      Reconciler.Observation observation,
      SortedMap<String, Renewal> renewals,
      List<String> unmanaged,
      List<IssuedCertificate> issued,
      RevocationStatus revoked) {}

  private void printText(Report report) {
    Reconciler.Observation o = report.observation();
    ObservedStore s = o.store().facts();
    TerminalLines text = new TerminalLines();
    text.add("Store    ").add(o.desired().store().path());
    o.store().snapshot().generation().ifPresent(g -> text.add(" (generation ").add(g).add(')'));
    if (o.plan().refusals().stream().anyMatch(r -> r.kind() == org.hostpki.plan.RefusalCode.FOREIGN_FOLDER)) {
      text.add(" — not a hostpki store: it holds other files (see the error below)");
    } else if (o.plan().refusals().stream().anyMatch(r -> r.kind() == org.hostpki.plan.RefusalCode.NESTED_STORE)) {
      text.add(" — inside another hostpki store (see the error below)");
    } else if (!s.exists()) {
      text.add(" — empty: run 'hostpki apply -f ").add(file).add("'");
    }
    text.end();
    text.add("Host     ").add(hostLine(o.host())).end();
    s.caCertificate().ifPresent(c -> certificateText(text, "CA", c, report.renewals().get("ca"), o.now()));
    s.serverCertificate().ifPresent(c -> certificateText(text, "Server", c, report.renewals().get("server"), o.now()));
    externalText(text, o, s);
    AcmeStatus.text(text, o);
    text.add("Trust    ").add(s.trusted().size()).add(" trusted certificate(s)");
    if (!report.unmanaged().isEmpty()) {
      text.add(", unmanaged (kept, prune is off): ").add(String.join(", ", report.unmanaged()));
    }
    text.end();
    installedText(text, o.installed());
    OutputsStatus.text(text, o);
    issuedText(text, report.issued(), report.revoked(), o.now());
    report.revoked().text(text);
    Plan plan = o.plan();
    if (plan.isEmpty() && plan.isRefused()) {
      text.add("Drift    none found, but apply refuses to run until the error below is fixed").end();
    } else if (plan.isEmpty() && plan.acmeOrderWaits()) {
      text.add("Drift    none now: the ACME order waits for its next attempt, see the warning below").end();
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
    for (RevocationStatus.CrlWarning w : report.revoked().warnings()) {
      text.add("warning: ").add(w.message()).end();
    }
    for (Refusal r : plan.refusals()) {
      text.line("error: " + r.message());
      r.problems().forEach(p -> text.line("  - " + p));
    }
    out().print(text, false);
    out().flush();
  }

  /** Where hostpki installed certificates ({@code trust.install}); nothing when it installs nowhere. */
  private static void installedText(TerminalLines text, InstallInput installed) {
    installed.observed().forEach(
        (target, there) -> {
          text.add("Install  ").add(target.address()).add(": ");
          List<String> entries = new ArrayList<>();
          there.entries().forEach((n, f) -> entries.add(InstallEntryNames.MARK + n + " " + f.abbreviatedColonHex()));
          there.damaged().forEach(n -> entries.add(InstallEntryNames.MARK + n + " (damaged)"));
          text.add(entries.isEmpty() ? "nothing of hostpki's" : String.join(", ", entries));
          if (!installed.named().contains(target)) {
            text.add(" (no longer named: the next apply removes it)");
          }
          text.end();
        });
  }

  private static void installedJson(JsonWriter w, InstallInput installed) {
    w.beginArray();
    installed.observed().forEach(
        (target, there) -> {
          w.beginObject().field("target", target.address()).field("named", installed.named().contains(target));
          w.name("entries").beginArray();
          there.entries().forEach((n, f) -> w.beginObject().field("name", n).field("sha256", f).endObject());
          w.endArray();
          w.field("damaged", List.copyOf(there.damaged()));
          w.endObject();
        });
    w.endArray();
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
      text.add("           SANs ").add(CertificateText.sans(c)).add("; not after ")
          .add(DateText.day(c.notAfter())).add(" (").add(CertificateText.left(c, now)).add(")").end();
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
    o.externalChainFile().ifPresent(f -> text.add(" (").add(ChainFileState.of(f, s).text()).add(')'));
    text.end();
    text.add(pad).add("serving ");
    if (s.servesImportedChain()) {
      List<CertificateFacts> record = s.externalChain().orElseThrow();
      text.add("the imported chain: ")
          .add(String.join(" <- ", record.stream().map(CertificateFacts::subjectDn).toList()))
          .end();
      chainEndText(text, pad, record, s, o.now());
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


  /**
   * When a certificate of the served chain ends it before the leaf does: the day clients refuse the
   * chain, which renewal and check count from. Found in the external CA trial: status said "not
   * after 2027-03-07 (89 days left)" and a renewal a month before an unexplained other day, while
   * check said the server expires in 59 days.
   */
  private static void chainEndText(
      TerminalLines text, String pad, List<CertificateFacts> record, ObservedStore s, Instant now) {
    CertificateFacts leaf = record.get(0);
    Instant end = Renewals.chainNotAfter(leaf, s);
    if (!end.isBefore(leaf.notAfter())) {
      return;
    }
    record.stream().skip(1).filter(c -> c.notAfter().equals(end)).findFirst().ifPresent(first ->
        text.add(pad)
            .add("chain valid until ")
            .add(DateText.day(end))
            .add(" (")
            .add(CertificateText.left(first, now))
            .add("), when ")
            .add(first.subjectDn())
            .add(" in it expires, before the certificate itself")
            .end());
  }

  /** The format of the JSON document, described by schema/status.schema.json. */
  static final String FORMAT_VERSION = "1";

  /** A certificate of the store as {@code inspect} shows one, then when it is renewed. */
  private static void certificateText(
      TerminalLines text, String label, CertificateFacts c, Renewal renewal, Instant now) {
    CertificateText.lines(text, label, c, now);
    if (renewal != null) {
      text.add(CertificateText.PAD).add("renewal ").add(renewal.summary(now)).end();
    }
  }

  private void printJson(Report report) {
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
    storeMembers(w, report);
    installedJson(w.name("installed"), o.installed());
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
    out().print(w.endObject().line());
    out().flush();
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

  /** The most addresses the text shows: a host with hundreds would fill the screen. */
  static final int SHOWN_ADDRESSES = 16;

  /**
   * The host as status shows it: {@code web01.example.com [192.0.2.10, 2001:db8::10]}, the first
   * {@link #SHOWN_ADDRESSES} addresses and how many more ({@code --output json} lists them all).
   */
  static String hostLine(HostIdentity host) {
    List<String> addresses = host.addresses().stream().map(IpAddresses::format).toList();
    String shown = String.join(", ", addresses.subList(0, Math.min(addresses.size(), SHOWN_ADDRESSES)));
    int more = addresses.size() - SHOWN_ADDRESSES;
    return host.fqdn().orElse(host.hostname()) + " [" + shown
        + (more > 0 ? ", and " + more + " more (--output json lists all)" : "") + "]";
  }
}
