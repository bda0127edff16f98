package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Backdate;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileKind;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.OutputEncoder;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.UnprotectedPkcs12;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.ServerProfile;
import org.hostpki.plan.Change;
import org.hostpki.plan.Held;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Output;
import org.hostpki.plan.Plan;
import org.hostpki.store.StoreFile;

/**
 * Turns a plan into the complete new set of store files. It does what the plan's intents say and
 * nothing else: files no change names are carried over byte for byte. One method per intent, each
 * changing the draft of the next set ({@link NextSet}); the derived outputs last, holding what
 * the planner decided they hold, in its order and under its aliases.
 *
 * <p>Over 400 lines on purpose: one short method per intent of the sealed {@code Intent} type
 * (CA, next CA, server, imported and ordered chains, CSR, trust, CRL, outputs, access), so that
 * the switch over intents and what each does are read in one file; splitting by intent would
 * spread that switch over classes that share the same draft.
 */
final class Executor {
  private final SecureRandom random;
  private final CertificateIssuer issuer;

  Executor(SecureRandom random) {
    this.random = random;
    this.issuer = new CertificateIssuer(random);
  }

  /**
   * @param carried the current set's files as the store envelope carries them over ({@link
   *     org.hostpki.store.StoreCommit#carriedOver()})
   * @param ordered what this apply's ACME order brought, for the plan's {@link Intent.OrderAcme}
   */
  SortedMap<String, StoreFile> execute(
      Plan plan,
      DesiredState desired,
      SortedMap<String, StoreFile> carried,
      StoreContents current,
      SortedMap<String, Certificate> desiredTrust,
      List<CrlInputs.Read> crls,
      List<Certificate> externalChainFile,
      Optional<char[]> password,
      Instant now,
      Function<Instant, BigInteger> nextCrlNumber,
      Optional<AcmeOrdered> ordered) {
    Map<Fingerprint, RevocationList> byFingerprint = new HashMap<>();
    crls.forEach(c -> byFingerprint.put(c.fingerprint(), c.crl()));
    return new Run(
            random, issuer, desired, current, desiredTrust, byFingerprint, externalChainFile,
            password, now, nextCrlNumber, ordered, new NextSet(carried, current))
        .execute(plan);
  }

