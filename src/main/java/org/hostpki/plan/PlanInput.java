package org.hostpki.plan;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.TrustedCrl;

/**
 * Everything the planner looks at, gathered at the edges beforehand.
 *
 * @param desiredTrust the declared trusted certificates, read from their sources, by name
 * @param replace resources to re-issue with a new key although nothing drifted
 * @param basis the digest of these inputs, carried into the plan for the stale check
 * @param externalChain what {@code server.external.chain} holds, checked; empty with an internal
 *     issuer (and taken as "no file yet" when the desired state wants an external one)
 * @param lastWritten when the newest kept generation of the store was written; empty for a store
 *     never written (a clock years past it and past every certificate is taken as far ahead)
 * @param unattended no person runs this (a timer, {@code watch}): a due renewal waits for a
 *     maintenance window; a person's apply renews at once
 * @param crls the CRLs of {@code trust.crls}, read and their signatures checked, in the order
 *     the desired state names their files (a folder's files by name)
 * @param installs the targets of {@code trust.install} and of the install record, observed
 * @param acme what the ACME edge found out ({@code server.issuer: acme}); {@link
 *     AcmeObservation#NONE} otherwise
 * @param keptCas the CAs (with their keys) of the kept generations newer than the current one,
 *     newest first: after a rollback, a CA made again takes over such a key, which clients may
 *     already trust, rather than making one they do not know; empty otherwise
 * @param installedCrls the CRLs the store's {@code trust-crls.pem} holds (an earlier apply
 *     installed them), their signatures checked as those of {@code crls}: a CRL of {@code crls}
 *     older than the one of its CA installed does not replace it
 * @param lastWriter the desired-state file (absolute) that wrote the store's current generation,
 *     as its record names it; empty when it names none (older records), when nothing was written
 *     yet, when it is this desired state's own file, or when it says the same as this one (the
 *     file read now, or the digest its record holds when it is gone): a plan that changes a store
 *     another file wrote warns ({@link WarningCode#OTHER_DESIRED_STATE})
 * @param keptKeys the kept generations that still hold a CA key the current one lacks (its
 *     certificate there): the refusal ({@link RefusalCode#KEY_MISSING}) names the rollback to them
 * @param importedOutsideRoots where the chain imported earlier from {@code server.external.chain}
 *     ends, in words, when {@code server.external.roots} names other roots (they were added or
 *     changed since): it no longer fits the desired state; empty otherwise
 */
public record PlanInput(
    DesiredState desired,
    HostIdentity host,
    SortedMap<String, CertificateFacts> desiredTrust,
    ObservedStore observed,
    Instant now,
    Set<Replace> replace,
    Fingerprint basis,
    Optional<ExternalChainFile> externalChain,
    Optional<Instant> lastWritten,
    boolean unattended,
    List<TrustedCrl> crls,
    InstallInput installs,
    AcmeObservation acme,
    List<KeptCa> keptCas,
    List<TrustedCrl> installedCrls,
    Optional<LastWriter> lastWriter,
    List<KeptKey> keptKeys,
    Optional<String> importedOutsideRoots) {

  public PlanInput {
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(host, "host");
    desiredTrust = Collections.unmodifiableSortedMap(new TreeMap<>(desiredTrust));
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(now, "now");
    replace = replace.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(replace));
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(externalChain, "externalChain");
    Objects.requireNonNull(lastWritten, "lastWritten");
    crls = List.copyOf(crls);
    Objects.requireNonNull(installs, "installs");
    Objects.requireNonNull(acme, "acme");
    keptCas = List.copyOf(keptCas);
    installedCrls = List.copyOf(installedCrls);
    Objects.requireNonNull(lastWriter, "lastWriter");
    keptKeys = List.copyOf(keptKeys);
    Objects.requireNonNull(importedOutsideRoots, "importedOutsideRoots");
  }

  /**
   * A kept generation other than the current one that still holds the key of the current
   * generation's {@code ca.crt}, which the current one lacks (deleted by
   * hand): the rollback to it restores the key, where a new CA would break every client.
   *
   * @param generation the kept generation's name
   * @param file the key's file there: {@code ca.key}
   */
  public record KeptKey(String generation, String file) {
    public KeptKey {
      Objects.requireNonNull(generation, "generation");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * A CA certificate of a kept generation whose key that generation keeps too.
   *
   * @param generation the kept generation's name
   * @param file where it is there: {@code ca-next.crt} or {@code ca.crt}
   */
  public record KeptCa(String generation, String file, CertificateFacts certificate) {
    public KeptCa {
      Objects.requireNonNull(generation, "generation");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /** What {@code --replace} may name. */
  public enum Replace {
    CA,
    SERVER
  }
}
