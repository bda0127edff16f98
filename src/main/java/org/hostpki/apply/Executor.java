package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.ServerProfile;
import org.hostpki.plan.Change;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Output;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreFile;

/**
 * Turns a plan into the complete new set of store files. It does what the plan's intents say and
 * nothing else: files no change names are carried over byte for byte.
 */
final class Executor {
  private final SecureRandom random;
  private final CertificateIssuer issuer;

  Executor(SecureRandom random) {
    this.random = random;
    this.issuer = new CertificateIssuer(random);
  }

  SortedMap<String, StoreFile> execute(
      Plan plan,
      DesiredState desired,
      StoreContents current,
      SortedMap<String, Certificate> desiredTrust,
      List<Certificate> externalChainFile,
      Optional<char[]> password,
      Instant now) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    current.snapshot().files().forEach((name, bytes) -> {
      if (!name.startsWith(".")) {
        files.put(name, new StoreFile(bytes, isSecret(name)));
      }
    });
    Optional<KeyMaterial> caKey = current.caKey();
    Optional<Certificate> caCert = current.caCertificate();
    Optional<KeyMaterial> caNextKey = current.caNextKey();
    Optional<Certificate> caNextCert = current.caNextCertificate();
    Optional<Certificate> caPreviousCert = current.caPreviousCertificate();
    Optional<KeyMaterial> serverKey = current.serverKey();
    Optional<Certificate> serverCert = current.serverCertificate();
    // The issuers a server sends after its leaf: empty means the internal CA.
    Optional<List<Certificate>> externalIssuers = servedIssuers(serverCert, current.externalChain());
    SortedMap<String, Certificate> trusted = new TreeMap<>(current.trusted());

    for (Change change : plan.changes()) {
      Intent intent = change.intent();
      if (intent instanceof Intent.IssueCa ca) {
        KeyMaterial key =
            ca.newKey() || caKey.isEmpty() ? KeyMaterial.generate(ca.key(), random) : caKey.get();
        Certificate cert = issuer.selfSignedCa(ca.subject(), key, now, ca.validity());
        caKey = Optional.of(key);
        caCert = Optional.of(cert);
        files.put("ca.key", new StoreFile(key.pkcs8Pem(), true));
        files.put("ca.crt", text(cert.pem()));
      } else if (intent instanceof Intent.IssueNextCa next) {
        KeyMaterial key = KeyMaterial.generate(next.key(), random);
        Certificate cert = issuer.selfSignedCa(next.subject(), key, now, next.validity());
        caNextKey = Optional.of(key);
        caNextCert = Optional.of(cert);
        files.put(Planner.CA_NEXT_KEY_FILE, new StoreFile(key.pkcs8Pem(), true));
        files.put(Planner.CA_NEXT_CERT_FILE, text(cert.pem()));
      } else if (intent instanceof Intent.PromoteNextCa promote) {
        Certificate cert = caNextCert.orElseThrow(() -> missing(Planner.CA_NEXT_CERT_FILE, change));
        KeyMaterial key = caNextKey.orElseThrow(() -> missing(Planner.CA_NEXT_KEY_FILE, change));
        if (!cert.fingerprint().equals(promote.next()) || !key.matches(cert)) {
          throw new IllegalStateException(
              "plan step " + change.address() + " needs the planned " + Planner.CA_NEXT_CERT_FILE);
        }
        // Moved byte for byte: the new CA is the certificate clients already trust.
        files.put("ca.key", files.remove(Planner.CA_NEXT_KEY_FILE));
        files.put("ca.crt", files.remove(Planner.CA_NEXT_CERT_FILE));
        caKey = caNextKey;
        caCert = caNextCert;
        caNextKey = Optional.empty();
        caNextCert = Optional.empty();
      } else if (intent instanceof Intent.KeepPreviousCa keep) {
        // The CA as read before this plan, whatever this plan makes the CA.
        Certificate old = current.caCertificate().orElseThrow(() -> missing("ca.crt", change));
        if (!old.fingerprint().equals(keep.retired())) {
          throw new IllegalStateException("plan step " + change.address() + " needs the planned ca.crt");
        }
        caPreviousCert = Optional.of(old);
        files.put(Planner.CA_PREVIOUS_CERT_FILE, text(old.pem()));
      } else if (intent instanceof Intent.RemoveNextCa) {
        caNextKey = Optional.empty();
        caNextCert = Optional.empty();
        files.remove(Planner.CA_NEXT_KEY_FILE);
        files.remove(Planner.CA_NEXT_CERT_FILE);
      } else if (intent instanceof Intent.RemovePreviousCa) {
        caPreviousCert = Optional.empty();
        files.remove(Planner.CA_PREVIOUS_CERT_FILE);
      } else if (intent instanceof Intent.IssueServer s) {
        KeyMaterial key =
            s.newKey() || serverKey.isEmpty() ? KeyMaterial.generate(s.key(), random) : serverKey.get();
        Certificate cert =
            issuer.server(
                new ServerProfile(
                    s.subject(), s.dnsNames(), s.ipAddresses(), s.validity(), s.clientAuth()),
                key.publicKey(),
                caCert.orElseThrow(() -> missing("ca.crt", change)),
                caKey.orElseThrow(() -> missing("ca.key", change)),
                now);
        serverKey = Optional.of(key);
        serverCert = Optional.of(cert);
        externalIssuers = Optional.empty();
        files.put("server.key", new StoreFile(key.pkcs8Pem(), true));
        files.put("server.crt", text(cert.pem()));
      } else if (intent instanceof Intent.InstallExternalChain install) {
        List<Certificate> chain =
            install.source() == Intent.ChainSource.FILE
                ? externalChainFile
                : current.externalChain().orElse(List.of());
        if (!chain.stream().map(Certificate::fingerprint).toList().equals(install.chain())) {
          throw new HostpkiException(
              "the external chain changed while applying; nothing was changed: run apply again");
        }
        Certificate leaf = chain.get(0);
        if (serverKey.isEmpty() || !serverKey.get().matches(leaf)) {
          throw new IllegalStateException("plan step " + change.address() + " needs the leaf's key");
        }
        serverCert = Optional.of(leaf);
        externalIssuers = Optional.of(issuersOf(chain));
        files.put("server.crt", text(leaf.pem()));
        files.put(Planner.EXTERNAL_CHAIN_FILE, text(Pem.certificates(chain)));
      } else if (intent instanceof Intent.WriteCsr csr) {
        KeyMaterial key = serverKey.orElseThrow(() -> missing("server.key", change));
        files.put(
            Planner.CSR_ADDRESS,
            new StoreFile(
                CertificationRequest.create(
                    csr.subject(), csr.dnsNames(), csr.ipAddresses(), csr.clientAuth(), key, random),
                false));
      } else if (intent instanceof Intent.RemoveCsr) {
        files.remove(Planner.CSR_ADDRESS);
        files.remove(Planner.EXTERNAL_CHAIN_FILE);
      } else if (intent instanceof Intent.PutTrusted t) {
        Certificate cert = desiredTrust.get(t.name());
        if (cert == null || !cert.fingerprint().equals(t.fingerprint())) {
          throw new HostpkiException(
              "trusted certificate '" + t.name() + "' changed while applying; run apply again");
        }
        trusted.put(t.name(), cert);
        files.put(StoreObserver.TRUST_DIR + t.name() + ".crt", text(cert.pem()));
      } else if (intent instanceof Intent.RemoveTrusted t) {
        trusted.remove(t.name());
        files.remove(StoreObserver.TRUST_DIR + t.name() + ".crt");
      }
    }

