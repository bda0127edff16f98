package org.hostpki.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The private key and the certificate chain in one PEM file, as HAProxy ({@code crt}), stunnel
 * ({@code cert}) and cert-manager's {@code CombinedPEM} have it: the key (PKCS#8) first, then the
 * server certificate, then its chain in order. HAProxy takes the first certificate as the server's
 * and the rest as its chain, wherever the key is.
 */
public final class CombinedPem {
  private CombinedPem() {}

  /** What a combined (or chain-only) PEM file holds, in file order. */
  public record Contents(Optional<PrivateKeyPem.Read> key, List<Certificate> certificates) {
    public Contents {
      certificates = List.copyOf(certificates);
    }
  }

  /** The key, then the chain (leaf first). */
  public static byte[] of(KeyMaterial key, List<Certificate> chain) {
    requireChain(chain);
    byte[] pem = key.pkcs8Pem();
    byte[] certificates = Pem.certificates(chain).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[pem.length + certificates.length];
    System.arraycopy(pem, 0, out, 0, pem.length);
    System.arraycopy(certificates, 0, out, pem.length, certificates.length);
    return out;
  }

  /** The chain alone (leaf first), for a combined PEM whose key is in a file of its own. */
  public static byte[] chainOnly(List<Certificate> chain) {
    requireChain(chain);
    return Pem.certificates(chain).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a combined PEM: at most one unencrypted private key (in any of the encodings {@link
   * PrivateKeyPem} reads), and the certificates in file order.
   * Any other block is refused, as is a file without certificates.
   */
  public static Contents read(byte[] pem) throws InvalidMaterialException {
    if (pem.length == 0 || PemText.isBlank(pem) || !PemText.hasBeginLine(pem)) {
      throw new InvalidMaterialException("holds no PEM blocks");
    }
    Optional<PrivateKeyPem.Read> key = Optional.empty();
    List<Certificate> certificates = new ArrayList<>();
    for (PemText.Block block : PemText.blocks(pem)) {
      if (block.isPrivateKey()) {
        if (key.isPresent()) {
          throw new InvalidMaterialException("holds more than one private key");
        }
        key = Optional.of(PrivateKeyPem.read(pem));
      } else if (block.label().equals("CERTIFICATE")) {
        try {
          certificates.add(Certificate.fromDer(PemText.decode(pem, block).content()));
        } catch (InvalidMaterialException e) {
          throw new InvalidMaterialException(block.describe() + " " + e.getMessage(), e);
        }
      } else {
        throw new InvalidMaterialException(block.describe() + " is neither a certificate nor a private key");
      }
    }
    if (certificates.isEmpty()) {
      throw new InvalidMaterialException("holds no certificate");
    }
    return new Contents(key, certificates);
  }

  private static void requireChain(List<Certificate> chain) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a combined PEM needs the server certificate");
    }
  }
}
