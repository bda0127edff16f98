package org.hostpki.pki;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
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
    return trustStoreEncoder(entries).get();
  }

  /**
   * What makes {@link #trustStore}'s bytes for these entries, each time it is asked, the aliases
   * checked now. It encodes each certificate's bag twice, once for its length and once into the
   * file's one array, and holds no bag beyond the one it encodes: at 100,000 trusted certificates
   * the bags held until their array was made (~65 MB) did not fit a 512 MB heap beside the rest
   * of an apply from an empty store (bench/NOTES.md, fheap16).
   *
   * @throws IllegalArgumentException for an empty alias, or two aliases equal ignoring case
   */
  public static Supplier<byte[]> trustStoreEncoder(SortedMap<String, Certificate> entries) {
    Set<String> seen = new HashSet<>();
    for (String alias : entries.keySet()) {
      if (alias.isEmpty()) {
        throw new IllegalArgumentException("a PKCS#12 alias must not be empty");
      }
      if (!seen.add(alias.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "trust store aliases differ only in case, which Java's KeyStore cannot tell apart: "
                + alias);
      }
    }
    List<Map.Entry<String, Certificate>> list = List.copyOf(entries.entrySet());
    Attribute trusted =
        new Attribute(Pkcs12.JDK_TRUSTED_KEY_USAGE, new DERSet(KeyPurposeId.anyExtendedKeyUsage.toOID()));
    IntFunction<byte[]> bag =
        i -> encoded(
            Pkcs12.certificateBag(
                list.get(i).getValue(), Pkcs12.friendlyName(list.get(i).getKey()), trusted));
    return () -> pfx(list.size(), bag);
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
    List<byte[]> bags = new ArrayList<>(chain.size() + 1);
    bags.add(encoded(
        new PKCS12SafeBagBuilder(
                key.privateKeyInfo(),
                PasswordEncryption.encryptor(Pkcs12Profile.MODERN, EMPTY_PASSWORD, Pkcs12.MODERN_ITERATIONS, random))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
            .build()));
    for (PKCS12SafeBag bag : Pkcs12.certificateBags(alias, chain, localKeyId)) {
      bags.add(encoded(bag));
    }
    return pfx(bags.size(), bags::get);
  }

  private static byte[] encoded(PKCS12SafeBag bag) {
    try {
      return bag.toASN1Structure().getEncoded(ASN1Encoding.DL);
    } catch (IOException e) {
      throw new IllegalStateException("building a PKCS#12 file failed: " + e.getMessage(), e);
    }
  }

  /** The DER encoding of the OID {@code data} (1.2.840.113549.1.7.1). */
  private static final byte[] DATA = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x07, 0x01};

  /** {@code version 3}, the first member of a PFX. */
  private static final byte[] VERSION_3 = {0x02, 0x01, 0x03};

  /**
   * The PFX, without a MAC, of one unencrypted safe of these bags (each DL-encoded), as
   * BouncyCastle's {@code new Pfx(new ContentInfo(data, new DEROctetString(new AuthenticatedSafe(new
   * ContentInfo[] {new ContentInfo(data, new DEROctetString(new DLSequence(bags)…))})…)), null)
   * .getEncoded(DL)} encodes it, byte for byte (UnprotectedPkcs12Test), but written once into one
   * array: BouncyCastle encodes each of the nested layers whole around the one inside, which at
   * 100,000 trusted certificates held the ~60 MB store several times at once, and the bags' parse
   * trees beside them (bench/NOTES.md, -Xmx512m). {@code bag} gives the encoding of bag {@code i}
   * (the same bytes each time): asked twice for each, for its length and to copy it.
   */
  private static byte[] pfx(int count, IntFunction<byte[]> bag) {
    long bagsLength = 0;
    for (int i = 0; i < count; i++) {
      bagsLength += bag.apply(i).length;
    }
    // From the inside out, each layer's tag around what it holds: the layer inside it, after the
    // members before that (the content type data; the PFX's version).
    int[] tags = {
      0x30, // SafeContents: SEQUENCE OF SafeBag
      0x04, 0xA0, 0x30, // in an OCTET STRING, [0] EXPLICIT, a ContentInfo of type data
      0x30, // AuthenticatedSafe: SEQUENCE OF ContentInfo
      0x04, 0xA0, 0x30, // in an OCTET STRING, [0] EXPLICIT, a ContentInfo of type data
      0x30 // the PFX
    };
    int[] before = {0, 0, 0, DATA.length, 0, 0, 0, DATA.length, VERSION_3.length};
    byte[][] headers = new byte[tags.length][]; // outermost first
    long inner = bagsLength;
    for (int k = 0; k < tags.length; k++) {
      inner += before[k];
      byte[] header = header(tags[k], inner);
      headers[tags.length - 1 - k] = header;
      inner += header.length;
    }
    if (inner > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a PKCS#12 file of " + inner + " bytes is too large");
    }
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate((int) inner);
    out.put(headers[0]).put(VERSION_3).put(headers[1]).put(DATA).put(headers[2]).put(headers[3])
        .put(headers[4]).put(headers[5]).put(DATA).put(headers[6]).put(headers[7]).put(headers[8]);
    for (int i = 0; i < count; i++) {
      out.put(bag.apply(i));
    }
    if (out.hasRemaining()) {
      throw new IllegalStateException("PKCS#12 length " + out.position() + " != " + inner);
    }
    return out.array();
  }

  /** A DER tag and definite length. */
  private static byte[] header(int tag, long length) {
    if (length < 0x80) {
      return new byte[] {(byte) tag, (byte) length};
    }
    int octets = (64 - Long.numberOfLeadingZeros(length) + 7) / 8;
    byte[] header = new byte[2 + octets];
    header[0] = (byte) tag;
    header[1] = (byte) (0x80 | octets);
    for (int i = 0; i < octets; i++) {
      header[2 + i] = (byte) (length >>> (8 * (octets - 1 - i)));
    }
    return header;
  }
}
