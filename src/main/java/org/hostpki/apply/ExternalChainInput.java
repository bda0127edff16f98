package org.hostpki.apply;

import org.hostpki.plan.ServerNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.FileReasons;
import org.hostpki.files.FileTooLargeException;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.ChainValidator;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Planner;

/**
 * Reads the file at {@code server.external.chain} and checks it ({@link ChainValidator}) for the
 * store's current server key, the desired names and the plan's time, so the planner gets facts and
 * never touches a file. A file that is there but cannot be read at all (permissions, not a
 * regular file, over {@link InputKind#CHAIN}'s limit) is an error; one that is not a usable chain is a refused chain, which the planner reports.
 */
final class ExternalChainInput {
  /** More certificates than this in one chain file is a mistake (a whole CA bundle). */
  static final int MAX_CERTIFICATES = 20;

  /**
   * What was read.
   *
   * @param facts empty with an internal issuer
   * @param chain the checked chain, leaf first, when it is valid; otherwise empty
   * @param importedOutsideRoots where the chain imported earlier ({@code external-chain.crt})
   *     ends, when server.external.roots names other roots ({@link ChainValidator#outsideRoots})
   */
  record Read(
      Optional<ExternalChainFile> facts,
      List<Certificate> chain,
      List<Certificate> roots,
      Optional<String> importedOutsideRoots) {
    Read {
      chain = List.copyOf(chain);
      roots = List.copyOf(roots);
      java.util.Objects.requireNonNull(importedOutsideRoots, "importedOutsideRoots");
    }

    Read(Optional<ExternalChainFile> facts, List<Certificate> chain) {
      this(facts, chain, List.of(), Optional.empty());
    }

    static Read none() {
      return new Read(Optional.empty(), List.of());
    }

    /** The file's content digest and server.external.roots' certificates, for the plan's basis. */
    String basisWords() {
      StringBuilder named = new StringBuilder();
      roots.forEach(r -> named.append(' ').append(r.fingerprint().hex()));
      return chainWords() + named;
    }

    private String chainWords() {
      return facts.map(
              f ->
                  f instanceof ExternalChainFile.Valid v
                      ? v.content().hex()
                      : f instanceof ExternalChainFile.Refused r
                          ? r.content().hex()
                          : f instanceof ExternalChainFile.NotYetValid n ? n.chain().content().hex() : "absent")
          .orElse("none");
    }
  }

  /**
   * @param observed the store: while detection finds no address or name, the chain must cover
   *     what the server certificate keeps, as the planner asks ({@link ServerNames#of(ServerSpec,
   *     HostIdentity, ObservedStore)})
   * @param imported the chain imported earlier ({@code external-chain.crt}), checked again
   *     against server.external.roots, which may have changed since
   */
  Read read(
      DesiredState desired,
      HostIdentity host,
      ObservedStore observed,
      Optional<KeyMaterial> serverKey,
      Optional<List<Certificate>> imported,
      Instant now) {
    ServerSpec server = desired.server();
    if (server.issuer() != ServerSpec.Issuer.EXTERNAL || server.external().isEmpty()) {
      return Read.none();
    }
    List<Certificate> roots = roots(server.external().get());
    Read read = read(server, host, observed, serverKey, now, roots);
    return new Read(
        read.facts(), read.chain(), roots, imported.flatMap(chain -> ChainValidator.outsideRoots(chain, roots)));
  }

