package org.hostpki.apply;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.RevocationList;
import org.hostpki.store.CrlNumberRecord;
import org.hostpki.store.RevocationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreSnapshot;

/**
 * The number of a store's next {@code ca.crl}, for every writer that issues one (apply, revoke):
 * at least the moment the CRL is made, in nanoseconds since 1970 (not its thisUpdate, which is
 * set back for members whose clock is behind, {@code Backdate.thisUpdate}).
 */
public final class CrlNumbers {
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private CrlNumbers() {}

  /**
   * The moment the CRL is made ({@code now}, not its back-dated thisUpdate) in nanoseconds since
   * 1970, at least one more than any {@code ca.crl}
   * number of the live set, the kept generations and the store's record of the highest issued
   * ({@link CrlNumberRecord}). The counts keep numbers rising after a rollback, also once the
   * generations that held the higher ones are pruned, and for CRLs within one second; the time
   * keeps them rising when the whole store went back (a VM snapshot reverted, a backup restored)
   * and its record with it, since the clock has moved on past the CRLs published since, as Let's
   * Encrypt's Boulder numbers its CRLs. 8 octets, well within RFC 5280's 20. Records it as issued:
   * call under the store's lock, before the commit.
   *
   * <p>What the live CRLs list goes into the store's {@link RevocationRecord} first: a new CRL is
   * issued in every generation that replaces a CA's CRL (a CA replaced, a rotation's move), so a
   * revocation the record lacks — made by a build before the record (c8521ea7 and earlier), or cut
   * short by a crash after its commit — is kept before its CA leaves with its CRLs (found in the
   * upgrade trial: once they were pruned, revoke refused it as never revoked).
   */
  public static BigInteger next(
      StoreSnapshot live, StoreDirectory directory, Instant now, SecureRandom random) {
    List<byte[]> earlier = new ArrayList<>();
    live.file(StoreLayout.CA_CRL).ifPresent(earlier::add);
    live.file(StoreLayout.CA_PREVIOUS_CRL).ifPresent(earlier::add);
    earlier.forEach(crl -> keepRevocations(crl, directory, random));
    earlier.addAll(directory.keptFiles(StoreLayout.CA_CRL));
    BigInteger next = RevocationList.nextNumber(earlier);
    BigInteger recorded = CrlNumberRecord.highest(directory.directory(), random).orElse(BigInteger.ZERO);
    next = next.max(recorded.add(BigInteger.ONE)).max(ofTime(now));
    CrlNumberRecord.record(directory.directory(), next, random);
    return next;
  }

  /**
   * Adds what a live CRL lists and the store's record lacks to the record. The record is a copy of
   * what CRLs said: a CRL that cannot be read, or a record that cannot be written, changes nothing
   * here, and the CRL itself still answers while the store holds it.
   */
  private static void keepRevocations(byte[] crl, StoreDirectory directory, SecureRandom random) {
    try {
      RevocationList list = RevocationList.parse(crl);
      list.facts().authorityKeyId().ifPresent(keyId ->
          RevocationRecord.add(directory.directory(), keyId, list.facts().revoked(), random));
    } catch (InvalidMaterialException | HostpkiException e) {
      // see above: the revocation stays on the CRL, and the next revoke or CRL tries again
    }
  }

  /** The number a CRL made at {@code now} gets at least: nanoseconds since 1970. */
  public static BigInteger ofTime(Instant now) {
    return BigInteger.valueOf(now.getEpochSecond())
        .multiply(NANOS_PER_SECOND)
        .add(BigInteger.valueOf(now.getNano()));
  }
}
