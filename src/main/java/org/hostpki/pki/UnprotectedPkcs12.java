package org.hostpki.pki;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;

/**
 * PKCS#12 files without a password: no MAC, everything in one unencrypted SafeContents, as the JDK
 * writes with {@code keystore.pkcs12.certProtectionAlgorithm} and {@code macAlgorithm} set to
 * {@code NONE} and OpenSSL with {@code -nomac -certpbe NONE}.
 *
 * <ul>
 *   <li>A trust store: the form of the JDK's own {@code cacerts} since JDK 18 (JDK-8275252), which
 *       that JDK reads without a trust store password and would read as empty if it were
 *       encrypted. The JDK 17 that runs hostpki reads this form but cannot write it.
 *   <li>A key store ({@code outputs: [{format: pkcs12, password: none}]}), for readers that take no
 *       password, such as cloud key vaults' imports. The key is in a shrouded key bag encrypted
 *       with the empty password (PBES2, AES-256): the JDK reads private keys only from shrouded
 *       bags and would silently skip a plain key bag; OpenSSL and the JDK open it with an empty
 *       password ({@code -passin pass:}, {@code getKey(alias, new char[0])}), and with no MAC
 *       there is no question of how an empty password is encoded for one (OpenSSL and the JDK
 *       differ there).
 * </ul>
 */
public final class UnprotectedPkcs12 {
  private static final char[] EMPTY_PASSWORD = new char[0];

  private UnprotectedPkcs12() {}

  /** Whether the bytes are a PKCS#12 file without a MAC whose contents are all unencrypted. */
  public static boolean isUnprotected(byte[] pkcs12) {
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(pkcs12);
      if (pfx.hasMac()) {
        return false;
      }
      for (ContentInfo info : pfx.getContentInfos()) {
        if (!PKCSObjectIdentifiers.data.equals(info.getContentType())) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A trust store: one trustedCertEntry per alias (the JDK's trust attribute on each certificate
   * bag), aliases as given.
   *
   * @throws IllegalArgumentException for an empty alias, or two aliases equal ignoring case
   */
  public static byte[] trustStore(SortedMap<String, Certificate> entries) {
    Attribute trusted =
        new Attribute(Pkcs12.JDK_TRUSTED_KEY_USAGE, new DERSet(KeyPurposeId.anyExtendedKeyUsage.toOID()));
    ASN1EncodableVector bags = new ASN1EncodableVector(entries.size());
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, Certificate> entry : entries.entrySet()) {
      if (entry.getKey().isEmpty()) {
        throw new IllegalArgumentException("a PKCS#12 alias must not be empty");
      }
      if (!seen.add(entry.getKey().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "trust store aliases differ only in case, which Java's KeyStore cannot tell apart: "
                + entry.getKey());
      }
      bags.add(Pkcs12.certificateBag(entry.getValue(), Pkcs12.friendlyName(entry.getKey()), trusted).toASN1Structure());
    }
    return pfx(bags);
  }

  /**
   * The facts {@link Pkcs12#read} returns for the bytes {@link #trustStore} makes from these
   * entries, computed from them.
   */
  public static Pkcs12Facts trustStoreFacts(SortedMap<String, Certificate> entries) {
    Map<String, Fingerprint> trusted = new TreeMap<>();
    entries.forEach((alias, certificate) -> trusted.put(alias, certificate.fingerprint()));
    return new Pkcs12Facts(Optional.empty(), trusted, Pkcs12Profile.MODERN, false);
  }

  /**
   * A key store with one private key entry under {@code alias}: the key (under the empty password)
   * and its chain, leaf first, linked as {@link Pkcs12#keyStore} links them.
   *
   * @throws IllegalArgumentException when the chain is empty or its leaf does not certify the key
   */
  public static byte[] keyStore(
      String alias, KeyMaterial key, List<Certificate> chain, SecureRandom random) {
    Pkcs12.requireKeyEntry(alias, key, chain);
    DEROctetString localKeyId = Pkcs12.localKeyId(chain.get(0));
    ASN1EncodableVector bags = new ASN1EncodableVector(chain.size() + 1);
    bags.add(
        new PKCS12SafeBagBuilder(
                key.privateKeyInfo(),
                PasswordEncryption.encryptor(Pkcs12Profile.MODERN, EMPTY_PASSWORD, Pkcs12.MODERN_ITERATIONS, random))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
            .build()
            .toASN1Structure());
    for (PKCS12SafeBag bag : Pkcs12.certificateBags(alias, chain, localKeyId)) {
      bags.add(bag.toASN1Structure());
    }
    return pfx(bags);
  }

  private static byte[] pfx(ASN1EncodableVector bags) {
    try {
      ContentInfo safeContents =
          new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(new DLSequence(bags).getEncoded(ASN1Encoding.DL)));
      AuthenticatedSafe authenticatedSafe = new AuthenticatedSafe(new ContentInfo[] {safeContents});
      return new Pfx(
              new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(authenticatedSafe.getEncoded(ASN1Encoding.DL))),
              null)
          .getEncoded(ASN1Encoding.DL);
    } catch (IOException e) {
      throw new IllegalStateException("building a PKCS#12 file failed: " + e.getMessage(), e);
    }
  }
}
