package org.hostpki.pki;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Certificates already read, found again by their exact DER. A trust store holds each trusted
 * certificate in several files (the input file, {@code trust/NAME.crt}, the bundle, {@code
 * trust-hashed/}); with one pool each is parsed once, and its fingerprint and facts are worked out
 * once. Finding a certificate gives exactly what parsing the same bytes gives: parsing is a pure
 * function of the DER, and only certificates that parsed are kept. Safe for concurrent use.
 */
public final class CertificatePool {
  private final ConcurrentMap<DerKey, Certificate> byDer = new ConcurrentHashMap<>();

  /** An empty pool. */
  public CertificatePool() {}

  /** A pool that already knows {@code certificates}. */
  public CertificatePool(Collection<Certificate> certificates) {
    certificates.forEach(this::add);
  }

  /** Remembers a certificate, so that its DER read again is not parsed again. */
  public void add(Certificate certificate) {
    byte[] der = certificate.derUnsafe();
    byDer.putIfAbsent(new DerKey(der, Arrays.hashCode(der)), certificate);
  }

  /** How many distinct certificates the pool holds. */
  public int size() {
    return byDer.size();
  }

  /**
   * The certificate whose DER is {@code der}: the known one, or {@code der} parsed (and then
   * remembered). The array becomes the certificate's own when it is parsed: pass one nobody else
   * holds.
   */
  Certificate read(byte[] der) throws InvalidMaterialException {
    DerKey key = new DerKey(der, Arrays.hashCode(der));
    Certificate known = byDer.get(key);
    if (known != null) {
      return known;
    }
    Certificate parsed = Certificate.fromOwnedDer(der);
    Certificate raced = byDer.putIfAbsent(key, parsed);
    return raced != null ? raced : parsed;
  }

  /** A DER as a map key: equal when the bytes are. */
  private static final class DerKey {
    private final byte[] der;
    private final int hash;

    DerKey(byte[] der, int hash) {
      this.der = der;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DerKey other && hash == other.hash && Arrays.equals(der, other.der);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