  /** One execution: what it is given, and the draft of the next set it changes. */
  private record Run(
      SecureRandom random,
      CertificateIssuer issuer,
      DesiredState desired,
      StoreContents current,
      SortedMap<String, Certificate> desiredTrust,
      Map<Fingerprint, RevocationList> crls,
      List<Certificate> externalChainFile,
      Optional<char[]> password,
      Instant now,
      Function<Instant, BigInteger> nextCrlNumber,
      Optional<AcmeOrdered> ordered,
      NextSet next) {

    SortedMap<String, StoreFile> execute(Plan plan) {
      for (Change change : plan.changes()) {
        source(change);
      }
      // Derived outputs last, from the certificates the store will hold.
      for (Change change : plan.changes()) {
        if (change.intent() instanceof Intent.RemoveOutput r) {
          remove(r.output());
        } else if (change.intent() instanceof Intent.WriteOutput w) {
          write(w, change);
        } else if (change.intent() instanceof Intent.WriteDeclaredOutput w) {
          writeDeclared(w, change);
        } else if (change.intent() instanceof Intent.RemoveUndeclaredOutput r) {
          next.files.remove(r.file());
        }
      }
      pkcs12Record(next.files, next.written, current, password)
          .ifPresent(r -> next.files.put(StoreLayout.PKCS12_RECORD, r));
      return next.files;
    }

    /** A change of the keys, certificates and requests the outputs are made from. */
    private void source(Change change) {
      Intent intent = change.intent();
      if (intent instanceof Intent.IssueCa ca) {
        issueCa(ca);
      } else if (intent instanceof Intent.IssueNextCa n) {
        issueNextCa(n);
      } else if (intent instanceof Intent.PromoteNextCa promote) {
        promoteNextCa(promote, change);
      } else if (intent instanceof Intent.KeepPreviousCa keep) {
        keepPreviousCa(keep, change);
      } else if (intent instanceof Intent.RemoveNextCa) {
        removeNextCa();
      } else if (intent instanceof Intent.RemovePreviousCa) {
        next.caPreviousCert = Optional.empty();
        next.files.remove(StoreLayout.CA_PREVIOUS_CERT);
        next.files.remove(StoreLayout.CA_PREVIOUS_CRL); // its CRL leaves with it
      } else if (intent instanceof Intent.IssueServer s) {
        issueServer(s, change);
      } else if (intent instanceof Intent.OrderAcme order) {
        installOrdered(order, change);
      } else if (intent instanceof Intent.InstallExternalChain install) {
        installExternalChain(install, change);
      } else if (intent instanceof Intent.WriteCsr csr) {
        writeCsr(csr, change);
      } else if (intent instanceof Intent.RenewCrl renew) {
        renewCrl(renew, change);
      } else if (intent instanceof Intent.NewCaCrl fresh) {
        newCaCrl(fresh, change);
      } else if (intent instanceof Intent.FirstCrl first) {
        firstCrl(first, change);
      } else if (intent instanceof Intent.RemoveCsr remove) {
        next.files.remove(StoreLayout.SERVER_CSR);
        if (remove.chainToo()) {
          next.files.remove(StoreLayout.EXTERNAL_CHAIN);
        }
      } else if (intent instanceof Intent.PutTrusted t) {
        putTrusted(t);
      } else if (intent instanceof Intent.RemoveTrusted t) {
        next.trusted.remove(t.name());
        next.files.remove(StoreLayout.trustFile(t.name()));
      }
    }

    private void issueCa(Intent.IssueCa ca) {
      KeyMaterial key =
          ca.keptKey().isPresent()
              ? keptKey(ca.keptKey().get())
              : ca.newKey() || next.caKey.isEmpty()
                  ? KeyMaterial.generate(ca.key(), random)
                  : next.caKey.get();
      Certificate cert = issuer.selfSignedCa(ca.subject(), key, now, ca.validity(), ca.nameConstraints());
      next.caKey = Optional.of(key);
      next.caCert = Optional.of(cert);
      next.putKey(StoreLayout.CA_KEY, key);
      next.putCertificates(StoreLayout.CA_CERT, cert.pem());
    }

    private void issueNextCa(Intent.IssueNextCa n) {
      KeyMaterial key =
          n.keptKey().isPresent() ? keptKey(n.keptKey().get()) : KeyMaterial.generate(n.key(), random);
      Certificate cert = issuer.selfSignedCa(n.subject(), key, now, n.validity(), n.nameConstraints());
      next.caNextKey = Optional.of(key);
      next.caNextCert = Optional.of(cert);
      next.putKey(StoreLayout.CA_NEXT_KEY, key);
      next.putCertificates(StoreLayout.CA_NEXT_CERT, cert.pem());
    }

    /** The key of the kept CA certificate with this fingerprint, as read before the plan. */
    private KeyMaterial keptKey(Fingerprint certificate) {
      return current.keptCas().stream()
          .filter(k -> k.certificate().fingerprint().equals(certificate))
          .findFirst()
          .map(KeptCa::key)
          .orElseThrow(
              () ->
                  new HostpkiException(
                      "the kept generation whose CA key the plan takes changed while applying;"
                          + " nothing was changed: run apply again"));
    }

    private void promoteNextCa(Intent.PromoteNextCa promote, Change change) {
      Certificate cert = next.caNextCert.orElseThrow(() -> missing(StoreLayout.CA_NEXT_CERT, change));
      KeyMaterial key = next.caNextKey.orElseThrow(() -> missing(StoreLayout.CA_NEXT_KEY, change));
      if (!cert.fingerprint().equals(promote.next()) || !key.matches(cert)) {
        throw new IllegalStateException(
            "plan step " + change.address() + " needs the planned " + StoreLayout.CA_NEXT_CERT);
      }
      // Moved byte for byte: the new CA is the certificate clients already trust.
      next.files.put(StoreLayout.CA_KEY, next.files.remove(StoreLayout.CA_NEXT_KEY));
      next.files.put(StoreLayout.CA_CERT, next.files.remove(StoreLayout.CA_NEXT_CERT));
      next.caKey = next.caNextKey;
      next.caCert = next.caNextCert;
      next.caNextKey = Optional.empty();
      next.caNextCert = Optional.empty();
    }

    private void keepPreviousCa(Intent.KeepPreviousCa keep, Change change) {
      // The CA as read before this plan, whatever this plan makes the CA.
      Certificate old = current.caCertificate().orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
      if (!old.fingerprint().equals(keep.retired())) {
        throw new IllegalStateException(
            "plan step " + change.address() + " needs the planned " + StoreLayout.CA_CERT);
      }
      next.caPreviousCert = Optional.of(old);
      next.putCertificates(StoreLayout.CA_PREVIOUS_CERT, old.pem());
      next.files.remove(StoreLayout.CA_PREVIOUS_CRL); // of the CA before; CaCrl plans the new one's
    }

    private void removeNextCa() {
      next.caNextKey = Optional.empty();
      next.caNextCert = Optional.empty();
      next.files.remove(StoreLayout.CA_NEXT_KEY);
      next.files.remove(StoreLayout.CA_NEXT_CERT);
    }

    private void issueServer(Intent.IssueServer s, Change change) {
      KeyMaterial key =
          s.newKey() || next.serverKey.isEmpty()
              ? KeyMaterial.generate(s.key(), random)
              : next.serverKey.get();
      Certificate ca = next.caCert.orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
      Certificate cert =
          issuer.server(
              new ServerProfile(s.subject(), s.dnsNames(), s.ipAddresses(), s.validity(), s.clientAuth()),
              key.publicKey(),
              ca,
              next.caKey.orElseThrow(() -> missing(StoreLayout.CA_KEY, change)),
              now,
              s.crlUrl().map(u -> u.forCa(ca.facts()))); // {keyId}: the CA that signs it now
      next.serverKey = Optional.of(key);
      next.serverCert = Optional.of(cert);
      next.putKey(StoreLayout.SERVER_KEY, key);
      next.putCertificates(StoreLayout.SERVER_CERT, cert.pem());
    }

    private void installExternalChain(Intent.InstallExternalChain install, Change change) {
      List<Certificate> chain =
          install.source() == Intent.ChainSource.FILE
              ? externalChainFile
              : current.externalChain().orElse(List.of());
      if (!chain.stream().map(Certificate::fingerprint).toList().equals(install.chain())) {
        throw new HostpkiException(
            "the external chain changed while applying; nothing was changed: run apply again");
      }
      Certificate leaf = chain.get(0);
      if (next.serverKey.isEmpty() || !next.serverKey.get().matches(leaf)) {
        throw new IllegalStateException("plan step " + change.address() + " needs the leaf's key");
      }
      next.serverCert = Optional.of(leaf);
      next.knowIssuers(chain);
      next.putCertificates(StoreLayout.SERVER_CERT, leaf.pem());
      next.putCertificates(StoreLayout.EXTERNAL_CHAIN, Pem.certificates(chain));
    }

    /** Serves the chain the ACME order brought, for the key its request was for. */
    private void installOrdered(Intent.OrderAcme order, Change change) {
      AcmeOrdered got = ordered.orElseThrow(() -> missing("the chain of the ACME order", change));
      if (!got.key().matches(got.leaf()) || (!order.newKey() && !next.serverKey.equals(Optional.of(got.key())))) {
        throw new IllegalStateException("plan step " + change.address() + " needs the ordered leaf's key");
      }
      next.serverKey = Optional.of(got.key());
      next.serverCert = Optional.of(got.leaf());
      next.knowIssuers(got.chain());
      next.putKey(StoreLayout.SERVER_KEY, got.key());
      next.putCertificates(StoreLayout.SERVER_CERT, got.leaf().pem());
      next.putCertificates(StoreLayout.EXTERNAL_CHAIN, Pem.certificates(got.chain()));
    }

    private void writeCsr(Intent.WriteCsr csr, Change change) {
      KeyMaterial key = next.serverKey.orElseThrow(() -> missing(StoreLayout.SERVER_KEY, change));
      next.files.put(
          StoreLayout.SERVER_CSR,
          new StoreFile(
              CertificationRequest.create(
                  csr.subject(), csr.dnsNames(), csr.ipAddresses(), csr.clientAuth(), key, random),
              FileKind.REQUEST));
    }

    /** {@code ca.crl} again, with the same entries, the next number and a new validity. */
    private void renewCrl(Intent.RenewCrl renew, Change change) {
      RevocationList crl = plannedCrl(renew.current(), change);
      Certificate ca = next.caCert.orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
      KeyMaterial key = next.caKey.orElseThrow(() -> missing(StoreLayout.CA_KEY, change));
      if (!crl.isSignedBy(ca)) {
        throw new HostpkiException(
            StoreLayout.CA_CRL + " is not signed by the store's CA (" + ca.facts().subjectDn()
                + "); 'hostpki revoke' writes the current CA's CRL");
      }
      Instant made = now.truncatedTo(ChronoUnit.SECONDS);
      Instant nextUpdate = made.plus(desired.ca().crlOrDefaults().validity());
      RevocationList renewed =
          RevocationList.issue(
              ca, key, nextCrlNumber.apply(made), Backdate.thisUpdate(made, nextUpdate), nextUpdate,
              crl.facts().revoked(), random);
      next.putCertificates(StoreLayout.CA_CRL, renewed.pem());
    }

    /**
     * {@code ca.crl} of the CA that signs after this plan (no entries), and the old CA's CRL as
     * the intent says: its last one signed with its key at a rotation's move, kept as it is, or
     * dropped.
     */
    private void newCaCrl(Intent.NewCaCrl fresh, Change change) {
      RevocationList old = plannedCrl(fresh.current(), change);
      Instant made = now.truncatedTo(ChronoUnit.SECONDS);
      Optional<byte[]> previous = Optional.empty();
      if (fresh.previous() == Intent.PreviousCrl.FINAL) {
        Certificate oldCa = current.caCertificate().orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
        KeyMaterial oldKey = current.caKey().orElseThrow(() -> missing(StoreLayout.CA_KEY, change));
        Instant end = oldCa.facts().notAfter();
        if (old.isSignedBy(oldCa) && end.isAfter(made)) {
          // The old CA's last CRL: no key signs another, so it lasts as long as the CA does.
          previous =
              Optional.of(
                  RevocationList.issue(
                          oldCa, oldKey, nextCrlNumber.apply(made), Backdate.thisUpdate(made, end), end,
                          old.facts().revoked(), random)
                      .pem()
                      .getBytes(StandardCharsets.US_ASCII));
        }
      } else if (fresh.previous() == Intent.PreviousCrl.KEEP) {
        previous = current.snapshot().file(StoreLayout.CA_CRL);
      }
      previous.ifPresentOrElse(
          pem -> next.files.put(StoreLayout.CA_PREVIOUS_CRL, new StoreFile(pem, FileKind.CERTIFICATES)),
          () -> next.files.remove(StoreLayout.CA_PREVIOUS_CRL));
      emptyCrl(made, change);
    }

    /** The first {@code ca.crl}, of a CA with {@code ca.crl} declared that had none. */
    private void firstCrl(Intent.FirstCrl first, Change change) {
      if (current.snapshot().file(StoreLayout.CA_CRL).isPresent()) {
        throw new HostpkiException(
            StoreLayout.CA_CRL + " was written while applying (hostpki revoke); run apply again");
      }
      Instant made = now.truncatedTo(ChronoUnit.SECONDS);
      if (first.previousFinal()) {
        // The previous CA's last CRL, as newCaCrl's FINAL: it revoked nothing, and no key signs another.
        Certificate oldCa = current.caCertificate().orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
        KeyMaterial oldKey = current.caKey().orElseThrow(() -> missing(StoreLayout.CA_KEY, change));
        Instant end = oldCa.facts().notAfter();
        if (end.isAfter(made)) {
          byte[] last =
              RevocationList.issue(
                      oldCa, oldKey, nextCrlNumber.apply(made), Backdate.thisUpdate(made, end), end, List.of(), random)
                  .pem()
                  .getBytes(StandardCharsets.US_ASCII);
          next.files.put(StoreLayout.CA_PREVIOUS_CRL, new StoreFile(last, FileKind.CERTIFICATES));
        }
      }
      emptyCrl(made, change);
    }

    /** {@code ca.crl} of the CA that signs after this plan, with no entries. */
    private void emptyCrl(Instant made, Change change) {
      Certificate ca = next.caCert.orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
      KeyMaterial key = next.caKey.orElseThrow(() -> missing(StoreLayout.CA_KEY, change));
      Instant nextUpdate = made.plus(desired.ca().crlOrDefaults().validity());
      RevocationList own =
          RevocationList.issue(
              ca, key, nextCrlNumber.apply(made), Backdate.thisUpdate(made, nextUpdate), nextUpdate, List.of(),
              random);
      next.putCertificates(StoreLayout.CA_CRL, own.pem());
    }

    /** {@code ca.crl} as read before the plan, still the one the plan saw. */
    private RevocationList plannedCrl(Fingerprint planned, Change change) {
      byte[] file =
          current.snapshot().file(StoreLayout.CA_CRL).orElseThrow(() -> missing(StoreLayout.CA_CRL, change));
      RevocationList crl;
      try {
        crl = RevocationList.parse(file);
      } catch (InvalidMaterialException e) {
        throw new HostpkiException(StoreLayout.CA_CRL + " " + e.getMessage() + "; run apply again");
      }
      if (!crl.facts().fingerprint().equals(planned)) {
        throw new HostpkiException(StoreLayout.CA_CRL + " changed while applying; run apply again");
      }
      return crl;
    }

    private void putTrusted(Intent.PutTrusted t) {
      Certificate cert = desiredTrust.get(t.name());
      if (cert == null || !cert.fingerprint().equals(t.fingerprint())) {
        throw new HostpkiException(
            "trusted certificate '" + t.name() + "' changed while applying; run apply again");
      }
      next.trusted.put(t.name(), cert);
      next.putCertificate(StoreLayout.trustFile(t.name()), cert);
    }

    private void remove(Output output) {
      if (output == Output.TRUST_HASHED) {
        next.files.keySet().removeIf(n -> StoreLayout.hashedName(n).isPresent());
      } else {
        next.files.remove(output.fileName());
      }
    }

    /** A derived output, holding what the plan says, in its order and under its aliases. */
    private void write(Intent.WriteOutput w, Change change) {
      remove(w.output());
      List<Certificate> certificates = certificates(w.certificates(), change);
      String name = w.output().fileName();
      switch (w.output()) {
        case SERVER_FULLCHAIN, TRUST_BUNDLE ->
            // Made when written: a bundle of 100,000 is 75 MB (bench/NOTES.md, fheap16).
            next.files.put(
                name,
                StoreFile.derived(() -> Pem.certificateBytes(certificates), FileKind.CERTIFICATES));
        case SERVER_PKCS12 -> serverPkcs12(name, certificates, change);
        case TRUSTSTORE_PKCS12 -> {
          // No secret in it, so no password: readable like the bundle (StoreLayout).
          SortedMap<String, Certificate> entries = new TreeMap<>();
          w.aliases().forEach((alias, h) -> entries.put(alias, certificate(h, change)));
          // Encoded when written, bag by bag into the file's one array: not held from now on.
          next.files.put(
              name,
              StoreFile.derived(UnprotectedPkcs12.trustStoreEncoder(entries), FileKind.CERTIFICATES));
          next.written.put(name, UnprotectedPkcs12.trustStoreFacts(entries));
        }
        case TRUST_HASHED -> HashedDirectory.write(certificates, crls(w, change))
            .forEach((file, pem) -> next.putCertificates(StoreLayout.hashedFile(file), pem));
        case TRUST_CRLS -> {
          StringBuilder pem = new StringBuilder();
          crls(w, change).forEach(c -> pem.append(c.pem()));
          next.putCertificates(name, pem.toString());
        }
      }
    }

    /**
     * A declared output, from the server key and the chain the set holds now; each file as what
     * it holds, so that the writer gives it its declared access.
     */
    private void writeDeclared(Intent.WriteDeclaredOutput w, Change change) {
      KeyMaterial key = next.serverKey.orElseThrow(() -> missing(StoreLayout.SERVER_KEY, change));
      // An ACME order's intermediates too: a declared output of a store whose order brings its
      // chain in this apply (a combined-pem for HAProxy) holds them as server-fullchain.crt does.
      List<Certificate> chain = certificates(w.chain(), change);
      Certificate ca = next.caCert.orElse(chain.get(chain.size() - 1));
      StoreLayout layout = StoreLayout.of(desired);
      OutputEncoder.encode(
              w.output(), new OutputEncoder.Material(key, chain, ca), password,
              desired.store().pkcs12Profile(), random)
          .forEach((name, bytes) -> next.files.put(name, new StoreFile(bytes, layout.kindOf(name))));
    }

    /** The CRLs the output holds, as read for this run. */
    private List<RevocationList> crls(Intent.WriteOutput w, Change change) {
      List<RevocationList> out = new ArrayList<>();
      for (Fingerprint fp : w.crls()) {
        RevocationList crl = crls.get(fp);
        if (crl == null) {
          throw missing("the CRL " + fp.shortForm(), change);
        }
        out.add(crl);
      }
      return out;
    }

    private void serverPkcs12(String name, List<Certificate> chain, Change change) {
      KeyMaterial key = next.serverKey.orElseThrow(() -> missing(StoreLayout.SERVER_KEY, change));
      byte[] p12 =
          Pkcs12.keyStore(
              StoreLayout.SERVER_KEY_ALIAS, key, chain, password(change),
              desired.store().pkcs12Profile(), random);
      next.files.put(name, new StoreFile(p12, FileKind.KEYSTORE));
      next.written.put(
          name,
          Pkcs12.keyStoreFacts(
              StoreLayout.SERVER_KEY_ALIAS, key, chain, desired.store().pkcs12Profile()));
    }

    /** The certificates {@code held} names, the intermediates of this apply's ACME order included. */
    private List<Certificate> certificates(List<Held> held, Change change) {
      List<Certificate> certificates = new ArrayList<>();
      for (Held h : held) {
        if (h == Held.Ordered.INTERMEDIATES) {
          List<Certificate> served =
              ordered.orElseThrow(() -> missing("the chain of the ACME order", change)).served();
          certificates.addAll(served.subList(1, served.size()));
        } else {
          certificates.add(certificate(h, change));
        }
      }
      return certificates;
    }

    private Certificate certificate(Held held, Change change) {
      return next.certificate(held).orElseThrow(() -> missing(held.toString(), change));
    }

    private char[] password(Change change) {
      return password.orElseThrow(() -> missing("store.password", change));
    }
  }

