package org.hostpki.plan;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;
import org.hostpki.renewal.Renewal;
import org.hostpki.renewal.RenewalSchedule;

/**
 * Computes the minimal plan that makes a store match the desired state. Pure: the result depends
 * only on the {@link PlanInput}; nothing that still matches is touched, and a replaced resource
 * cascades to what is derived from it (CA → server → chain, PKCS#12 and bundle files).
 */
public final class Planner {

  /** The alias of the internal CA in {@code truststore.p12}. */
  public static final String CA_TRUST_ALIAS = "hostpki-ca";

  /** The alias of the CA a rotation moves to ({@code ca-next.crt}) in {@code truststore.p12}. */
  public static final String CA_NEXT_TRUST_ALIAS = "hostpki-ca-next";

  /** The alias of the CA a rotation moved away from ({@code ca-previous.crt}) in {@code truststore.p12}. */
  public static final String CA_PREVIOUS_TRUST_ALIAS = "hostpki-ca-previous";

  /** The store file of the CA a rotation moves to, trusted before it signs. */
  public static final String CA_NEXT_CERT_FILE = "ca-next.crt";

  /** The key of {@link #CA_NEXT_CERT_FILE}. */
  public static final String CA_NEXT_KEY_FILE = "ca-next.key";

  /** The store file of the CA a rotation moved away from, trusted for one more overlap. */
  public static final String CA_PREVIOUS_CERT_FILE = "ca-previous.crt";

  /** The alias of the key entry in {@code server.p12}. */
  public static final String SERVER_KEY_ALIAS = "server";

  /** The plan address of the certificate request. */
  public static final String CSR_ADDRESS = "server.csr";

  /** The store file recording the chain last imported from {@code server.external.chain}. */
  public static final String EXTERNAL_CHAIN_FILE = "external-chain.crt";

  /** The plan address of the record of what the PKCS#12 files hold. */
  public static final String PKCS12_RECORD_ADDRESS = "output/.pkcs12-facts";

  /** Trusted certificates expiring within this are warned about. */
  public static final Duration TRUST_EXPIRY_WARNING = Duration.ofDays(30);

  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  public Plan plan(PlanInput input) {
    return new Run(input).plan();
  }

  /** The effective server certificate content: the desired names plus the host identity. */
  public static ServerNames serverNames(ServerSpec server, HostIdentity host) {
    LinkedHashSet<String> dns = new LinkedHashSet<>();
    server.dnsNames().forEach(n -> dns.add(n.toLowerCase(Locale.ROOT)));
    LinkedHashSet<InetAddress> ips = new LinkedHashSet<>(server.ipAddresses());
    if (server.includeHostIdentity()) {
      host.fqdn().ifPresent(dns::add);
      dns.add(host.hostname());
      ips.addAll(host.addresses());
    }
    return new ServerNames(server.subject().withCommonNameFrom(dns), List.copyOf(dns), List.copyOf(ips));
  }

  /** The subject and SANs a server certificate must have. */
  public record ServerNames(Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses) {}

  /** One planning run; holds the input and the changes found so far. */
  private static final class Run {
    private final PlanInput in;
    private final DesiredState desired;
    private final ObservedStore observed;
    private final Instant now;
    private final List<Change> changes = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private int unchanged;
    /** When an imported chain is served and stays: what server-fullchain.crt must hold. */
    private Optional<List<Fingerprint>> servedChain = Optional.empty();
    /** The server will serve an imported chain, which does not depend on the internal CA. */
    private boolean servesImported;
    /** Why this plan makes a new server key (external issuer), for the CSR. */
    private Optional<Reason> keyChange = Optional.empty();

    Run(PlanInput in) {
      this.in = in;
      this.desired = in.desired();
      this.observed = in.observed();
      this.now = in.now();
    }

    Plan plan() {
      if (desired.server().issuer() == ServerSpec.Issuer.ACME) {
        return refuseAcme();
      }
      refusals.addAll(ClockCheck.refusals(in));
      refuseDamagedCa();
      CaRotation.Outcome ca = CaRotation.decide(in);
      changes.addAll(ca.changes());
      warnings.addAll(ca.warnings());
      unchanged += ca.unchanged();
      boolean serverChanges = planServer(ca.signerChanges());
      planCsr();
      planServerOutputs(ca.signerChanges(), serverChanges);
      boolean trustChanges = planTrust();
      planTrustOutputs(ca.bundleCascade(), trustChanges);
      planPkcs12Record();
      return new Plan(changes, warnings, refusals, unchanged, in.basis());
    }