  private Read read(
      ServerSpec server,
      HostIdentity host,
      ObservedStore observed,
      Optional<KeyMaterial> serverKey,
      Instant now,
      List<Certificate> roots) {
    ExternalSpec external = server.external().get();
    Path path = external.chain();
    byte[] content;
    try {
      content = InputFiles.read(path, InputKind.CHAIN);
    } catch (NoSuchFileException e) {
      return new Read(Optional.of(new ExternalChainFile.Absent(path)), List.of());
    } catch (IOException e) {
      // A readable file over the limit needs other words than "make it a readable regular file".
      String fix =
          e instanceof FileTooLargeException
              ? "; a chain file holds the server certificate and its CA's intermediates (a few KiB):"
                  + " put there the chain your CA returned for server.csr"
              : "; make it a readable regular file";
      throw new HostpkiException(
          "server.external.chain: "
              + path
              + " "
              + FileReasons.of(e)
              + fix
              + " (or remove it to keep waiting for the chain)");
    }
    Fingerprint digest = Fingerprint.sha256(content);
    List<Certificate> certificates;
    try {
      certificates = Pem.readCertificates(content, MAX_CERTIFICATES);
    } catch (InvalidMaterialException e) {
      // "it holds no certificate", but "its block 2 (CERTIFICATE, line 30) is truncated".
      String part = e.getMessage().startsWith("block ") || e.getMessage().startsWith("certificate ") ? "its " : "it ";
      return refused(path, digest, List.of(), List.of("it is not a certificate chain: " + part + e.getMessage()));
    }
    if (serverKey.isEmpty()) {
      return refused(
          path,
          digest,
          certificates,
          List.of(
              "there is no server.key in the store yet, so this chain cannot be for it; move the"
                  + " file away, apply (which makes the key and server.csr), and have server.csr"
                  + " signed"));
    }
    ServerNames names = ServerNames.of(server, host, observed);
    ChainValidator.Result result =
        ChainValidator.check(
            certificates, serverKey.get().publicKey(), names.dnsNames(), names.ipAddresses(), now, roots);
    if (!result.accepted()) {
      Optional<Instant> validFrom = validSoon(result, certificates, serverKey.get(), names, now, roots);
      if (validFrom.isPresent()) {
        return new Read(
            Optional.of(new ExternalChainFile.NotYetValid(
                new ExternalChainFile.Valid(path, digest, result.chain().stream().map(Certificate::facts).toList()),
                validFrom.get())),
            List.of());
      }
      return refused(path, digest, certificates, result.problems());
    }
    return new Read(
        Optional.of(
            new ExternalChainFile.Valid(
                path, digest, result.chain().stream().map(Certificate::facts).toList())),
        result.chain());
  }

  /**
   * When a refused chain passes every check: its latest notBefore, if that is after now and within
   * {@link ExternalChainFile#EARLY}, and the chain passes at that time. A CA whose clock runs a few
   * minutes ahead signs a leaf not valid yet (found in the time trial): it waits, rather than
   * being an error that resolves itself.
   */
  private static Optional<Instant> validSoon(
      ChainValidator.Result result, List<Certificate> certificates, KeyMaterial serverKey, ServerNames names,
      Instant now, List<Certificate> roots) {
    if (result.chain().isEmpty()) {
      return Optional.empty();
    }
    Instant validFrom =
        result.chain().stream().map(c -> c.facts().notBefore()).max(Instant::compareTo).orElseThrow();
    if (!validFrom.isAfter(now) || validFrom.isAfter(now.plus(ExternalChainFile.EARLY))) {
      return Optional.empty();
    }
    ChainValidator.Result then =
        ChainValidator.check(
            certificates, serverKey.publicKey(), names.dnsNames(), names.ipAddresses(), validFrom, roots);
    return then.accepted() ? Optional.of(validFrom) : Optional.empty();
  }

  /**
   * The certificates of {@code server.external.roots}. A file that cannot be read or holds no
   * certificate is an error naming the desired state's line: the check it asks for cannot be made.
   */
  static List<Certificate> roots(ExternalSpec external) {
    List<Certificate> roots = new ArrayList<>();
    for (ExternalSpec.Root root : external.roots()) {
      String origin = root.origin().prefix() + "server.external.roots: " + root.file();
      byte[] content;
      try {
        content = InputFiles.read(root.file(), InputKind.TRUSTED_CERTIFICATES);
      } catch (IOException e) {
        throw new HostpkiException(
            origin + " " + FileReasons.of(e) + "; give the PEM file of the root certificate(s) the"
                + " imported chain must end in (the CA's ca.crt)");
      }
      try {
        roots.addAll(Pem.readCertificates(content, MAX_ROOTS));
      } catch (InvalidMaterialException e) {
        throw new HostpkiException(
            origin + ": not a PEM file of root certificates: " + e.getMessage()
                + "; give the CA's root certificate(s) as PEM (-----BEGIN CERTIFICATE-----)");
      }
    }
    return roots;
  }

  /** More root certificates than this in one file of server.external.roots is a whole CA bundle. */
  static final int MAX_ROOTS = 100;

  private static Read refused(
      Path path, Fingerprint digest, List<Certificate> certificates, List<String> problems) {
    Set<Fingerprint> fingerprints = new LinkedHashSet<>();
    certificates.forEach(c -> fingerprints.add(c.fingerprint()));
    return new Read(
        Optional.of(new ExternalChainFile.Refused(path, digest, fingerprints, problems)), List.of());
  }
}
