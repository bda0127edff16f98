package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertBag;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilderProvider;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;

/**
 * PKCS#12 key stores and trust stores that OpenSSL 3 and the JDK's {@code KeyStore} both read.
 *
 * <p>Layout, as OpenSSL and the JDK write it: all certificates in one encrypted SafeContents (so a
 * trust store of 100,000 entries costs one key derivation, not 100,000), the private key in a
 * shrouded key bag in a plain SafeContents, and a password MAC over the whole. Profiles:
 *
 * <ul>
 *   <li>{@link Pkcs12Profile#MODERN}: PBES2 with PBKDF2-HMAC-SHA256 ({@value #MODERN_ITERATIONS}
 *       iterations) and AES-256-CBC for key and certificates; MAC HMAC-SHA256. The defaults of
 *       OpenSSL 3 and Java 8u301+.
 *   <li>{@link Pkcs12Profile#LEGACY}: pbeWithSHAAnd3-KeyTripleDES-CBC ({@value #LEGACY_ITERATIONS}
 *       iterations) for both; MAC HMAC-SHA1. For older Java and OpenSSL 1.0.
 * </ul>
 *
 * <p>Trusted certificates carry the friendlyName (the alias) and the attribute the JDK uses to mark
 * a trustedCertEntry (Oracle's 2.16.840.1.113894.746875.1.1 = anyExtendedKeyUsage). The JDK
 * compares aliases ignoring case, so aliases differing only in case are refused.
 *
 * <p>Encryption and decryption in both profiles use BouncyCastle's lightweight API ({@link
 * PasswordEncryption}), as the MAC does: no JCA provider. Only a file in another scheme (written
 * by other tools) is decrypted through one {@link BouncyCastleProvider} instance, made on first
 * such use and never registered with {@code Security}, passed explicitly.
 *
 * <p>Over 400 lines on purpose: writing and reading share the profiles' algorithms and the
 * checks of what a file may hold; one class keeps what is written and what is accepted in step.
 */
public final class Pkcs12 {
  private Pkcs12() {}

  /**
   * The provider for schemes hostpki does not write, made once: building one costs over 100 ms of
   * CPU on a cold start. It is never changed after construction.
   */
  private static final class JcaProvider {
    static final Provider INSTANCE = new BouncyCastleProvider();
  }

  /** The provider for schemes hostpki does not write (made on first use), for other readers here. */
  static Provider jcaProvider() {
    return JcaProvider.INSTANCE;
  }

  /** PBKDF2 and MAC iterations of the modern profile: the JDK's default. */
  public static final int MODERN_ITERATIONS = 10_000;

  /** Iterations of the legacy profile: OpenSSL's default. */
  public static final int LEGACY_ITERATIONS = 2048;

  /** Above this a file is refused rather than computed on (the JDK's own limit). */
  static final int MAX_ITERATIONS = 5_000_000;

  /** Oracle's attribute marking a certificate bag as a JDK trustedCertEntry. */
  static final ASN1ObjectIdentifier JDK_TRUSTED_KEY_USAGE =
      new ASN1ObjectIdentifier("2.16.840.1.113894.746875.1.1");

  /**
   * A key store with one private key entry: the key, and its chain leaf first, under {@code alias}.
   *
   * @throws IllegalArgumentException when the chain is empty or its leaf does not certify the key
   */
  public static byte[] keyStore(
      String alias,
      KeyMaterial key,
      List<Certificate> chain,
      char[] password,
      Pkcs12Profile profile,
      SecureRandom random) {
    requireKeyEntry(alias, key, chain);
    DEROctetString localKeyId = localKeyId(chain.get(0));
    PKCS12SafeBag[] certificates = certificateBags(alias, chain, localKeyId);
    PKCS12SafeBag keyBag =
        new PKCS12SafeBagBuilder(
                key.privateKeyInfo(), encryptor(profile, password, random))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
            .build();
    try {
      return new PKCS12PfxPduBuilder()
          .addEncryptedData(encryptor(profile, password, random), certificates)
          .addData(keyBag)
          .build(mac(profile), password)
          .getEncoded(ASN1Encoding.DL);
    } catch (IOException | PKCSException e) {
      throw new IllegalStateException("building a PKCS#12 file failed: " + e.getMessage(), e);
    }
  }