  /**
   * The record of what the set's PKCS#12 files hold, so that observing them need not decode them:
   * facts of a file written here come from what it was built from; a file carried over byte for
   * byte has the facts observed before, read from those bytes with this same password. Empty
   * without a password (no file can be described) or without PKCS#12 files.
   */
  private static Optional<StoreFile> pkcs12Record(
      SortedMap<String, StoreFile> files,
      Map<String, Pkcs12Facts> written,
      StoreContents current,
      Optional<char[]> password) {
    if (password.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Pkcs12Record.Entry> entries = new TreeMap<>();
    for (String name : StoreLayout.PKCS12_FILES) {
      StoreFile file = files.get(name);
      if (file == null) {
        continue;
      }
      // Not a copy of the content: truststore.p12 of 100,000 is ~65 MB, made as it is asked for.
      Optional<Pkcs12Facts> facts = Optional.ofNullable(written.get(name));
      if (facts.isEmpty() && file.readsBackIn(current.snapshot(), name)) {
        facts =
            name.equals(StoreLayout.SERVER_PKCS12)
                ? current.facts().serverPkcs12()
                : current.facts().truststorePkcs12();
      }
      facts.ifPresent(f -> entries.put(name, Pkcs12Record.Entry.ofDigest(file.sha256(), f)));
    }
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new StoreFile(new Pkcs12Record(entries).format(), FileKind.KEYSTORE_RECORD));
  }

  private static IllegalStateException missing(String what, Change change) {
    return new IllegalStateException("plan step " + change.address() + " needs " + what);
  }

}