    /**
     * ACME ordering is not wired into apply in this build: planning the server as if it were
     * internal would serve a certificate the user did not ask for, so nothing is planned.
     */
    private Plan refuseAcme() {
      refusals.add(
          new Refusal(
              "issuer-not-supported",
              "server",
              "server.issuer: acme is not yet supported by this build: plan and apply refuse it and"
                  + " change nothing ('hostpki validate' accepts the file, so it can be prepared);"
                  + " use server.issuer: internal or external until ACME ordering is released",
              List.of()));
      return new Plan(changes, warnings, refusals, 0, in.basis());
    }

    /**
     * A ca.crt that does not belong to ca.key (or is no CA at all: say, swapped with server.crt)
     * is a damaged store, not drift: "repairing" it would throw away the CA key that every
     * client trusts. Only an explicit --replace ca makes a new CA from such a store.
     */
    private void refuseDamagedCa() {
      if (in.replace().contains(PlanInput.Replace.CA)
          || observed.caCertificate().isEmpty()
          || observed.caKey().isEmpty()) {
        return;
      }
      CertificateFacts ca = observed.caCertificate().get();
      List<String> problems = new ArrayList<>();
      if (!ca.publicKey().publicKeyFingerprint().equals(observed.caKey().get().publicKeyFingerprint())) {
        problems.add(
            in.desired().store().path().resolve("ca.crt")
                + " does not match ca.key (certificate key "
                + ca.publicKey().publicKeyFingerprint().shortForm()
                + ", ca.key "
                + observed.caKey().get().publicKeyFingerprint().shortForm()
                + ")");
      }
      if (!ca.ca()) {
        problems.add(
            in.desired().store().path().resolve("ca.crt")
                + " ("
                + ca.subjectDn()
                + ") is not a CA certificate");
      }
      if (!problems.isEmpty()) {
        refusals.add(
            new Refusal(
                "store-damaged",
                "ca",
                "the store's CA is damaged; nothing was changed. Restore it with 'hostpki rollback',"
                    + " or make a new CA with 'hostpki apply --replace ca' (clients must then trust"
                    + " the new CA):",
                problems));
      }
    }

    // ---- server -----------------------------------------------------------------------------

    private boolean planServer(boolean caChanges) {
      ServerSpec server = desired.server();
      if (server.issuer() != ServerSpec.Issuer.EXTERNAL || server.external().isEmpty()) {
        return planInternalServer(caChanges, false);
      }
      ServerNames names = serverNames(server, in.host());
      ExternalIssuer.Outcome outcome = ExternalIssuer.decide(in, names);
      warnings.addAll(outcome.warnings());
      refusals.addAll(outcome.refusals());
      keyChange = outcome.keyChange().stream().findFirst();
      ExternalIssuer.Decision decision = outcome.decision();
      Optional<CertificateFacts> cert = observed.serverCertificate();
      servesImported =
          decision instanceof ExternalIssuer.Decision.KeepRecord
              || decision instanceof ExternalIssuer.Decision.Import
              || decision instanceof ExternalIssuer.Decision.InstallRecord;
      if (decision instanceof ExternalIssuer.Decision.KeepRecord keep) {
        servedChain = Optional.of(fingerprintsOf(ExternalChainFile.servedChain(keep.chain())));
        unchanged++;
        return false;
      }
      if (decision instanceof ExternalIssuer.Decision.Import imported) {
        ExternalChainFile.Valid chain = imported.chain();
        CertificateFacts leaf = chain.leaf();
        changes.add(
            new Change(
                "server",
                cert.isEmpty() ? Action.CREATE : Action.REPLACE,
                List.of(
                    new Reason(
                        ReasonCode.CHAIN_IMPORTED,
                        "import the chain from "
                            + chain.path()
                            + ": "
                            + leaf.subjectDn()
                            + ", issued by "
                            + leaf.issuerDn()
                            + ", valid until "
                            + DATE.format(leaf.notAfter()))),
                new Intent.InstallExternalChain(Intent.ChainSource.FILE, fingerprintsOf(chain.chain())),
                cert.map(Planner::certificateAttributes).orElseGet(TreeMap::new),
                externalAttributes(chain.chain())));
        return true;
      }
      if (decision instanceof ExternalIssuer.Decision.InstallRecord install) {
        changes.add(
            new Change(
                "server",
                cert.isEmpty() ? Action.CREATE : Action.REPLACE,
                List.of(install.reason()),
                new Intent.InstallExternalChain(Intent.ChainSource.RECORD, fingerprintsOf(install.chain())),
                cert.map(Planner::certificateAttributes).orElseGet(TreeMap::new),
                externalAttributes(install.chain())));
        return true;
      }
      if (decision instanceof ExternalIssuer.Decision.FallBack fallBack) {
        issueInternal(Action.REPLACE, fallBack.reasons(), names, keyChange.isPresent());
        return true;
      }
      return planInternalServer(caChanges, true);
    }

