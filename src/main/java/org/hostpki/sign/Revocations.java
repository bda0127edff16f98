package org.hostpki.sign;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.RevocationList;
import org.hostpki.store.StoreSnapshot;

/**
 * The revocations a CA store records: its {@code ca.crl}, the one truth of what was revoked, when
 * and why ({@code hostpki revoke} writes it, together with the {@code issued/} records).
 *
 * @param crl empty when nothing was revoked yet
 */
public record Revocations(Optional<RevocationList> crl) {
  /** The store file of the CRL. */
  public static final String FILE = StoreLayout.CA_CRL;

  public static final Revocations NONE = new Revocations(Optional.empty());

  /**
   * Reads the store's CRL.
   *
   * @param storePath the store directory, for messages
   * @throws HostpkiException when {@code ca.crl} is not a CRL
   */
  public static Revocations read(StoreSnapshot snapshot, Path storePath) {
    Optional<byte[]> file = snapshot.file(FILE);
    if (file.isEmpty()) {
      return NONE;
    }
    try {
      return new Revocations(Optional.of(RevocationList.parse(file.get())));
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(
          storePath.resolve(FILE) + ": " + e.getMessage() + "; the record of revoked certificates is"
              + " damaged: restore it from an older generation of the store (hostpki history lists"
              + " them; each keeps its ca.crl), never delete it: that would forget every revocation");
    }
  }

  /** Every revoked certificate, as the CRL lists them. */
  public List<RevokedCertificate> entries() {
    return crl.map(c -> c.facts().revoked()).orElse(List.of());
  }

  public Optional<RevokedCertificate> entry(BigInteger serial) {
    return crl.flatMap(c -> c.facts().entry(serial));
  }

  /** Whether the CRL is this CA's (after the CA was replaced, it is the old CA's). */
  public boolean issuedBy(Certificate ca) {
    return crl.map(c -> c.isSignedBy(ca)).orElse(false);
  }
}
