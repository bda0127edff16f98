package org.hostpki.plan;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Subject;

/** What applying a change must produce: everything apply needs, decided by the planner. */
public sealed interface Intent {

  /**
   * Issue the internal root CA.
   *
   * @param newKey make a new key pair; otherwise keep the store's {@code ca.key}
   * @param nameConstraints the CA certificate's name constraints (critical); empty for none
   * @param keptKey instead of a new key pair, the key of the kept CA certificate with this
   *     fingerprint ({@link PlanInput#keptCas()}): a rollback went back past it
   */
  record IssueCa(
      Subject subject,
      KeySpec key,
      Duration validity,
      boolean newKey,
      Optional<NameConstraints> nameConstraints,
      Optional<Fingerprint> keptKey)
      implements Intent {
    public IssueCa {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(nameConstraints, "nameConstraints");
      Objects.requireNonNull(keptKey, "keptKey");
    }
  }

  /**
   * Issue the CA a phased rotation moves to ({@code ca-next.crt}, {@code ca-next.key}), with a
   * new key: trusted from now on, it signs only once it is promoted.
   *
   * @param nameConstraints as {@link IssueCa#nameConstraints()}
   * @param keptKey as {@link IssueCa#keptKey()}: after a rollback to before a rotation began, the
   *     key of the CA it had made, which clients may already trust
   */
  record IssueNextCa(
      Subject subject,
      KeySpec key,
      Duration validity,
      Optional<NameConstraints> nameConstraints,
      Optional<Fingerprint> keptKey)
      implements Intent {
    public IssueNextCa {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(nameConstraints, "nameConstraints");
      Objects.requireNonNull(keptKey, "keptKey");
    }
  }

  /**
   * Make the store's {@code ca-next.crt} and {@code ca-next.key} the CA ({@code ca.crt}, {@code
   * ca.key}), byte for byte; the {@code ca-next} files go.
   *
   * @param next the fingerprint of {@code ca-next.crt} as planned: apply checks it is still that
   */
  record PromoteNextCa(Fingerprint next) implements Intent {
    public PromoteNextCa {
      Objects.requireNonNull(next, "next");
    }
  }

  /**
   * Keep the store's current {@code ca.crt} (as read before this plan) trusted as {@code
   * ca-previous.crt}, without its key.
   *
   * @param retired the fingerprint of that {@code ca.crt}
   */
  record KeepPreviousCa(Fingerprint retired) implements Intent {
    public KeepPreviousCa {
      Objects.requireNonNull(retired, "retired");
    }
  }

  /** Remove {@code ca-next.crt} and {@code ca-next.key}: the rotation they were made for is off. */
  record RemoveNextCa() implements Intent {}

  /** Remove {@code ca-previous.crt}: the old CA leaves the trusted certificates. */
  record RemovePreviousCa() implements Intent {}

  /**
   * Issue the server certificate from the internal CA.
   *
   * @param newKey make a new key pair; otherwise keep the store's {@code server.key}
   * @param crlUrl the CRL Distribution Point it names ({@code ca.crl.url}, expanded for the CA that
   *     signs it when it holds {@code {keyId}}); empty for none
   */
  record IssueServer(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      KeySpec key,
      Duration validity,
      boolean clientAuth,
      boolean newKey,
      Optional<org.hostpki.model.CrlUrl> crlUrl)
      implements Intent {
    public IssueServer {
      Objects.requireNonNull(subject, "subject");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(crlUrl, "crlUrl");
    }
  }

  /**
   * Serve an externally signed chain: {@code server.crt} becomes its leaf (for the kept {@code
   * server.key}), {@code external-chain.crt} records the whole chain, and the server outputs
   * (through their own changes) hold the leaf and the intermediates.
   *
   * @param source where the chain comes from
   * @param chain the fingerprints of the chain as planned, leaf first: apply checks that it is
   *     still exactly this chain
   */
  record InstallExternalChain(ChainSource source, List<Fingerprint> chain) implements Intent {
    public InstallExternalChain {
      Objects.requireNonNull(source, "source");
      chain = List.copyOf(chain);
    }
  }

  /**
   * Order the server certificate from the ACME CA ({@code server.issuer: acme}) for these
   * identifiers, with a request for the store's next key; serve the chain it brings after the same
   * checks as an imported chain: {@code server.crt} becomes its leaf, {@code external-chain.crt}
   * records the chain. On any failure nothing in the store changes.
   *
   * @param newKey make a new key pair; otherwise the request is for the store's {@code server.key}
   * @param replaces the served certificate this store's account ordered, sent as ARI's {@code
   *     replaces} (RFC 9773); empty for a first order or a certificate from elsewhere
   */
  record OrderAcme(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      KeySpec key,
      boolean newKey,
      Optional<Fingerprint> replaces)
      implements Intent {
    public OrderAcme {
      Objects.requireNonNull(subject, "subject");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(replaces, "replaces");
    }
  }

  /** Where an installed external chain comes from. */
  enum ChainSource {
    /** The file at {@code server.external.chain}, just checked. */
    FILE,
    /** {@code external-chain.crt}: the chain imported earlier, serving again. */
    RECORD
  }

  /** Write {@code server.csr} for the store's server key (after this plan's key change, if any). */
  record WriteCsr(
      Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses, boolean clientAuth)
      implements Intent {
    public WriteCsr {
      Objects.requireNonNull(subject, "subject");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
    }
  }

  /**
   * Issue {@code ca.crl} anew with the same entries, signed by the store's CA: the next CRL number
   * (above every kept generation's), thisUpdate now, nextUpdate {@code ca.crl.validity} later.
   *
   * @param current the fingerprint of {@code ca.crl} as planned: apply checks it is still that
   */
  record RenewCrl(Fingerprint current) implements Intent {
    public RenewCrl {
      Objects.requireNonNull(current, "current");
    }
  }