    /**
     * Plans an internal server certificate: re-issued when anything about it drifted.
     *
     * @param awaitingChain the issuer is external and this certificate serves until a chain
     *     arrives: the key is kept (the CSR is for it) unless it must change
     */
    private boolean planInternalServer(boolean caChanges, boolean awaitingChain) {
      ServerSpec server = desired.server();
      ServerNames names = serverNames(server, in.host());
      Optional<CertificateFacts> cert = observed.serverCertificate();
      Optional<KeyFacts> key = observed.serverKey();
      List<Reason> reasons = new ArrayList<>();
      Action action = Action.REPLACE;
      if (cert.isEmpty() && key.isEmpty()) {
        action = Action.CREATE;
        reasons.add(new Reason(ReasonCode.MISSING, "no server certificate in the store yet"));
      } else if (cert.isEmpty()) {
        reasons.add(new Reason(ReasonCode.MISSING, "server.crt is missing"));
      } else if (key.isEmpty()) {
        reasons.add(new Reason(ReasonCode.MISSING, "server.key is missing"));
      } else {
        CertificateFacts c = cert.get();
        if (in.replace().contains(PlanInput.Replace.SERVER)) {
          reasons.add(
              new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace server)"));
        }
        if (caChanges) {
          reasons.add(new Reason(ReasonCode.ISSUER_CHANGED, "the CA is being replaced"));
        } else if (!observed.serverSignedByCa() && !awaitingChain && Renewals.isImported(observed, c)) {
          reasons.add(
              new Reason(
                  ReasonCode.ISSUER_CHANGED,
                  "server.issuer is internal: re-issuing from the store's CA instead of the"
                      + " imported certificate (issuer "
                      + c.issuerDn()
                      + ")"));
        } else if (!observed.serverSignedByCa()) {
          reasons.add(
              new Reason(
                  ReasonCode.ISSUER_CHANGED,
                  "server.crt is not signed by the store's CA (issuer " + c.issuerDn() + ")"));
        }
        if (Renewals.isImported(observed, c) && !awaitingChain) {
          // Only the issuer matters: an external CA's profile, names and key are not ours to judge.
          return finishInternal(action, reasons, names, key, awaitingChain);
        }
        keyReasons(c, key.get(), server.key(), "server", reasons);
        List<Reason> sanReasons = sanReasons(c.dnsNames(), c.ipAddresses(), names, server);
        reasons.addAll(sanReasons);
        if (!c.subject().equals(names.subject())
            && (sanReasons.isEmpty() || server.subject().commonName().isPresent())) {
          reasons.add(
              new Reason(
                  ReasonCode.SUBJECT_CHANGED,
                  "subject changed: " + c.subjectDn() + " → " + names.subject()));
        }
        Set<String> wantedEku = new LinkedHashSet<>(List.of(CertificateFacts.EKU_SERVER_AUTH));
        if (server.clientAuth()) {
          wantedEku.add(CertificateFacts.EKU_CLIENT_AUTH);
        }
        if (!Set.copyOf(c.extendedKeyUsages()).equals(wantedEku)) {
          reasons.add(
              new Reason(
                  ReasonCode.PROFILE_CHANGED,
                  "extended key usage "
                      + ekuNames(c.extendedKeyUsages())
                      + " → "
                      + ekuNames(List.copyOf(wantedEku))));
        }
        validityReasons(
            c,
            Renewals.isImported(observed, c)
                ? Renewals.imported(server.renewBefore(), desired, in.host(), c)
                : Renewals.issuedHere(server.renewBefore(), desired, in.host(), c),
            now,
            in.unattended(),
            "server",
            reasons,
            warnings);
      }
      return finishInternal(action, reasons, names, key, awaitingChain);
    }

    private boolean finishInternal(
        Action action,
        List<Reason> reasons,
        ServerNames names,
        Optional<KeyFacts> key,
        boolean awaitingChain) {
      ServerSpec server = desired.server();
      if (reasons.isEmpty()) {
        unchanged++;
        return false;
      }
      boolean keyUsable =
          key.isPresent()
              && key.get().spec().equals(Optional.of(server.key()))
              && reasons.stream().noneMatch(r -> r.code() == ReasonCode.REPLACE_REQUESTED);
      boolean newKey = !keyUsable || (!awaitingChain && server.keyRotation() == KeyRotation.ALWAYS);
      if (awaitingChain) {
        reasons.add(
            new Reason(
                ReasonCode.CHAIN_AWAITED,
                "issued by the internal CA until a signed chain arrives at "
                    + server.external().orElseThrow().chain()));
      }
      issueInternal(action, reasons, names, newKey);
      return true;
    }

