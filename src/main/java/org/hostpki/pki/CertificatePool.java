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
    byDer.putIfAbsent(new DerKey(der, hash(der)), certificate);
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
    DerKey key = new DerKey(der, hash(der));
    Certificate known = byDer.get(key);
    if (known != null) {
      return known;
    }
    Certificate parsed = Certificate.fromOwnedDer(der);
    Certificate raced = byDer.putIfAbsent(key, parsed);
    return raced != null ? raced : parsed;
  }

  /**
   * A hash of the DER's length and last bytes: a certificate ends with its signature, as good as
   * random, so this spreads certificates as well as hashing every byte, at a fraction of the cost
   * (pools are filled with thousands of known certificates on every observation).
   */
  private static int hash(byte[] der) {
    int h = der.length;
    for (int i = Math.max(0, der.length - 32); i < der.length; i++) {
      h = 31 * h + der[i];
    }
    return h;
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
