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
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.StoreLayout;
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
    StoreLayout layout = StoreLayout.of(desired);
    current.snapshot().files().forEach((name, bytes) -> {
      // The record of the PKCS#12 files is made anew below, from the set this makes.
      if (!name.equals(StoreLayout.PKCS12_RECORD)) {
        files.put(name, new StoreFile(bytes, layout.kindOf(name)));
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
        files.put(StoreLayout.CA_KEY, key(key));
        files.put(StoreLayout.CA_CERT, certificates(cert.pem()));
      } else if (intent instanceof Intent.IssueNextCa next) {
        KeyMaterial key = KeyMaterial.generate(next.key(), random);
        Certificate cert = issuer.selfSignedCa(next.subject(), key, now, next.validity());
        caNextKey = Optional.of(key);
        caNextCert = Optional.of(cert);
        files.put(StoreLayout.CA_NEXT_KEY, key(key));
        files.put(StoreLayout.CA_NEXT_CERT, certificates(cert.pem()));
      } else if (intent instanceof Intent.PromoteNextCa promote) {
        Certificate cert = caNextCert.orElseThrow(() -> missing(StoreLayout.CA_NEXT_CERT, change));
        KeyMaterial key = caNextKey.orElseThrow(() -> missing(StoreLayout.CA_NEXT_KEY, change));
        if (!cert.fingerprint().equals(promote.next()) || !key.matches(cert)) {
          throw new IllegalStateException(
              "plan step " + change.address() + " needs the planned " + StoreLayout.CA_NEXT_CERT);
        }
        // Moved byte for byte: the new CA is the certificate clients already trust.
        files.put(StoreLayout.CA_KEY, files.remove(StoreLayout.CA_NEXT_KEY));
        files.put(StoreLayout.CA_CERT, files.remove(StoreLayout.CA_NEXT_CERT));
        caKey = caNextKey;
        caCert = caNextCert;
        caNextKey = Optional.empty();
        caNextCert = Optional.empty();
      } else if (intent instanceof Intent.KeepPreviousCa keep) {
        // The CA as read before this plan, whatever this plan makes the CA.
        Certificate old = current.caCertificate().orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
        if (!old.fingerprint().equals(keep.retired())) {
          throw new IllegalStateException("plan step " + change.address() + " needs the planned " + StoreLayout.CA_CERT);
        }
        caPreviousCert = Optional.of(old);
        files.put(StoreLayout.CA_PREVIOUS_CERT, certificates(old.pem()));
      } else if (intent instanceof Intent.RemoveNextCa) {
        caNextKey = Optional.empty();
        caNextCert = Optional.empty();
        files.remove(StoreLayout.CA_NEXT_KEY);
        files.remove(StoreLayout.CA_NEXT_CERT);
      } else if (intent instanceof Intent.RemovePreviousCa) {
        caPreviousCert = Optional.empty();
        files.remove(StoreLayout.CA_PREVIOUS_CERT);
      } else if (intent instanceof Intent.IssueServer s) {
        KeyMaterial key =
            s.newKey() || serverKey.isEmpty() ? KeyMaterial.generate(s.key(), random) : serverKey.get();
        Certificate cert =
            issuer.server(
                new ServerProfile(
                    s.subject(), s.dnsNames(), s.ipAddresses(), s.validity(), s.clientAuth()),
                key.publicKey(),
                caCert.orElseThrow(() -> missing(StoreLayout.CA_CERT, change)),
                caKey.orElseThrow(() -> missing(StoreLayout.CA_KEY, change)),
                now);
        serverKey = Optional.of(key);
        serverCert = Optional.of(cert);
        externalIssuers = Optional.empty();
        files.put(StoreLayout.SERVER_KEY, key(key));
        files.put(StoreLayout.SERVER_CERT, certificates(cert.pem()));
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
        files.put(StoreLayout.SERVER_CERT, certificates(leaf.pem()));
        files.put(StoreLayout.EXTERNAL_CHAIN, certificates(Pem.certificates(chain)));
      } else if (intent instanceof Intent.WriteCsr csr) {
        KeyMaterial key = serverKey.orElseThrow(() -> missing(StoreLayout.SERVER_KEY, change));
        files.put(
            StoreLayout.SERVER_CSR,
            new StoreFile(
                CertificationRequest.create(
                    csr.subject(), csr.dnsNames(), csr.ipAddresses(), csr.clientAuth(), key, random),
                FileKind.REQUEST));
      } else if (intent instanceof Intent.RemoveCsr) {
        files.remove(StoreLayout.SERVER_CSR);
        files.remove(StoreLayout.EXTERNAL_CHAIN);
      } else if (intent instanceof Intent.PutTrusted t) {
        Certificate cert = desiredTrust.get(t.name());
        if (cert == null || !cert.fingerprint().equals(t.fingerprint())) {
          throw new HostpkiException(
              "trusted certificate '" + t.name() + "' changed while applying; run apply again");
        }
        trusted.put(t.name(), cert);
        files.put(StoreLayout.trustFile(t.name()), certificates(cert.pem()));
      } else if (intent instanceof Intent.RemoveTrusted t) {
        trusted.remove(t.name());
        files.remove(StoreLayout.trustFile(t.name()));
      }
    }

    // Derived outputs last, from the certificates the store will hold.
    SortedMap<String, Certificate> trustedCas = new TreeMap<>();
    Map<String, Pkcs12Facts> written = new TreeMap<>();
    caNextCert.ifPresent(c -> trustedCas.put(StoreLayout.CA_NEXT_ALIAS, c));
    caPreviousCert.ifPresent(c -> trustedCas.put(StoreLayout.CA_PREVIOUS_ALIAS, c));
    for (Change change : plan.changes()) {
      Intent intent = change.intent();
      if (intent instanceof Intent.RemoveOutput r) {
        remove(files, r.output());
      } else if (intent instanceof Intent.WriteOutput w) {
        remove(files, w.output());
        Certificate ca = caCert.orElseThrow(() -> missing(StoreLayout.CA_CERT, change));
        List<Certificate> serverChain = new ArrayList<>();
        serverChain.add(serverCert.orElseThrow(() -> missing(StoreLayout.SERVER_CERT, change)));
        serverChain.addAll(externalIssuers.orElse(List.of(ca)));
        switch (w.output()) {
          case SERVER_FULLCHAIN -> files.put(w.output().fileName(), certificates(Pem.certificates(serverChain)));
          case SERVER_PKCS12 -> {
            KeyMaterial key = serverKey.orElseThrow(() -> missing(StoreLayout.SERVER_KEY, change));
            byte[] p12 =
                Pkcs12.keyStore(
                    StoreLayout.SERVER_KEY_ALIAS,
                    key,
                    serverChain,
                    password.orElseThrow(() -> missing("store.password", change)),
                    desired.store().pkcs12Profile(),
                    random);
            files.put(w.output().fileName(), new StoreFile(p12, FileKind.KEYSTORE));
            written.put(
                w.output().fileName(),
                Pkcs12.keyStoreFacts(
                    StoreLayout.SERVER_KEY_ALIAS, key, serverChain, desired.store().pkcs12Profile()));
          }
          case TRUST_BUNDLE -> files.put(
              w.output().fileName(), certificates(Pem.certificates(bundle(ca, caNextCert, caPreviousCert, trusted))));
          case TRUSTSTORE_PKCS12 -> {
            SortedMap<String, Certificate> entries = new TreeMap<>(trusted);
            entries.putAll(trustedCas);
            entries.put(StoreLayout.CA_ALIAS, ca);
            files.put(
                w.output().fileName(),
                new StoreFile(
                    Pkcs12.trustStore(
                        entries,
                        password.orElseThrow(() -> missing("store.password", change)),
                        desired.store().pkcs12Profile(),
                        random),
                    FileKind.KEYSTORE));
            written.put(
                w.output().fileName(),
                Pkcs12.trustStoreFacts(entries, desired.store().pkcs12Profile()));
          }
          case TRUST_HASHED -> HashedDirectory.write(bundle(ca, caNextCert, caPreviousCert, trusted))
              .forEach((name, pem) -> files.put(StoreLayout.hashedFile(name), certificates(pem)));
        }
      }
    }
    pkcs12Record(files, written, current, password)
        .ifPresent(r -> files.put(StoreLayout.PKCS12_RECORD, r));
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
    for (String name : StoreLayout.PKCS12_FILES) {
      StoreFile file = files.get(name);
      if (file == null) {
        continue;
      }
      byte[] content = file.content();
      Optional<Pkcs12Facts> facts = Optional.ofNullable(written.get(name));
      if (facts.isEmpty()
          && Arrays.equals(content, current.snapshot().files().get(name))) {
        facts =
            name.equals(StoreLayout.SERVER_PKCS12)
                ? current.facts().serverPkcs12()
                : current.facts().truststorePkcs12();
      }
      facts.ifPresent(f -> entries.put(name, Pkcs12Record.Entry.of(content, f)));
    }
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new StoreFile(new Pkcs12Record(entries).format(), FileKind.KEYSTORE_RECORD));
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
      files.keySet().removeIf(n -> StoreLayout.hashedName(n).isPresent());
    } else {
      files.remove(output.fileName());
    }
  }

  private static StoreFile certificates(String pem) {
    return new StoreFile(pem.getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES);
  }

  private static StoreFile key(KeyMaterial key) {
    return new StoreFile(key.pkcs8Pem(), FileKind.PRIVATE_KEY);
  }

  private static IllegalStateException missing(String what, Change change) {
    return new IllegalStateException("plan step " + change.address() + " needs " + what);
  }

}