    private void issueInternal(Action action, List<Reason> reasons, ServerNames names, boolean newKey) {
      ServerSpec server = desired.server();
      SortedMap<String, String> after = new TreeMap<>();
      after.put("subject", names.subject().toString());
      after.put("dnsNames", String.join(", ", names.dnsNames()));
      after.put("ipAddresses", ips(names.ipAddresses()));
      after.put("key", server.key() + (newKey ? " (new key)" : " (key kept)"));
      after.put("validity", DurationText.exact(server.validity()));
      after.put("issuer", issuingCa());
      changes.add(
          new Change(
              "server",
              action,
              reasons,
              new Intent.IssueServer(
                  names.subject(),
                  names.dnsNames(),
                  names.ipAddresses(),
                  server.key(),
                  server.validity(),
                  server.clientAuth(),
                  newKey),
              observed.serverCertificate().map(Planner::certificateAttributes).orElseGet(TreeMap::new),
              after));
    }

    /**
     * The subject of the CA that signs an internal server certificate: the new CA's when this
     * plan replaces it, else the store's — so a diff shows an issuer only when it changes.
     */
    private String issuingCa() {
      return changes.stream()
          .filter(c -> c.address().equals("ca") && c.after().containsKey("subject"))
          .map(c -> c.after().get("subject"))
          .findFirst()
          .or(() -> observed.caCertificate().map(CertificateFacts::subjectDn))
          .orElse("the internal CA");
    }

    private static SortedMap<String, String> externalAttributes(List<CertificateFacts> chain) {
      SortedMap<String, String> after = certificateAttributes(chain.get(0));
      after.put(
          "chain",
          chain.stream().map(CertificateFacts::subjectDn).collect(Collectors.joining(" → ")));
      return after;
    }

    private static List<Fingerprint> fingerprintsOf(List<CertificateFacts> certificates) {
      return certificates.stream().map(CertificateFacts::fingerprint).toList();
    }

    // ---- server.csr -------------------------------------------------------------------------

    /** The request for an external CA: kept matching the key and names, removed when internal. */
    private void planCsr() {
      ServerSpec server = desired.server();
      Optional<CsrFacts> csr = observed.serverCsr();
      if (server.issuer() != ServerSpec.Issuer.EXTERNAL || server.external().isEmpty()) {
        List<String> present = new ArrayList<>();
        csr.ifPresent(c -> present.add("server.csr"));
        observed.externalChain().ifPresent(c -> present.add(EXTERNAL_CHAIN_FILE));
        if (!present.isEmpty()) {
          changes.add(
              new Change(
                  CSR_ADDRESS,
                  Action.DELETE,
                  List.of(
                      new Reason(
                          ReasonCode.NOT_WANTED,
                          "server.issuer is internal: "
                              + String.join(" and ", present)
                              + (present.size() == 1 ? " is" : " are")
                              + " no longer needed")),
                  new Intent.RemoveCsr(),
                  csr.map(Run::csrAttributes).orElseGet(TreeMap::new),
                  new TreeMap<>()));
        }
        return;
      }
      ServerNames names = serverNames(server, in.host());
      SortedMap<String, String> after = new TreeMap<>();
      after.put("subject", names.subject().toString());
      after.put("dnsNames", String.join(", ", names.dnsNames()));
      after.put("ipAddresses", ips(names.ipAddresses()));
      Intent.WriteCsr write =
          new Intent.WriteCsr(names.subject(), names.dnsNames(), names.ipAddresses(), server.clientAuth());
      if (csr.isEmpty()) {
        changes.add(
            new Change(
                CSR_ADDRESS,
                Action.CREATE,
                List.of(
                    new Reason(
                        ReasonCode.MISSING,
                        "no certificate request yet: written for your CA to sign")),
                write,
                new TreeMap<>(),
                after));
        return;
      }
      CsrFacts c = csr.get();
      List<Reason> reasons = new ArrayList<>();
      Optional<KeyFacts> key = observed.serverKey();
      if (keyChange.isPresent()) {
        reasons.add(new Reason(keyChange.get().code(), "server.key is being replaced"));
      } else if (key.isPresent()
          && !c.publicKey().publicKeyFingerprint().equals(key.get().publicKeyFingerprint())) {
        reasons.add(
            new Reason(
                ReasonCode.KEY_MISMATCH,
                "server.csr is for another key (request key "
                    + c.publicKey().publicKeyFingerprint().shortForm()
                    + ", server.key "
                    + key.get().publicKeyFingerprint().shortForm()
                    + ")"));
      }
      if (!c.signatureValid()) {
        reasons.add(new Reason(ReasonCode.OUT_OF_DATE, "the request's signature does not verify"));
      }
      reasons.addAll(sanReasons(c.dnsNames(), c.ipAddresses(), names, server));
      if (!c.subject().equals(names.subject())) {
        reasons.add(
            new Reason(
                ReasonCode.SUBJECT_CHANGED, "subject changed: " + c.subjectDn() + " → " + names.subject()));
      }
      if (reasons.isEmpty()) {
        unchanged++;
        return;
      }
      changes.add(new Change(CSR_ADDRESS, Action.UPDATE, reasons, write, csrAttributes(c), after));
    }

