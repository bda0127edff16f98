package org.hostpki.pki;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hostpki.model.Fingerprint;

/**
 * A Java KeyStore (JKS) file with one private key entry, for Java 8 and older readers and the
 * applications configured for {@code keystoreType=JKS}.
 *
 * <p>Written here rather than through the JDK's {@code KeyStore}, byte for byte the format the JDK
 * writes ({@code sun.security.provider.JavaKeyStore}: magic {@code FEEDFEED}, version 2, the key
 * protected with Sun's key protector, a keyed SHA-1 over the whole), for one reason: the JDK stamps
 * each entry with the time of writing and salts the key from its own random source, so the same
 * key, chain and password would give different bytes at every write. Here the entry's date is the
 * server certificate's notBefore and the salt comes from the caller's {@link SecureRandom}: the
 * bytes are a function of the input. (The store still compares a JKS file by what it holds, {@link
 * Facts}, since a new salt each write is what a password-protected file should have.) Files are
 * read with the JDK's own {@code KeyStore}, so what this class writes is checked by the reader
 * Java services use.
 *
 * <p>The JKS key protection is weak by design (iterated SHA-1, no work factor): a JKS file is as
 * secret as its mode makes it, whatever the password.
 */
public final class JavaKeyStore {
  private static final int MAGIC = 0xfeedfeed;
  private static final int VERSION = 2;
  private static final int PRIVATE_KEY_ENTRY = 1;
  private static final int SALT_LENGTH = 20;
  /** Sun's proprietary key protection algorithm, the only one JKS files use. */
  private static final ASN1ObjectIdentifier KEY_PROTECTOR = new ASN1ObjectIdentifier("1.3.6.1.4.1.42.2.17.1.1");

  private JavaKeyStore() {}

  /**
   * What a JKS file holds.
   *
   * @param alias the key entry's alias (lower case, as JKS keeps it)
   * @param key the private key
   * @param chain the entry's certificate chain's fingerprints, leaf first
   */
  public record Facts(String alias, KeyMaterial key, List<Fingerprint> chain) {
    public Facts {
      chain = List.copyOf(chain);
    }
  }