  static void requireKeyEntry(String alias, KeyMaterial key, List<Certificate> chain) {
    Objects.requireNonNull(key, "key");
    requireAlias(alias);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a key entry needs its certificate chain");
    }
    if (!key.matches(chain.get(0))) {
      throw new IllegalArgumentException("the chain's first certificate does not certify the key");
    }
  }

  /** OpenSSL's choice of localKeyId, which links the key to its certificate: SHA-1 of the leaf. */
  static DEROctetString localKeyId(Certificate leaf) {
    return new DEROctetString(sha1(leaf.derUnsafe()));
  }

  /** A key entry's chain: the leaf with the alias and the key's localKeyId, then the rest. */
  static PKCS12SafeBag[] certificateBags(String alias, List<Certificate> chain, DEROctetString localKeyId) {
    PKCS12SafeBag[] certificates = new PKCS12SafeBag[chain.size()];
    certificates[0] =
        certificateBag(
            chain.get(0),
            friendlyName(alias),
            new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DERSet(localKeyId)));
    for (int i = 1; i < chain.size(); i++) {
      certificates[i] = certificateBag(chain.get(i));
    }
    return certificates;
  }

  /**
   * A trust store: one trustedCertEntry per alias, in alias order.
   *
   * @throws IllegalArgumentException for an empty alias, or two aliases equal ignoring case
   */
  public static byte[] trustStore(
      SortedMap<String, Certificate> entries,
      char[] password,
      Pkcs12Profile profile,
      SecureRandom random) {
    Set<String> seen = new HashSet<>();
    PKCS12SafeBag[] bags = new PKCS12SafeBag[entries.size()];
    Attribute trusted =
        new Attribute(JDK_TRUSTED_KEY_USAGE, new DERSet(KeyPurposeId.anyExtendedKeyUsage.toOID()));
    int i = 0;
    for (Map.Entry<String, Certificate> entry : entries.entrySet()) {
      requireAlias(entry.getKey());
      if (!seen.add(entry.getKey().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "trust store aliases differ only in case, which Java's KeyStore cannot tell apart: "
                + entry.getKey());
      }
      bags[i++] = certificateBag(entry.getValue(), friendlyName(entry.getKey()), trusted);
    }
    try {
      return new PKCS12PfxPduBuilder()
          .addEncryptedData(encryptor(profile, password, random), bags)
          .build(mac(profile), password)
          .getEncoded(ASN1Encoding.DL);
    } catch (IOException | PKCSException e) {
      throw new IllegalStateException("building a PKCS#12 file failed: " + e.getMessage(), e);
    }
  }

  /**
   * What a PKCS#12 file holds: its first private key entry (with the chain's fingerprints, leaf
   * first), its trusted certificate entries by alias (certificates carrying the JDK's trust
   * attribute; others only serve as chain certificates, as in the JDK), and its profile: {@link
   * Pkcs12Profile#MODERN} when every encryption is PBES2 and the MAC is not SHA-1, else {@link
   * Pkcs12Profile#LEGACY}. Trusted certificates are fingerprinted from their bytes, not parsed.
   *
   * @throws WrongPasswordException when the MAC (or, without one, the decryption) fails
   * @throws InvalidMaterialException when the bytes are not a PKCS#12 file hostpki can read
   */
  public static Pkcs12Facts read(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    Opened opened = open(data, password);
    return facts(opened.bags(), opened.encryptions(), opened.pfx(), opened.decryptor(), opened.macChecked());
  }

  /**
   * What a PKCS#12 file holds, read without a password: all of it when the file has neither a MAC
   * nor encrypted content ({@link UnprotectedPkcs12}); for a file protected with a password, only
   * that it is ({@link Pkcs12Facts#passwordProtected}, no entries), without opening it.
   *
   * @throws InvalidMaterialException when the bytes are not a PKCS#12 file hostpki can read
   */
  public static Pkcs12Facts readWithoutPassword(byte[] data) throws InvalidMaterialException {
    try {
      return read(data, new char[0]);
    } catch (WrongPasswordException e) {
      return new Pkcs12Facts(Optional.empty(), Map.of(), Pkcs12Profile.MODERN, true);
    }
  }

  /**
   * A PKCS#12 file opened with its password: its MAC checked, its bags decrypted where their
   * SafeContents was encrypted (shrouded key bags are decrypted by whoever reads them).
   *
   * @param encryptions every encryption met so far, for {@link #profileOf}
   * @param macChecked whether the MAC was there and valid (then a failed decryption is damage)
   */
  record Opened(
      PKCS12PfxPdu pfx,
      List<PKCS12SafeBag> bags,
      List<AlgorithmIdentifier> encryptions,
      InputDecryptorProvider decryptor,
      boolean macChecked) {}

  /** Opens the file; see {@link #read} for what it throws. */
  static Opened open(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    if (data.length == 0) {
      throw new InvalidMaterialException("is empty");
    }
    String shape = Der.shapeProblem(data);
    if (shape != null) {
      throw new InvalidMaterialException("is not a PKCS#12 file: " + shape);
    }
    PKCS12PfxPdu pfx;
    ContentInfo[] contents;
    try {
      pfx = new PKCS12PfxPdu(data);
      contents = pfx.getContentInfos();
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException("is not a PKCS#12 file: " + Der.reason(e), e);
    }
    boolean macChecked = checkMac(pfx, password);
    InputDecryptorProvider decryptor =
        PasswordEncryption.decryptor(password, () -> JcaProvider.INSTANCE);
    List<AlgorithmIdentifier> encryptions = new ArrayList<>();
    List<PKCS12SafeBag> bags = new ArrayList<>();
    for (ContentInfo content : contents) {
      try {
        if (content.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
          encryptions.add(EncryptedData.getInstance(content.getContent()).getEncryptionAlgorithm());
          checkIterations(encryptions.get(encryptions.size() - 1));
          bags.addAll(Arrays.asList(new PKCS12SafeBagFactory(content, decryptor).getSafeBags()));
        } else if (content.getContentType().equals(PKCSObjectIdentifiers.data)) {
          bags.addAll(Arrays.asList(new PKCS12SafeBagFactory(content).getSafeBags()));
        } else {
          throw new InvalidMaterialException(
              "holds content of type "
                  + content.getContentType().getId()
                  + " (public-key encrypted PKCS#12 is not supported)");
        }
      } catch (PKCSException e) {
        failDecryption(macChecked, e);
      } catch (RuntimeException e) {
        throw new InvalidMaterialException("is not a valid PKCS#12 file: " + Der.reason(e), e);
      }
    }
    return new Opened(pfx, bags, encryptions, decryptor, macChecked);
  }

  /**
   * Whether {@code password} is this file's password, by its MAC alone: one key derivation with
   * the file's own parameters, the cheapest test of a password the file allows, and so no
   * cheaper for anyone who holds the file. Empty when the MAC cannot tell: the file has none, or
   * is not one hostpki can read (decoding it says why).
   */
  public static Optional<Boolean> opensWith(byte[] data, char[] password) {
    if (data.length == 0 || Der.shapeProblem(data) != null) {
      return Optional.empty();
    }
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(data);
      return pfx.hasMac() ? Optional.of(checkMac(pfx, password)) : Optional.empty();
    } catch (WrongPasswordException e) {
      return Optional.of(false);
    } catch (IOException | InvalidMaterialException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Pkcs12Facts facts(
      List<PKCS12SafeBag> bags,
      List<AlgorithmIdentifier> encryptions,
      PKCS12PfxPdu pfx,
      InputDecryptorProvider decryptor,
      boolean macChecked)
      throws InvalidMaterialException, WrongPasswordException {
    Map<String, Fingerprint> trusted = new LinkedHashMap<>();
    List<CertificateBag> others = new ArrayList<>();
    KeyMaterial key = null;
    String keyAlias = null;
    byte[] keyId = null;
    for (PKCS12SafeBag bag : bags) {
      SafeBag safeBag = bag.toASN1Structure();
      ASN1ObjectIdentifier type = safeBag.getBagId();
      try {
        Attributes attributes = Attributes.of(bag.getAttributes());
        if (type.equals(PKCSObjectIdentifiers.certBag)) {
          CertBag certBag = CertBag.getInstance(safeBag.getBagValue());
          if (!certBag.getCertId().equals(PKCSObjectIdentifiers.x509Certificate)) {
            continue; // an SDSI certificate: nothing hostpki or the JDK uses
          }
          byte[] der = ASN1OctetString.getInstance(certBag.getCertValue()).getOctets();
          if (attributes.trusted && attributes.localKeyId == null) {
            String alias =
                attributes.friendlyName != null
                    ? attributes.friendlyName
                    : Fingerprint.sha256(der).hex();
            trusted.put(alias, Fingerprint.sha256(der));
          } else {
            others.add(new CertificateBag(der, attributes.localKeyId));
          }
        } else if (key == null && type.equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
          PKCS8EncryptedPrivateKeyInfo shrouded = (PKCS8EncryptedPrivateKeyInfo) bag.getBagValue();
          encryptions.add(shrouded.getEncryptionAlgorithm());
          checkIterations(shrouded.getEncryptionAlgorithm());
          key = KeyMaterial.fromPrivateKeyInfo(shrouded.decryptPrivateKeyInfo(decryptor));
          keyAlias = attributes.friendlyName;
          keyId = attributes.localKeyId;
        } else if (key == null && type.equals(PKCSObjectIdentifiers.keyBag)) {
          key = KeyMaterial.fromPrivateKeyInfo(PrivateKeyInfo.getInstance(safeBag.getBagValue()));
          keyAlias = attributes.friendlyName;
          keyId = attributes.localKeyId;
        }
      } catch (PKCSException e) {
        failDecryption(macChecked, e);
      } catch (RuntimeException e) {
        throw new InvalidMaterialException("holds a malformed bag: " + Der.reason(e), e);
      }
    }
    Optional<Pkcs12Facts.KeyEntry> keyEntry = Optional.empty();
    if (key != null) {
      keyEntry =
          Optional.of(
              new Pkcs12Facts.KeyEntry(
                  keyAlias == null ? "" : keyAlias,
                  key.facts().publicKeyFingerprint(),
                  chain(key, keyId, others)));
    }
    return new Pkcs12Facts(
        keyEntry, trusted, profileOf(encryptions, pfx), pfx.hasMac() || !encryptions.isEmpty());
  }

  /**
   * The facts {@link #read} returns for the bytes {@link #keyStore} makes from these arguments,
   * computed from the arguments, without a key derivation or a decryption.
   */
  public static Pkcs12Facts keyStoreFacts(
      String alias, KeyMaterial key, List<Certificate> chain, Pkcs12Profile profile) {
    requireAlias(alias);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a key entry needs its certificate chain");
    }
    // The file holds the chain in this order; the leaf is the one bag with the key's localKeyId.
    return new Pkcs12Facts(
        Optional.of(
            new Pkcs12Facts.KeyEntry(
                alias, key.facts().publicKeyFingerprint(), fingerprints(walk(chain.get(0), chain)))),
        Map.of(),
        profile);
  }

  /**
   * The facts {@link #read} returns for the bytes {@link #trustStore} makes from these arguments,
   * computed from the arguments, without a key derivation or a decryption.
   */
  public static Pkcs12Facts trustStoreFacts(
      SortedMap<String, Certificate> entries, Pkcs12Profile profile) {
    Map<String, Fingerprint> trusted = new LinkedHashMap<>();
    entries.forEach((alias, certificate) -> trusted.put(alias, certificate.fingerprint()));
    return new Pkcs12Facts(Optional.empty(), trusted, profile);
  }

  /** The key's chain, leaf first: the leaf by localKeyId (or public key), then its issuers. */
  private static List<Fingerprint> chain(KeyMaterial key, byte[] keyId, List<CertificateBag> bags)
      throws InvalidMaterialException {
    List<Certificate> certificates = new ArrayList<>();
    Certificate leaf = null;
    for (CertificateBag bag : bags) {
      Certificate certificate;
      try {
        certificate = Certificate.fromDer(bag.der);
      } catch (InvalidMaterialException e) {
        throw new InvalidMaterialException("holds a certificate that " + e.getMessage(), e);
      }
      certificates.add(certificate);
      if (leaf == null && keyId != null && Arrays.equals(keyId, bag.localKeyId)) {
        leaf = certificate;
      }
    }
    if (leaf == null) {
      leaf = certificates.stream().filter(key::matches).findFirst().orElse(null);
    }
    return fingerprints(walk(leaf, certificates));
  }

  private static List<Fingerprint> fingerprints(List<Certificate> certificates) {
    return certificates.stream().map(Certificate::fingerprint).toList();
  }

  /** From the leaf up through the certificates, by issuer name, to a self-issued one or a gap. */
  static List<Certificate> walk(Certificate leaf, List<Certificate> certificates) {
    List<Certificate> chain = new ArrayList<>();
    Certificate current = leaf;
    while (current != null && chain.size() <= certificates.size()) {
      chain.add(current);
      if (current.holder().getIssuer().equals(current.holder().getSubject())) {
        break;
      }
      Certificate child = current;
      current =
          certificates.stream()
              .filter(c -> !c.equals(child))
              .filter(c -> c.holder().getSubject().equals(child.holder().getIssuer()))
              .findFirst()
              .orElse(null);
    }
    return chain;
  }

  static Pkcs12Profile profileOf(List<AlgorithmIdentifier> encryptions, PKCS12PfxPdu pfx) {
    boolean allPbes2 =
        encryptions.stream().allMatch(a -> a.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2));
    AlgorithmIdentifier mac = pfx.getMacAlgorithmID();
    boolean weakMac =
        mac != null
            && (mac.getAlgorithm().equals(OIWObjectIdentifiers.idSHA1)
                || mac.getAlgorithm().equals(PKCSObjectIdentifiers.md5));
    return allPbes2 && !weakMac ? Pkcs12Profile.MODERN : Pkcs12Profile.LEGACY;
  }

  /** Checks the MAC; false when the file has none (then decryption tells a wrong password). */
  private static boolean checkMac(PKCS12PfxPdu pfx, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    if (!pfx.hasMac()) {
      return false;
    }
    MacData macData = pfx.toASN1Structure().getMacData();
    BigInteger iterations = macData.getIterationCount();
    if (iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
      throw new InvalidMaterialException(
          "asks for " + iterations + " MAC iterations, more than the limit of " + MAX_ITERATIONS);
    }
    boolean valid;
    try {
      valid =
          pfx.isMacValid(
              new BcPKCS12MacCalculatorBuilderProvider(BcDefaultDigestProvider.INSTANCE), password);
    } catch (PKCSException | RuntimeException e) {
      throw new InvalidMaterialException(
          "has a MAC hostpki cannot check ("
              + pfx.getMacAlgorithmID().getAlgorithm().getId()
              + "): "
              + Der.reason(e),
          e);
    }
    if (!valid) {
      throw new WrongPasswordException(
          "cannot be opened with this password: the integrity check failed (a wrong password, or"
              + " the file was altered)");
    }
    return true;
  }

  /** Refuses an encryption that asks for more than {@link #MAX_ITERATIONS} key derivations. */
  static void checkIterations(AlgorithmIdentifier encryption)
      throws InvalidMaterialException {
    ASN1Encodable parameters = encryption.getParameters();
    BigInteger iterations = null;
    try {
      if (encryption.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) {
        org.bouncycastle.asn1.pkcs.PBES2Parameters pbes2 =
            org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(parameters);
        if (pbes2.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
          iterations =
              org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(
                      pbes2.getKeyDerivationFunc().getParameters())
                  .getIterationCount();
        }
      } else if (parameters != null) {
        iterations =
            org.bouncycastle.asn1.pkcs.PKCS12PBEParams.getInstance(parameters).getIterations();
      }
    } catch (RuntimeException e) {
      throw new InvalidMaterialException(
          "has malformed encryption parameters: " + Der.reason(e), e);
    }
    if (iterations != null && iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
      throw new InvalidMaterialException(
          "asks for "
              + iterations
              + " key derivation iterations, more than the limit of "
              + MAX_ITERATIONS);
    }
  }

  /** Always throws: after a valid MAC the file is corrupt, without one the password is wrong. */
  static void failDecryption(boolean macChecked, PKCSException e)
      throws InvalidMaterialException, WrongPasswordException {
    if (macChecked) {
      throw new InvalidMaterialException(
          "cannot be decrypted although its MAC is valid: " + Der.reason(e), e);
    }
    throw new WrongPasswordException(
        "cannot be decrypted with this password (a wrong password, or the file was altered)");
  }

  private static OutputEncryptor encryptor(
      Pkcs12Profile profile, char[] password, SecureRandom random) {
    return PasswordEncryption.encryptor(
        profile,
        password,
        profile == Pkcs12Profile.MODERN ? MODERN_ITERATIONS : LEGACY_ITERATIONS,
        random);
  }

  private static PKCS12MacCalculatorBuilder mac(Pkcs12Profile profile) {
    if (profile == Pkcs12Profile.MODERN) {
      return new BcPKCS12MacCalculatorBuilder(
              new SHA256Digest(),
              new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE))
          .setIterationCount(MODERN_ITERATIONS);
    }
    return new BcPKCS12MacCalculatorBuilder().setIterationCount(LEGACY_ITERATIONS);
  }

  static PKCS12SafeBag certificateBag(Certificate certificate, Attribute... attributes) {
    // Built from the DER directly: no re-encoding of the certificate, which matters at 100,000.
    CertBag bag =
        new CertBag(
            PKCSObjectIdentifiers.x509Certificate, new DEROctetString(certificate.derUnsafe()));
    SafeBag safeBag =
        attributes.length == 0
            ? new SafeBag(PKCSObjectIdentifiers.certBag, bag)
            : new SafeBag(PKCSObjectIdentifiers.certBag, bag, new DERSet(attributes));
    return new PKCS12SafeBag(safeBag);
  }

  static Attribute friendlyName(String alias) {
    return new Attribute(
        PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(alias)));
  }

  private static void requireAlias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#12 alias must not be empty");
    }
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  record CertificateBag(byte[] der, byte[] localKeyId) {}

  /** The bag attributes hostpki reads. */
  record Attributes(String friendlyName, byte[] localKeyId, boolean trusted) {
    static Attributes of(Attribute[] attributes) {
      String friendlyName = null;
      byte[] localKeyId = null;
      boolean trusted = false;
      for (Attribute attribute : attributes == null ? new Attribute[0] : attributes) {
        ASN1ObjectIdentifier type = attribute.getAttrType();
        if (attribute.getAttrValues().size() == 0) {
          continue;
        }
        ASN1Encodable value = attribute.getAttrValues().getObjectAt(0);
        if (type.equals(PKCSObjectIdentifiers.pkcs_9_at_friendlyName)
            && value instanceof ASN1String s) {
          friendlyName = s.getString();
        } else if (type.equals(PKCSObjectIdentifiers.pkcs_9_at_localKeyId)
            && value instanceof ASN1OctetString octets) {
          localKeyId = octets.getOctets();
        } else if (type.equals(JDK_TRUSTED_KEY_USAGE)) {
          trusted = true;
        }
      }
      return new Attributes(friendlyName, localKeyId, trusted);
    }
  }
}
