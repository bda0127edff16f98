package org.hostpki.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.ShellCommand;
import org.hostpki.plan.InstallInput;
import org.hostpki.model.CertificateFacts;
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
import org.hostpki.plan.PlanText;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.CaOneStepRenewal;
import org.hostpki.plan.CaPhasedMove;
import org.hostpki.plan.Renewals;
import org.hostpki.plan.Warning;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.renewal.Renewal;
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
    StatusReport report = StatusReport.of(o);
    if (output.json()) {
      out().print(StatusJson.document(report));
      out().flush();
    } else {
      printText(report);
    }
    return ExitCodes.OK;
  }

  private void printText(StatusReport report) {
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
      text.add(" — empty: run '").add(ShellCommand.hostpki("apply", "-f", file)).add("'");
    }
    text.end();
    text.add("Host     ").add(hostLine(o.host())).end();
    Optional<CaPhasedMove> move = CaPhasedMove.of(o.desired(), s, report.renewals(), o.now());
    s.caCertificate().ifPresent(c -> {
      if (move.isPresent()) { // its renewal is the move, not one waiting for the catch-up hour
        CertificateText.lines(text, "CA", c, o.now());
        text.add(CertificateText.PAD).add("renewal by the phased rotation: ").add(move.get().nextWords(o.now())).end();
      } else {
        certificateText(text, "CA", c, report.renewals().get("ca"), o.now());
      }
    });
    CaOneStepRenewal.of(o.desired(), s, report.renewals())
        .filter(r -> r.warnsAt(o.now()))
        .ifPresent(r -> text.add(CertificateText.PAD).add("warning: the CA is ")
            .add(r.words(o.now(), o.desired().source().toString())).end());
    move.ifPresent(m -> text.add(CertificateText.PAD).add("warning: ca-next is ")
            .add(m.words(o.now(), o.desired().source().toString())).end());
    s.serverCertificate().ifPresent(c -> certificateText(text, "Server", c, report.renewals().get("server"), o.now()));
    externalText(text, o, s);
    AcmeStatus.text(text, o);
    text.add("Trust    ").add(s.trusted().size()).add(" trusted certificate(s)");
    if (!report.unmanaged().isEmpty()) {
      text.add(", unmanaged (kept, prune is off): ").add(String.join(", ", report.unmanaged()));
    }
    text.end();
    installedText(text, o.installed(), o.plan());
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
  private static void installedText(TerminalLines text, InstallInput installed, Plan plan) {
    installed.observed().forEach(
        (target, there) -> {
          text.add("Install  ").add(target.address()).add(": ");
          // A target holding 1,000 trusted certificates made one line of some 45,000 characters:
          // the first SHOWN_ENTRIES, every damaged one, and how many more.
          List<String> entries = new ArrayList<>();
          there.entries().forEach((n, f) -> entries.add(InstallEntryNames.MARK + n + " " + f.abbreviatedColonHex()));
          int shown = Math.min(entries.size(), Math.max(0, SHOWN_ENTRIES - there.damaged().size()));
          int more = entries.size() - shown;
          entries.subList(shown, entries.size()).clear();
          there.damaged().forEach(n -> entries.add(InstallEntryNames.MARK + n + " (damaged)"));
          text.add(entries.isEmpty() && more == 0 ? "nothing of hostpki's"
              : String.join(", ", entries) + (more > 0 ? ", and " + more + " more (--output json lists all)" : ""));
          if (!installed.named().contains(target)) {
            text.add(" (no longer named: the next apply removes it)");
          }
          StatusJson.standingFailure(installed, plan, target).ifPresent(
              f -> text.add("; its last change FAILED at ").add(PlanText.time(f.at())).add(" (")
                  .add(f.attempts()).add(" attempt(s) in a row), see the warning below"));
          text.end();
        });
    installed.unreadable().keySet().forEach(
        target -> text.add("Install  ").add(target.address())
            .add(": cannot be read, apply leaves it as it is (see the warning below)").end());
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

  /** A certificate of the store as {@code inspect} shows one, then when it is renewed. */
  private static void certificateText(
      TerminalLines text, String label, CertificateFacts c, Renewal renewal, Instant now) {
    CertificateText.lines(text, label, c, now);
    if (renewal != null) {
      text.add(CertificateText.PAD).add("renewal ").add(renewal.summary(now)).end();
    }
  }

  /** The most entries of one install target the text shows, as {@link #SHOWN_ADDRESSES}. */
  static final int SHOWN_ENTRIES = 16;

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
