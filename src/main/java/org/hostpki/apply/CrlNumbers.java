package org.hostpki.apply;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.RevocationList;
import org.hostpki.store.CrlNumberRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreSnapshot;

/** The number of a store's next {@code ca.crl}, for every writer that issues one (apply, revoke). */
public final class CrlNumbers {
  private CrlNumbers() {}

  /**
   * One more than any {@code ca.crl} number of the live set, the kept generations and the store's
   * record of the highest issued ({@link CrlNumberRecord}), so that numbers keep rising after a
   * rollback, also once the generations that held the higher ones are pruned; 1 for the first CRL.
   * Records it as issued: call under the store's lock, before the commit.
   */
  public static BigInteger next(StoreSnapshot live, StoreDirectory directory, SecureRandom random) {
    List<byte[]> earlier = new ArrayList<>();
    live.file(StoreLayout.CA_CRL).ifPresent(earlier::add);
    earlier.addAll(directory.keptFiles(StoreLayout.CA_CRL));
    BigInteger next = RevocationList.nextNumber(earlier);
    BigInteger recorded = CrlNumberRecord.highest(directory.directory(), random).orElse(BigInteger.ZERO);
    next = next.max(recorded.add(BigInteger.ONE));
    CrlNumberRecord.record(directory.directory(), next, random);
    return next;
  }
}