  /** Whether the bytes start like a JKS file. */
  public static boolean isJks(byte[] data) {
    return data.length >= 4
        && (((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff)) == MAGIC;
  }

  /**
   * A JKS file with one private key entry: the key and its chain (leaf first), the key protected
   * with {@code password}, which also keys the file's integrity check.
   *
   * @param alias folded to lower case, as the JDK does
   * @throws IllegalArgumentException for an empty alias or chain, or a chain that does not certify
   *     the key
   */
  public static byte[] write(
      String alias, KeyMaterial key, List<Certificate> chain, char[] password, SecureRandom random) {
    Objects.requireNonNull(password, "password");
    if (alias == null || alias.isEmpty()) {
      throw new IllegalArgumentException("a JKS alias must not be empty");
    }
    if (chain.isEmpty() || !key.matches(chain.get(0))) {
      throw new IllegalArgumentException("the chain's first certificate must certify the key");
    }
    byte[] passwordBytes = passwordBytes(password);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(1);
      out.writeInt(PRIVATE_KEY_ENTRY);
      out.writeUTF(alias.toLowerCase(Locale.ENGLISH));
      out.writeLong(chain.get(0).facts().notBefore().toEpochMilli());
      byte[] protectedKey = protect(key.pkcs8Der(), passwordBytes, random);
      out.writeInt(protectedKey.length);
      out.write(protectedKey);
      out.writeInt(chain.size());
      for (Certificate certificate : chain) {
        byte[] der = certificate.derUnsafe();
        out.writeUTF("X.509");
        out.writeInt(der.length);
        out.write(der);
      }
      out.flush();
      MessageDigest integrity = sha1();
      integrity.update(passwordBytes);
      integrity.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
      integrity.update(bytes.toByteArray());
      out.write(integrity.digest());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    } finally {
      java.util.Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  /**
   * Reads a JKS file with the JDK's {@code KeyStore}: its integrity check with the password, then
   * its first private key entry (by alias order).
   *
   * @throws WrongPasswordException when the integrity check or the key's decryption fails
   * @throws InvalidMaterialException when the bytes are no JKS file, or hold no key entry hostpki
   *     reads
   */
  public static Facts read(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    KeyStore store = load(data, password);
    try {
      List<String> aliases = new ArrayList<>(Collections.list(store.aliases()));
      Collections.sort(aliases);
      for (String alias : aliases) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        Key key = store.getKey(alias, password);
        if (!(key instanceof PrivateKey)) {
          continue;
        }
        List<Fingerprint> chain = new ArrayList<>();
        for (java.security.cert.Certificate certificate : store.getCertificateChain(alias)) {
          chain.add(Fingerprint.sha256(certificate.getEncoded()));
        }
        return new Facts(
            alias, KeyMaterial.fromPrivateKeyInfo(PrivateKeyInfo.getInstance(key.getEncoded())), chain);
      }
    } catch (UnrecoverableKeyException e) {
      throw new WrongPasswordException("holds a key that cannot be decrypted with this password");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidMaterialException("holds an entry hostpki cannot read: " + e.getMessage(), e);
    }
    throw new InvalidMaterialException("holds no private key entry");
  }

  /**
   * Every entry of a JKS file, for {@code inspect}, after its integrity check with the password:
   * each key entry by its certificate chain (the key itself is not decrypted), each trusted
   * certificate entry, by alias.
   *
   * @throws WrongPasswordException when the integrity check fails
   * @throws InvalidMaterialException when the bytes are no JKS file hostpki can read
   */
  public static KeyStoreContents contents(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    KeyStore store = load(data, password);
    List<KeyStoreContents.KeyEntry> keys = new ArrayList<>();
    List<KeyStoreContents.CertificateEntry> others = new ArrayList<>();
    try {
      List<String> aliases = new ArrayList<>(Collections.list(store.aliases()));
      Collections.sort(aliases);
      for (String alias : aliases) {
        if (store.isKeyEntry(alias)) {
          java.security.cert.Certificate[] chain = store.getCertificateChain(alias);
          if (chain == null || chain.length == 0) {
            throw new InvalidMaterialException("holds the key entry '" + alias + "' without a certificate");
          }
          List<Certificate> certificates = new ArrayList<>();
          for (java.security.cert.Certificate c : chain) {
            certificates.add(Certificate.fromDer(c.getEncoded()));
          }
          keys.add(
              new KeyStoreContents.KeyEntry(
                  java.util.Optional.of(alias), certificates.get(0).facts().publicKey(), certificates));
        } else if (store.isCertificateEntry(alias)) {
          others.add(
              new KeyStoreContents.CertificateEntry(
                  java.util.Optional.of(alias), true, Certificate.fromDer(store.getCertificate(alias).getEncoded())));
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidMaterialException("holds an entry hostpki cannot read: " + e.getMessage(), e);
    }
    return new KeyStoreContents(keys, others, java.util.Optional.empty());
  }

  /** The JDK's reading of a JKS file, its integrity checked with the password. */
  private static KeyStore load(byte[] data, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    if (!isJks(data)) {
      throw new InvalidMaterialException("is not a JKS file (it does not start with FEEDFEED)");
    }
    try {
      KeyStore store = KeyStore.getInstance("JKS");
      store.load(new ByteArrayInputStream(data), password);
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new WrongPasswordException(
            "cannot be opened with this password: the integrity check failed (a wrong password, or"
                + " the file was altered)");
      }
      throw new InvalidMaterialException("is not a valid JKS file: " + reason(e), e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidMaterialException("is not a valid JKS file: " + reason(e), e);
    }
  }

  /** Why the JDK could not read it, never empty: its readers throw EOFException without words. */
  private static String reason(Exception e) {
    if (e instanceof java.io.EOFException) {
      return "it is cut short";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /**
   * Sun's key protector: the key XOR a keystream of chained SHA-1 digests over the password and a
   * salt, followed by a SHA-1 of password and key as its check.
   */
  private static byte[] protect(byte[] plainKey, byte[] passwordBytes, SecureRandom random) {
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    MessageDigest md = sha1();
    byte[] encrypted = new byte[plainKey.length];
    byte[] digest = salt;
    for (int offset = 0; offset < plainKey.length; offset += digest.length) {
      md.update(passwordBytes);
      md.update(digest);
      digest = md.digest();
      for (int i = 0; i < digest.length && offset + i < plainKey.length; i++) {
        encrypted[offset + i] = (byte) (plainKey[offset + i] ^ digest[i]);
      }
    }
    md.update(passwordBytes);
    md.update(plainKey);
    byte[] check = md.digest();
    byte[] protectedKey = new byte[salt.length + encrypted.length + check.length];
    System.arraycopy(salt, 0, protectedKey, 0, salt.length);
    System.arraycopy(encrypted, 0, protectedKey, salt.length, encrypted.length);
    System.arraycopy(check, 0, protectedKey, salt.length + encrypted.length, check.length);
    try {
      return new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(KEY_PROTECTOR, DERNull.INSTANCE), protectedKey)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a protected key cannot fail", e);
    }
  }

  /** The password as the JDK's JKS code takes it: each char as two bytes, big-endian. */
  private static byte[] passwordBytes(char[] password) {
    byte[] bytes = new byte[password.length * 2];
    for (int i = 0, j = 0; i < password.length; i++) {
      bytes[j++] = (byte) (password[i] >> 8);
      bytes[j++] = (byte) password[i];
    }
    return bytes;
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