  /**
   * Give the CA that signs after this plan its own {@code ca.crl} (no entries, the next number,
   * {@code ca.crl.validity}), since {@code ca.crl} is, or is about to be, another CA's.
   *
   * @param current the fingerprint of {@code ca.crl} as planned: apply checks it is still that
   * @param previous what becomes of that CRL
   */
  record NewCaCrl(Fingerprint current, PreviousCrl previous) implements Intent {
    public NewCaCrl {
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(previous, "previous");
    }
  }

  /**
   * Issue the first {@code ca.crl} of the CA that signs after this plan: no entries, the next CRL
   * number, {@code ca.crl.validity}; the store holds none ({@code ca.crl} declared, {@link
   * CaCrl}). Apply checks there is still none.
   *
   * @param previousFinal the plan is a rotation's move: the CA that stops signing signs its last
   *     CRL too (no entries, valid until its notAfter) as {@code ca-previous.crl}, so that the
   *     distribution point its certificates name has one to serve
   */
  record FirstCrl(boolean previousFinal) implements Intent {}

  /** What {@link NewCaCrl} does with the CRL of the CA that stops signing. */
  enum PreviousCrl {
    /**
     * The move of a rotation, while the old CA's key is still there: its last CRL, with the same
     * entries and valid until the old CA's notAfter, becomes {@code ca-previous.crl}.
     */
    FINAL,
    /**
     * It already is {@code ca-previous.crt}'s, whose key is gone (a store a build before
     * {@code ca-previous.crl} moved): it becomes {@code ca-previous.crl} as it is.
     */
    KEEP,
    /** Its CA is trusted no more (replaced at once, {@code --replace ca}): it goes. */
    DROP
  }

  /**
   * Remove {@code server.csr} and, with {@code chainToo}, {@code external-chain.crt}: the issuer is
   * internal again; without, the issuer is acme, whose ordered chain external-chain.crt holds.
   */
  record RemoveCsr(boolean chainToo) implements Intent {
    /** The issuer is internal again: both go. */
    public RemoveCsr() {
      this(true);
    }
  }

  /**
   * Write a derived file anew from the certificates the store will hold.
   *
   * @param certificates what the file holds, in its order: the chain (leaf first) of {@code
   *     server-fullchain.crt} and {@code server.p12}, the certificates of {@code
   *     trust-bundle.crt} and {@code trust-hashed/}; empty for {@code truststore.p12}
   * @param aliases the entries of {@code truststore.p12} by alias; empty for the other files
   * @param crls the CRLs consumed through {@code trust.crls} the file holds, by fingerprint, in
   *     their order: those of {@code trust-crls.pem} and {@code trust-hashed/} ({@code HASH.rN})
   */
  record WriteOutput(
      Output output, List<Held> certificates, SortedMap<String, Held> aliases, List<Fingerprint> crls)
      implements Intent {
    public WriteOutput {
      Objects.requireNonNull(output, "output");
      certificates = List.copyOf(certificates);
      aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
      crls = List.copyOf(crls);
    }

    /** A file that holds no CRLs. */
    public WriteOutput(Output output, List<Held> certificates, SortedMap<String, Held> aliases) {
      this(output, certificates, aliases, List.of());
    }
  }

  /** Remove a derived file that is no longer wanted. */
  record RemoveOutput(Output output) implements Intent {}

  /**
   * Write a declared output ({@code outputs:}) anew from the server's key and the certificates the
   * store will hold.
   *
   * @param output the output as declared
   * @param chain the server certificate's chain, leaf first, as {@code server-fullchain.crt}
   *     holds it after apply
   */
  record WriteDeclaredOutput(org.hostpki.model.OutputSpec output, List<Held> chain) implements Intent {
    public WriteDeclaredOutput {
      Objects.requireNonNull(output, "output");
      chain = List.copyOf(chain);
    }
  }

  /** Remove the files of an output the desired state no longer declares. */
  record RemoveUndeclaredOutput(String file) implements Intent {
    public RemoveUndeclaredOutput {
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * Write a store file again as it is, with the owner, group and mode the desired state declares
   * for it (the writer gives every file its declared access; this only makes a set be written).
   */
  record SetAccess(String file) implements Intent {
    public SetAccess {
      Objects.requireNonNull(file, "file");
    }
  }

  /** Put a declared certificate under {@code trust/NAME.crt}. */
  record PutTrusted(String name, Fingerprint fingerprint) implements Intent {}

  /** Remove {@code trust/NAME.crt}. */
  record RemoveTrusted(String name) implements Intent {}

  /**
   * Make hostpki's entries in one install target exactly {@code entries} (every change at an
   * address under the target carries the same map): apply adds what the store holds before it is
   * written, and removes what leaves after.
   *
   * @param entries by entry name ({@link org.hostpki.model.InstallEntryNames}), the certificate as
   *     the store holds it after apply
   */
  record InstallTrust(org.hostpki.model.InstallTarget target, SortedMap<String, Held> entries)
      implements Intent {
    public InstallTrust {
      Objects.requireNonNull(target, "target");
      entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }
  }

  /**
   * Make the visible link {@code NAME -> ..data/NAME} again, removed by hand: the file is in the
   * current generation, unchanged; nothing is written or re-issued for it. A write of a new set
   * makes it with the set's other links.
   */
  record RestoreLink(String name) implements Intent {
    public RestoreLink {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Rewrite the record of what the PKCS#12 files hold ({@code .pkcs12-facts}) in the current
   * format; apply writes it with every new set anyway, so this only makes a set be written.
   */
  record RewritePkcs12Record() implements Intent {}
}
