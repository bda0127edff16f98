package org.hostpki.apply;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.ObservedStore;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreSnapshot;

/**
 * A store as read: the planner's facts, and the parsed keys and certificates that executing a
 * plan reuses (a kept key, the CA that signs a new server certificate, unchanged trust entries).
 *
 * @param externalChain {@code external-chain.crt}: the chain imported last, leaf first
 * @param caNextKey {@code ca-next.key}: the key of the CA a rotation moves to
 * @param caNextCertificate {@code ca-next.crt}: the CA a rotation moves to
 * @param caPreviousCertificate {@code ca-previous.crt}: the CA a rotation moved away from
 * @param keptCas the CAs of the kept generations a rollback went back past, with their keys
 *     ({@link KeptCa#newerThan}); empty when the current generation is the newest
 */
public record StoreContents(
    ObservedStore facts,
    StoreSnapshot snapshot,
    Optional<KeyMaterial> caKey,
    Optional<Certificate> caCertificate,
    Optional<KeyMaterial> serverKey,
    Optional<Certificate> serverCertificate,
    SortedMap<String, Certificate> trusted,
    Optional<List<Certificate>> externalChain,
    Optional<KeyMaterial> caNextKey,
    Optional<Certificate> caNextCertificate,
    Optional<Certificate> caPreviousCertificate,
    List<KeptCa> keptCas) {

  public StoreContents {
    trusted = Collections.unmodifiableSortedMap(new TreeMap<>(trusted));
    externalChain = externalChain.map(List::copyOf);
    keptCas = List.copyOf(keptCas);
  }

  /** The same store with these facts (the facts of its declared files added). */
  StoreContents withFacts(ObservedStore newFacts) {
    return new StoreContents(
        newFacts, snapshot, caKey, caCertificate, serverKey, serverCertificate, trusted, externalChain,
        caNextKey, caNextCertificate, caPreviousCertificate, keptCas);
  }

  /** The same store with the CAs of the kept generations newer than it. */
  StoreContents withKeptCas(List<KeptCa> kept) {
    return new StoreContents(
        facts, snapshot, caKey, caCertificate, serverKey, serverCertificate, trusted, externalChain,
        caNextKey, caNextCertificate, caPreviousCertificate, kept);
  }
}
