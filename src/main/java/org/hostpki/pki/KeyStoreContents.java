package org.hostpki.pki;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.CertBag;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.Pkcs12Profile;

/**
 * Everything a key store (PKCS#12 or JKS) holds, as {@code openssl pkcs12 -info} and {@code keytool
 * -list} list it, for {@code hostpki inspect}: each private key (only its public facts) with its
 * certificate chain, and every other certificate with its alias and whether it is a JDK trusted
 * certificate entry. Read with its password, through the same checks as the store's own files
 * ({@link Pkcs12#read}, {@link JavaKeyStore#read}).
 *
 * @param keys the private key entries, in file order (JKS: by alias)
 * @param certificates the certificates that are in no key's chain, in file order (JKS: by alias)
 * @param profile a PKCS#12 file's profile; empty for JKS and for PKCS#12 without a password (no
 *     MAC, nothing encrypted)
 */
public record KeyStoreContents(
    List<KeyEntry> keys, List<CertificateEntry> certificates, Optional<Pkcs12Profile> profile) {

  public KeyStoreContents {
    keys = List.copyOf(keys);
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(profile, "profile");
  }

  /**
   * A private key entry.
   *
   * @param alias its friendlyName, when it has one
   * @param key the key's kind and public key fingerprint (the key itself is never kept)
   * @param chain its certificate, then the issuers found in the file; empty when the file holds
   *     no certificate for the key
   */
  public record KeyEntry(Optional<String> alias, KeyFacts key, List<Certificate> chain) {
    public KeyEntry {
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(key, "key");
      chain = List.copyOf(chain);
    }
  }

  /**
   * A certificate that belongs to no key entry.
   *
   * @param alias its friendlyName, when it has one
   * @param trusted whether it carries the attribute that makes the JDK read it as a trusted
   *     certificate entry
   */
  public record CertificateEntry(Optional<String> alias, boolean trusted, Certificate certificate) {
    public CertificateEntry {
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /**
   * Reads a PKCS#12 file.
   *
   * @throws WrongPasswordException when the MAC (or, without one, the decryption) fails
   * @throws InvalidMaterialException when the bytes are not a PKCS#12 file hostpki can read
   */
  public static KeyStoreContents read(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    Pkcs12.Opened opened = Pkcs12.open(data, password);
    record Key(Optional<String> alias, byte[] localKeyId, KeyMaterial key) {}
    record Bag(Optional<String> alias, byte[] localKeyId, boolean trusted, Certificate certificate) {}
    List<Key> keys = new ArrayList<>();
    List<Bag> bags = new ArrayList<>();
    for (PKCS12SafeBag bag : opened.bags()) {
      SafeBag safeBag = bag.toASN1Structure();
      ASN1ObjectIdentifier type = safeBag.getBagId();
      try {
        Pkcs12.Attributes attributes = Pkcs12.Attributes.of(bag.getAttributes());
        Optional<String> alias = Optional.ofNullable(attributes.friendlyName());
        if (type.equals(PKCSObjectIdentifiers.certBag)) {
          CertBag certBag = CertBag.getInstance(safeBag.getBagValue());
          if (certBag.getCertId().equals(PKCSObjectIdentifiers.x509Certificate)) {
            byte[] der = ASN1OctetString.getInstance(certBag.getCertValue()).getOctets();
            bags.add(new Bag(alias, attributes.localKeyId(), attributes.trusted(), certificate(der)));
          }
        } else if (type.equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
          PKCS8EncryptedPrivateKeyInfo shrouded = (PKCS8EncryptedPrivateKeyInfo) bag.getBagValue();
          opened.encryptions().add(shrouded.getEncryptionAlgorithm());
          Pkcs12.checkIterations(shrouded.getEncryptionAlgorithm());
          keys.add(
              new Key(
                  alias, attributes.localKeyId(),
                  KeyMaterial.fromPrivateKeyInfo(shrouded.decryptPrivateKeyInfo(opened.decryptor()))));
        } else if (type.equals(PKCSObjectIdentifiers.keyBag)) {
          keys.add(
              new Key(
                  alias, attributes.localKeyId(),
                  KeyMaterial.fromPrivateKeyInfo(PrivateKeyInfo.getInstance(safeBag.getBagValue()))));
        }
      } catch (PKCSException e) {
        Pkcs12.failDecryption(opened.macChecked(), e);
      } catch (RuntimeException e) {
        throw new InvalidMaterialException("holds a malformed bag: " + Der.reason(e), e);
      }
    }
    List<Certificate> all = bags.stream().map(Bag::certificate).toList();
    Set<Certificate> inChains = new LinkedHashSet<>();
    List<KeyEntry> keyEntries = new ArrayList<>();
    for (Key key : keys) {
      Certificate leaf =
          bags.stream()
              .filter(b -> key.localKeyId() != null && Arrays.equals(key.localKeyId(), b.localKeyId()))
              .map(Bag::certificate)
              .findFirst()
              .or(() -> all.stream().filter(key.key()::matches).findFirst())
              .orElse(null);
      List<Certificate> chain = Pkcs12.walk(leaf, all);
      inChains.addAll(chain);
      keyEntries.add(new KeyEntry(key.alias(), key.key().facts(), chain));
    }
    List<CertificateEntry> others = new ArrayList<>();
    for (Bag bag : bags) {
      if (!inChains.contains(bag.certificate())) {
        others.add(new CertificateEntry(bag.alias(), bag.trusted(), bag.certificate()));
      }
    }
    boolean unprotected = opened.encryptions().isEmpty() && !opened.pfx().hasMac();
    return new KeyStoreContents(
        keyEntries, others,
        unprotected ? Optional.empty() : Optional.of(Pkcs12.profileOf(opened.encryptions(), opened.pfx())));
  }

  private static Certificate certificate(byte[] der) throws InvalidMaterialException {
    try {
      return Certificate.fromDer(der);
    } catch (InvalidMaterialException e) {
      throw new InvalidMaterialException("holds a certificate that " + e.getMessage(), e);
    }
  }
}
