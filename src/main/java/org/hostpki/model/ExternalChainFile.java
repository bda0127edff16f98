package org.hostpki.model;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the file at {@code server.external.chain} holds, read and checked at the edge before
 * planning (the planner does no I/O). Checked means: against the store's current {@code
 * server.key}, the desired names, and the plan's time.
 */
public sealed interface ExternalChainFile {

  /** The file, as the desired state names it (resolved). */
  Path path();

  /** The fingerprints of the certificates in the file, whatever their order; empty for none. */
  Set<Fingerprint> certificates();

  /** No file there yet: a signed chain is awaited. */
  record Absent(Path path) implements ExternalChainFile {
    public Absent {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public Set<Fingerprint> certificates() {
      return Set.of();
    }
  }

  /**
   * A chain that passed every check and can be imported.
   *
   * @param content SHA-256 of the file's bytes
   * @param chain leaf first, then each issuer in turn; the root last when the file holds it
   */
  record Valid(Path path, Fingerprint content, List<CertificateFacts> chain)
      implements ExternalChainFile {
    public Valid {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(content, "content");
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("a valid chain has a leaf");
      }
    }

    public CertificateFacts leaf() {
      return chain.get(0);
    }

    @Override
    public Set<Fingerprint> certificates() {
      Set<Fingerprint> all = new LinkedHashSet<>();
      chain.forEach(c -> all.add(c.fingerprint()));
      return all;
    }
  }

  /**
   * A chain that passes every check from {@code validFrom} on, soon (within {@link #EARLY}): the
   * clock of the CA that signed it runs ahead of this host's. It waits, and is imported then.
   *
   * @param chain the chain as it is imported then
   * @param validFrom the latest notBefore in it, after now
   */
  record NotYetValid(Valid chain, Instant validFrom) implements ExternalChainFile {
    public NotYetValid {
      Objects.requireNonNull(chain, "chain");
      Objects.requireNonNull(validFrom, "validFrom");
    }

    @Override
    public Path path() {
      return chain.path();
    }

    @Override
    public Set<Fingerprint> certificates() {
      return chain.certificates();
    }
  }

  /**
   * How far ahead of now a chain may start and wait ({@link NotYetValid}) rather than be refused:
   * a CA whose clock runs minutes or hours ahead, not a chain dated for later on purpose.
   */
  Duration EARLY = Duration.ofDays(1);

  /**
   * A file that cannot be imported, and why.
   *
   * @param content SHA-256 of the file's bytes
   * @param certificates the certificates it holds; empty when it could not be read as certificates
   * @param problems what is wrong, each a complete sentence part ("leaf does not match server.key
   *     (…)")
   */
  record Refused(Path path, Fingerprint content, Set<Fingerprint> certificates, List<String> problems)
      implements ExternalChainFile {
    public Refused {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(content, "content");
      certificates = Set.copyOf(certificates);
      problems = List.copyOf(problems);
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("a refused chain has a problem");
      }
    }
  }

  /** Whether the chain (leaf first) ends in a root: a self-issued certificate after the leaf. */
  static boolean endsInRoot(List<CertificateFacts> chain) {
    return chain.size() > 1 && chain.get(chain.size() - 1).isSelfIssued();
  }

  /**
   * What a server sends of a chain (leaf first): the leaf and the intermediates, never the root,
   * which clients must already have to trust it.
   */
  static List<CertificateFacts> servedChain(List<CertificateFacts> chain) {
    return endsInRoot(chain) ? List.copyOf(chain.subList(0, chain.size() - 1)) : List.copyOf(chain);
  }
}