    // Derived outputs last, from the certificates the store will hold.
    SortedMap<String, Certificate> trustedCas = new TreeMap<>();
    Map<String, Pkcs12Facts> written = new TreeMap<>();
    caNextCert.ifPresent(c -> trustedCas.put(Planner.CA_NEXT_TRUST_ALIAS, c));
    caPreviousCert.ifPresent(c -> trustedCas.put(Planner.CA_PREVIOUS_TRUST_ALIAS, c));
    for (Change change : plan.changes()) {
      Intent intent = change.intent();
      if (intent instanceof Intent.RemoveOutput r) {
        remove(files, r.output());
      } else if (intent instanceof Intent.WriteOutput w) {
        remove(files, w.output());
        Certificate ca = caCert.orElseThrow(() -> missing("ca.crt", change));
        List<Certificate> serverChain = new ArrayList<>();
        serverChain.add(serverCert.orElseThrow(() -> missing("server.crt", change)));
        serverChain.addAll(externalIssuers.orElse(List.of(ca)));
        switch (w.output()) {
          case SERVER_FULLCHAIN -> files.put(w.output().fileName(), text(Pem.certificates(serverChain)));
          case SERVER_PKCS12 -> {
            KeyMaterial key = serverKey.orElseThrow(() -> missing("server.key", change));
            byte[] p12 =
                Pkcs12.keyStore(
                    Planner.SERVER_KEY_ALIAS,
                    key,
                    serverChain,
                    password.orElseThrow(() -> missing("store.password", change)),
                    desired.store().pkcs12Profile(),
                    random);
            files.put(w.output().fileName(), new StoreFile(p12, true));
            written.put(
                w.output().fileName(),
                Pkcs12.keyStoreFacts(
                    Planner.SERVER_KEY_ALIAS, key, serverChain, desired.store().pkcs12Profile()));
          }
          case TRUST_BUNDLE -> files.put(
              w.output().fileName(), text(Pem.certificates(bundle(ca, caNextCert, caPreviousCert, trusted))));
          case TRUSTSTORE_PKCS12 -> {
            SortedMap<String, Certificate> entries = new TreeMap<>(trusted);
            entries.putAll(trustedCas);
            entries.put(Planner.CA_TRUST_ALIAS, ca);
            files.put(
                w.output().fileName(),
                new StoreFile(
                    Pkcs12.trustStore(
                        entries,
                        password.orElseThrow(() -> missing("store.password", change)),
                        desired.store().pkcs12Profile(),
                        random),
                    true));
            written.put(
                w.output().fileName(),
                Pkcs12.trustStoreFacts(entries, desired.store().pkcs12Profile()));
          }
          case TRUST_HASHED -> HashedDirectory.write(bundle(ca, caNextCert, caPreviousCert, trusted))
              .forEach((name, pem) -> files.put(StoreObserver.HASHED_DIR + name, text(pem)));
        }
      }
    }
    pkcs12Record(files, written, current, password)
        .ifPresent(r -> files.put(Pkcs12Record.FILE_NAME, r));
    return files;
  }

  /**
   * The record of what the set's PKCS#12 files hold, so that observing them need not decode them:
   * facts of a file written here come from what it was built from; a file carried over byte for
   * byte has the facts observed before, read from those bytes with this same password. Empty
   * without a password (no file can be described) or without PKCS#12 files.
   */
  private Optional<StoreFile> pkcs12Record(
      SortedMap<String, StoreFile> files,
      Map<String, Pkcs12Facts> written,
      StoreContents current,
      Optional<char[]> password) {
    if (password.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Pkcs12Record.Entry> entries = new TreeMap<>();
    for (String name : Pkcs12Record.FILES) {
      StoreFile file = files.get(name);
      if (file == null) {
        continue;
      }
      byte[] content = file.content();
      Optional<Pkcs12Facts> facts = Optional.ofNullable(written.get(name));
      if (facts.isEmpty()
          && Arrays.equals(content, current.snapshot().files().get(name))) {
        facts =
            name.equals(Output.SERVER_PKCS12.fileName())
                ? current.facts().serverPkcs12()
                : current.facts().truststorePkcs12();
      }
      facts.ifPresent(f -> entries.put(name, Pkcs12Record.Entry.of(content, f)));
    }
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new StoreFile(new Pkcs12Record(entries).format(), true));
  }

  /**
   * The issuers the current server certificate is sent with, when it is the imported external
   * leaf; empty when it is an internal one (sent with the internal CA).
   */
  private static Optional<List<Certificate>> servedIssuers(
      Optional<Certificate> serverCert, Optional<List<Certificate>> externalChain) {
    if (serverCert.isPresent()
        && externalChain.isPresent()
        && !externalChain.get().isEmpty()
        && externalChain.get().get(0).equals(serverCert.get())) {
      return Optional.of(issuersOf(externalChain.get()));
    }
    return Optional.empty();
  }

  /** The intermediates of a chain (leaf first): what follows the leaf, without a root. */
  private static List<Certificate> issuersOf(List<Certificate> chain) {
    boolean root = chain.size() > 1 && chain.get(chain.size() - 1).facts().isSelfIssued();
    return List.copyOf(chain.subList(1, root ? chain.size() - 1 : chain.size()));
  }

  /**
   * The trust bundle's order: the internal CA, the CA a rotation moves to, the one it moved away
   * from, then the trusted certificates by name.
   */
  private static List<Certificate> bundle(
      Certificate ca,
      Optional<Certificate> next,
      Optional<Certificate> previous,
      SortedMap<String, Certificate> trusted) {
    List<Certificate> all = new ArrayList<>();
    all.add(ca);
    next.ifPresent(all::add);
    previous.ifPresent(all::add);
    all.addAll(trusted.values());
    return all;
  }

  private static void remove(SortedMap<String, StoreFile> files, Output output) {
    if (output == Output.TRUST_HASHED) {
      files.keySet().removeIf(n -> n.startsWith(StoreObserver.HASHED_DIR));
    } else {
      files.remove(output.fileName());
    }
  }

  static boolean isSecret(String name) {
    return name.endsWith(".key") || name.endsWith(".p12");
  }

  private static StoreFile text(String pem) {
    return new StoreFile(pem.getBytes(StandardCharsets.US_ASCII), false);
  }

  private static IllegalStateException missing(String what, Change change) {
    return new IllegalStateException("plan step " + change.address() + " needs " + what);
  }

}
