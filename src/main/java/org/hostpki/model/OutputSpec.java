package org.hostpki.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One extra file (or, for a combined PEM with a separate key, two) that a service reads, declared
 * under {@code outputs:} and derived from the server's key and certificates.
 *
 * <p>Which files are secret goes by what they hold, not by their names: a combined PEM, a key, a
 * PKCS#12 and a JKS file hold the private key; a DER certificate and a combined PEM whose key went
 * to its {@code keyFile} do not.
 *
 * @param file the file's name at the top of the store
 * @param format what it holds and how
 * @param access owner, group and mode as declared for this output; the files that hold the key
 *     take what is not declared here from {@code store.access}
 * @param afterChange commands run after this output changed
 * @param origin where the entry is in the desired state, for messages
 */
public record OutputSpec(
    String file,
    OutputFormat format,
    AccessSpec access,
    List<List<String>> afterChange,
    SourcePosition origin) {

  public OutputSpec {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(access, "access");
    afterChange = afterChange.stream().map(List::copyOf).toList();
    Objects.requireNonNull(origin, "origin");
  }

  /** The plan address: {@code output/haproxy.pem}. */
  public String address() {
    return "output/" + file;
  }

  /** Every file this output writes: {@link #file}, and a combined PEM's key file. */
  public List<String> fileNames() {
    List<String> names = new ArrayList<>(List.of(file));
    keyFile().ifPresent(names::add);
    return names;
  }

  /** The separate key file of a combined PEM, when it has one. */
  public Optional<String> keyFile() {
    return format instanceof OutputFormat.CombinedPem pem ? pem.keyFile() : Optional.empty();
  }

  /** Whether the named file of this output holds the private key. */
  public boolean holdsPrivateKey(String name) {
    if (!fileNames().contains(name)) {
      throw new IllegalArgumentException(name + " is not a file of output " + file);
    }
    if (format instanceof OutputFormat.Der) {
      return false;
    }
    return keyFile().map(name::equals).orElse(true);
  }

  /** The owner, group and mode the named file of this output gets. */
  public FileAccess access(String name, AccessSpec storeWide) {
    return access.resolve(holdsPrivateKey(name), storeWide);
  }

  /**
   * What the output holds when it is as declared, for comparing with what {@link OutputFacts} a
   * file on disk yields: computed from the fingerprints alone, without encoding anything.
   *
   * @param key the server key's public key fingerprint
   * @param chain the server certificate's chain, leaf first, as {@code server-fullchain.crt}
   * @param ca the internal CA certificate
   * @param storeProfile {@code store.pkcs12Profile}
   */
  public OutputFacts expectedFacts(
      Fingerprint key, List<Fingerprint> chain, Fingerprint ca, Pkcs12Profile storeProfile) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the server certificate's chain is empty");
    }
    Optional<Fingerprint> k = Optional.of(key);
    if (format instanceof OutputFormat.CombinedPem) {
      return new OutputFacts(k, chain, Optional.empty(), Optional.of(KeyEncoding.PKCS8), false, Optional.empty());
    }
    if (format instanceof OutputFormat.Key f) {
      return new OutputFacts(k, List.of(), Optional.empty(), Optional.of(f.encoding()), f.encrypted(), Optional.empty());
    }
    if (format instanceof OutputFormat.Pkcs12 f) {
      return new OutputFacts(
          k, chain, Optional.of(f.alias()), Optional.empty(), f.passwordProtected(),
          Optional.of(f.passwordProtected() ? f.profile().orElse(storeProfile) : Pkcs12Profile.MODERN));
    }
    if (format instanceof OutputFormat.Jks f) {
      return new OutputFacts(k, chain, Optional.of(f.alias()), Optional.empty(), true, Optional.empty());
    }
    OutputFormat.Der der = (OutputFormat.Der) format;
    return new OutputFacts(
        Optional.empty(),
        List.of(der.certificate() == OutputFormat.CertificateChoice.CA ? ca : chain.get(0)),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty());
  }
}