    private static SortedMap<String, String> csrAttributes(CsrFacts c) {
      SortedMap<String, String> m = new TreeMap<>();
      m.put("subject", c.subjectDn());
      m.put("dnsNames", String.join(", ", c.dnsNames()));
      m.put("ipAddresses", ips(c.ipAddresses()));
      m.put("key", c.publicKey().publicKeyFingerprint().shortForm());
      return m;
    }

    private List<Reason> sanReasons(
        List<String> haveNames, List<InetAddress> haveAddresses, ServerNames names, ServerSpec server) {
      Set<String> haveDns = lower(haveNames);
      Set<String> wantDns = lower(names.dnsNames());
      Set<InetAddress> haveIp = new LinkedHashSet<>(haveAddresses);
      Set<InetAddress> wantIp = new LinkedHashSet<>(names.ipAddresses());
      if (haveDns.equals(wantDns) && haveIp.equals(wantIp)) {
        return List.of();
      }
      Set<String> configuredDns = lower(server.dnsNames());
      Set<InetAddress> configuredIp = new LinkedHashSet<>(server.ipAddresses());
      boolean hostPart = server.includeHostIdentity();
      List<String> hostWords = new ArrayList<>();
      List<String> sanWords = new ArrayList<>();
      for (String name : minus(haveDns, wantDns)) {
        (hostPart ? hostWords : sanWords).add("name " + name + " removed");
      }
      for (String name : minus(wantDns, haveDns)) {
        (configuredDns.contains(name) ? sanWords : hostWords).add("name " + name + " added");
      }
      for (InetAddress ip : minus(haveIp, wantIp)) {
        (hostPart ? hostWords : sanWords).add("address " + IpAddresses.format(ip) + " removed");
      }
      for (InetAddress ip : minus(wantIp, haveIp)) {
        (configuredIp.contains(ip) ? sanWords : hostWords)
            .add("address " + IpAddresses.format(ip) + " added");
      }
      List<Reason> reasons = new ArrayList<>();
      if (!hostWords.isEmpty()) {
        reasons.add(
            new Reason(
                ReasonCode.HOST_IDENTITY_CHANGED,
                "host identity changed: " + String.join(", ", hostWords)));
      }
      if (!sanWords.isEmpty()) {
        reasons.add(
            new Reason(ReasonCode.SAN_CHANGED, "SANs changed: " + String.join(", ", sanWords)));
      }
      return reasons;
    }

    // ---- server outputs ---------------------------------------------------------------------

    private void planServerOutputs(boolean caChanges, boolean serverChanges) {
      // An imported chain does not depend on the internal CA.
      boolean caCascades = caChanges && !servesImported;
      String cascade =
          caCascades ? "the CA is being replaced" : "the server certificate is being replaced";
      boolean upstream = caCascades || serverChanges;

      Optional<List<Fingerprint>> expectedChain =
          upstream
              ? Optional.empty()
              : servedChain.isPresent()
                  ? servedChain
                  : fingerprints(observed.serverCertificate(), observed.caCertificate());
      output(
          Output.SERVER_FULLCHAIN,
          true,
          observed.serverFullchain().map(l -> l.stream().map(CertificateFacts::fingerprint).toList()),
          expectedChain,
          upstream ? Optional.of(cascade) : Optional.empty());

      boolean wantP12 = desired.store().password().isPresent();
      Optional<Pkcs12Facts> p12 = observed.serverPkcs12();
      Optional<String> p12Problem = Optional.empty();
      if (wantP12 && p12.isPresent() && !upstream) {
        p12Problem = serverPkcs12Problem(p12.get(), expectedChain.orElse(List.of()));
      }
      outputOfFacts(Output.SERVER_PKCS12, wantP12, p12.isPresent(), upstream ? Optional.of(cascade) : p12Problem);
    }

    private Optional<String> serverPkcs12Problem(Pkcs12Facts p12, List<Fingerprint> expectedChain) {
      if (p12.profile() != desired.store().pkcs12Profile()) {
        return Optional.of(
            "written with the "
                + p12.profile().yamlName()
                + " profile; "
                + desired.store().pkcs12Profile().yamlName()
                + " is wanted");
      }
      Optional<Pkcs12Facts.KeyEntry> entry = p12.keyEntry();
      if (entry.isEmpty() || !entry.get().alias().equals(SERVER_KEY_ALIAS)) {
        return Optional.of("has no key entry '" + SERVER_KEY_ALIAS + "'");
      }
      Optional<Fingerprint> keyFp = observed.serverKey().map(KeyFacts::publicKeyFingerprint);
      if (!Optional.of(entry.get().publicKeyFingerprint()).equals(keyFp)) {
        return Optional.of("holds a different key than server.key");
      }
      if (!entry.get().chain().equals(expectedChain)) {
        return Optional.of("holds a different certificate chain than server-fullchain.crt");
      }
      return Optional.empty();
    }

    // ---- trust ------------------------------------------------------------------------------

    private boolean planTrust() {
      boolean any = false;
      SortedMap<String, CertificateFacts> want = in.desiredTrust();
      Map<String, CertificateFacts> have = observed.trusted();
      for (Map.Entry<String, CertificateFacts> e : want.entrySet()) {
        String name = e.getKey();
        CertificateFacts c = e.getValue();
        CertificateFacts old = have.get(name);
        SortedMap<String, String> after = certificateAttributes(c);
        if (old == null) {
          changes.add(
              new Change(
                  "trust/" + name,
                  Action.CREATE,
                  List.of(new Reason(ReasonCode.TRUST_ADDED, fingerprintWords(c))),
                  new Intent.PutTrusted(name, c.fingerprint()),
                  new TreeMap<>(),
                  after));
          any = true;
        } else if (!old.fingerprint().equals(c.fingerprint())) {
          changes.add(
              new Change(
                  "trust/" + name,
                  Action.REPLACE,
                  List.of(
                      new Reason(
                          ReasonCode.TRUST_CHANGED,
                          "certificate changed: "
                              + old.fingerprint().colonHex().substring(0, 11)
                              + "… → "
                              + fingerprintWords(c))),
                  new Intent.PutTrusted(name, c.fingerprint()),
                  certificateAttributes(old),
                  after));
          any = true;
        } else {
          unchanged++;
        }
        trustWarnings(name, c);
      }
      for (Map.Entry<String, CertificateFacts> e : have.entrySet()) {
        if (want.containsKey(e.getKey())) {
          continue;
        }
        if (desired.trust().prune()) {
          changes.add(
              new Change(
                  "trust/" + e.getKey(),
                  Action.DELETE,
                  List.of(new Reason(ReasonCode.TRUST_REMOVED, "no longer declared")),
                  new Intent.RemoveTrusted(e.getKey()),
                  certificateAttributes(e.getValue()),
                  new TreeMap<>()));
          any = true;
        } else {
          // Kept because pruning is off: still trusted, so its expiry matters just the same.
          trustWarnings(e.getKey(), e.getValue());
        }
      }
      duplicateWarnings(want);
      return any;
    }

    private void trustWarnings(String name, CertificateFacts c) {
      if (!now.isBefore(c.notAfter())) {
        warnings.add(
            new Warning(
                "trust-expired",
                "trust/" + name,
                "trusted certificate '" + name + "' expired on " + DATE.format(c.notAfter())));
      } else if (!now.plus(TRUST_EXPIRY_WARNING).isBefore(c.notAfter())) {
        warnings.add(
            new Warning(
                "trust-expiring",
                "trust/" + name,
                "trusted certificate '"
                    + name
                    + "' expires on "
                    + DATE.format(c.notAfter())
                    + " (in "
                    + DurationText.left(Duration.between(now, c.notAfter()))
                    + ")"));
      }
    }

    private void duplicateWarnings(SortedMap<String, CertificateFacts> want) {
      Map<Fingerprint, List<String>> byFingerprint = new TreeMap<>();
      want.forEach(
          (name, c) -> byFingerprint.computeIfAbsent(c.fingerprint(), f -> new ArrayList<>()).add(name));
      byFingerprint.forEach(
          (fp, names) -> {
            if (names.size() > 1) {
              warnings.add(
                  new Warning(
                      "trust-duplicate",
                      "trust/" + names.get(0),
                      "the same certificate is trusted under several names: "
                          + String.join(", ", names)
                          + " ("
                          + fp.shortForm()
                          + ")"));
            }
          });
    }

    private void planTrustOutputs(Optional<String> caCascade, boolean trustChanges) {
      Optional<String> cascade =
          caCascade.isPresent()
              ? caCascade
              : trustChanges ? Optional.of("the trusted certificates change") : Optional.empty();
      Optional<List<Fingerprint>> expected = Optional.empty();
      if (cascade.isEmpty() && observed.caCertificate().isPresent()) {
        expected = Optional.of(expectedBundle());
      }
      output(Output.TRUST_BUNDLE, true, observed.trustBundle(), expected, cascade);

      boolean wantP12 = desired.store().password().isPresent();
      Optional<String> problem = cascade;
      if (problem.isEmpty() && wantP12 && observed.truststorePkcs12().isPresent()) {
        problem = truststoreProblem(observed.truststorePkcs12().get());
      }
      outputOfFacts(
          Output.TRUSTSTORE_PKCS12, wantP12, observed.truststorePkcs12().isPresent(), problem);

      boolean wantHashed = desired.trust().hashedDirectory();
      Optional<String> hashedProblem = cascade;
      if (hashedProblem.isEmpty() && wantHashed && observed.hashedDirectory().isPresent()) {
        List<Fingerprint> have = observed.hashedDirectory().get().values().stream().sorted().toList();
        List<Fingerprint> want = expectedBundle().stream().distinct().sorted().toList();
        if (!have.equals(want)) {
          hashedProblem = Optional.of("does not hold the trusted certificates");
        }
      }
      outputOfFacts(
          Output.TRUST_HASHED, wantHashed, observed.hashedDirectory().isPresent(), hashedProblem);
    }

    /**
     * The bundle's certificates in its deterministic order: the internal CAs first ({@code ca.crt},
     * then {@code ca-next.crt} and {@code ca-previous.crt} during a rotation), then the trusted
     * certificates by name (unmanaged ones too when pruning is off: they stay trusted).
     */
    private List<Fingerprint> expectedBundle() {
      List<Fingerprint> fps = new ArrayList<>();
      CaRotation.trustedCas(observed).values().forEach(c -> fps.add(c.fingerprint()));
      trustedAfterApply().values().forEach(c -> fps.add(c.fingerprint()));
      return fps;
    }

    private SortedMap<String, CertificateFacts> trustedAfterApply() {
      SortedMap<String, CertificateFacts> all = new TreeMap<>();
      if (!desired.trust().prune()) {
        all.putAll(observed.trusted());
      }
      all.putAll(in.desiredTrust());
      return all;
    }

    private Optional<String> truststoreProblem(Pkcs12Facts p12) {
      if (p12.profile() != desired.store().pkcs12Profile()) {
        return Optional.of(
            "written with the "
                + p12.profile().yamlName()
                + " profile; "
                + desired.store().pkcs12Profile().yamlName()
                + " is wanted");
      }
      SortedMap<String, Fingerprint> want = new TreeMap<>();
      trustedAfterApply().forEach((name, c) -> want.put(name, c.fingerprint()));
      // The internal CAs' aliases win over a trusted certificate of the same name, as apply writes.
      CaRotation.trustedCas(observed).forEach((alias, c) -> want.put(alias, c.fingerprint()));
      if (!p12.trustedEntries().equals(want) || p12.keyEntry().isPresent()) {
        return Optional.of("does not hold exactly the trusted certificates");
      }
      return Optional.empty();
    }

    /**
     * A record of hostpki 0.1.0 keeps a salted SHA-256 of the store password, a test of a guess
     * far faster than the PKCS#12 files' own key derivation: it is rewritten without it.
     */
    private void planPkcs12Record() {
      if (!observed.outdatedPkcs12Record() || desired.store().password().isEmpty()) {
        return;
      }
      changes.add(
          new Change(
              PKCS12_RECORD_ADDRESS,
              Action.UPDATE,
              List.of(
                  new Reason(
                      ReasonCode.OUT_OF_DATE,
                      "the record of what the PKCS#12 files hold (written by hostpki 0.1.0) keeps a"
                          + " salted SHA-256 of the store password, which tests a guess far faster"
                          + " than the files do: rewritten without it")),
              new Intent.RewritePkcs12Record()));
    }

    // ---- shared -----------------------------------------------------------------------------

    /** Plans a derived file whose content is a list of certificates. */
    private void output(
        Output output,
        boolean wanted,
        Optional<List<Fingerprint>> have,
        Optional<List<Fingerprint>> expected,
        Optional<String> cascade) {
      Optional<String> problem = cascade;
      if (problem.isEmpty() && have.isPresent() && expected.isPresent() && !have.get().equals(expected.get())) {
        problem = Optional.of("does not hold the current certificates");
      }
      outputOfFacts(output, wanted, have.isPresent(), problem);
    }

    /**
     * Plans a derived file: create it when wanted and missing, update it when what it holds is
     * out of date, delete it when no longer wanted.
     */
    private void outputOfFacts(Output output, boolean wanted, boolean present, Optional<String> problem) {
      if (!wanted) {
        if (present) {
          changes.add(
              new Change(
                  output.address(),
                  Action.DELETE,
                  List.of(new Reason(ReasonCode.NOT_WANTED, notWantedWords(output))),
                  new Intent.RemoveOutput(output)));
        }
        return;
      }
      if (!present) {
        changes.add(
            new Change(
                output.address(),
                Action.CREATE,
                List.of(new Reason(ReasonCode.MISSING, output.fileName() + " is missing")),
                new Intent.WriteOutput(output)));
      } else if (problem.isPresent()) {
        changes.add(
            new Change(
                output.address(),
                Action.UPDATE,
                List.of(new Reason(ReasonCode.OUT_OF_DATE, problem.get())),
                new Intent.WriteOutput(output)));
      } else {
        unchanged++;
      }
    }

    private static String notWantedWords(Output output) {
      return switch (output) {
        case SERVER_PKCS12, TRUSTSTORE_PKCS12 -> "no store.password is set";
        case TRUST_HASHED -> "trust.hashedDirectory is off";
        default -> "no longer wanted";
      };
    }

    private static Optional<List<Fingerprint>> fingerprints(
        Optional<CertificateFacts> leaf, Optional<CertificateFacts> ca) {
      if (leaf.isEmpty() || ca.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(List.of(leaf.get().fingerprint(), ca.get().fingerprint()));
    }

    private static String fingerprintWords(CertificateFacts c) {
      return "sha256 " + c.fingerprint().colonHex().substring(0, 11) + "… " + c.subjectDn();
    }

    private static String ekuNames(List<String> oids) {
      return oids.stream()
          .map(
              o ->
                  o.equals(CertificateFacts.EKU_SERVER_AUTH)
                      ? "serverAuth"
                      : o.equals(CertificateFacts.EKU_CLIENT_AUTH) ? "clientAuth" : o)
          .collect(Collectors.joining(", ", "[", "]"));
    }

    private static Set<String> lower(List<String> names) {
      return names.stream()
          .map(n -> n.toLowerCase(Locale.ROOT))
          .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static <T> List<T> minus(Set<T> a, Set<T> b) {
      return a.stream().filter(x -> !b.contains(x)).toList();
    }
  }

  // ---- shared by the planning classes ------------------------------------------------------

  static void keyReasons(
      CertificateFacts cert, KeyFacts key, KeySpec wanted, String name, List<Reason> reasons) {
    if (!cert.publicKey().publicKeyFingerprint().equals(key.publicKeyFingerprint())) {
      reasons.add(
          new Reason(
              ReasonCode.KEY_MISMATCH,
              name
                  + ".crt does not match "
                  + name
                  + ".key (certificate key "
                  + cert.publicKey().publicKeyFingerprint().shortForm()
                  + ", "
                  + name
                  + ".key "
                  + key.publicKeyFingerprint().shortForm()
                  + ")"));
    }
    Optional<KeySpec> have = key.spec();
    if (!have.equals(Optional.of(wanted))) {
      reasons.add(
          new Reason(
              ReasonCode.KEY_SPEC_CHANGED,
              "key " + have.map(KeySpec::toString).orElse("of another kind") + " → " + wanted));
    }
  }

  /**
   * Why a certificate must be replaced for its dates: expired, or due for renewal by {@code
   * schedule}. A renewal an unattended run waits for is a warning, not a change.
   *
   * @param subject what the certificate is, for warnings: {@code server}, {@code ca}
   */
  static void validityReasons(
      CertificateFacts c,
      RenewalSchedule schedule,
      Instant now,
      boolean unattended,
      String subject,
      List<Reason> reasons,
      List<Warning> warnings) {
    if (!now.isBefore(c.notAfter())) {
      reasons.add(new Reason(ReasonCode.EXPIRED, "expired on " + DATE.format(c.notAfter())));
      return;
    }
    if (now.isBefore(c.notBefore())) {
      return; // no reason to replace it: the clock is behind, and ClockCheck refuses the plan
    }
    Renewal renewal = schedule.at(now, unattended);
    if (renewal.due()) {
      reasons.add(
          new Reason(
              ReasonCode.EXPIRING, Renewals.expiresWords(c, now) + "; " + renewal.reasonWords()));
      if (renewal.cause() == Renewal.Cause.SAFETY_MARGIN) {
        warnings.add(
            new Warning(
                "renewal-safety-margin",
                subject,
                subject + ": " + renewal.note().orElse("renewing at the safety margin")));
      }
    } else if (renewal.state() == Renewal.State.WAITING) {
      warnings.add(
          new Warning(
              "renewal-waiting",
              subject,
              subject + ": " + renewal.waitingWords() + "; a plain 'hostpki apply' renews it now"));
    }
  }

  static SortedMap<String, String> certificateAttributes(CertificateFacts c) {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("subject", c.subjectDn());
    m.put("issuer", c.issuerDn());
    if (!c.dnsNames().isEmpty()) {
      m.put("dnsNames", String.join(", ", c.dnsNames()));
    }
    if (!c.ipAddresses().isEmpty()) {
      m.put("ipAddresses", ips(c.ipAddresses()));
    }
    m.put("key", c.publicKey().spec().map(KeySpec::toString).orElse("other"));
    m.put("notAfter", DATE.format(c.notAfter()));
    m.put("fingerprint", c.fingerprint().colonHex());
    return m;
  }

  private static String ips(List<InetAddress> addresses) {
    return addresses.stream().map(IpAddresses::format).collect(Collectors.joining(", "));
  }
}
