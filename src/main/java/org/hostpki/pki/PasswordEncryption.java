package org.hostpki.pki;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.io.CipherInputStream;
import org.bouncycastle.crypto.io.CipherOutputStream;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.InputDecryptor;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.hostpki.model.Pkcs12Profile;

/**
 * The password-based encryption of PKCS#12 bags, with BouncyCastle's lightweight API: the two
 * schemes hostpki writes need no JCA provider, whose construction costs a cold start more CPU
 * than the encryption itself. The output is what the JCA path wrote before (same structures,
 * same parameters); files in any other scheme are read through the provider, as before.
 *
 * <ul>
 *   <li>PBES2: PBKDF2 (HMAC-SHA-1/224/256/384/512, password as UTF-8) with AES-CBC (128, 192 or
 *       256 bits) and PKCS#7 padding, as RFC 8018; writes PBKDF2-HMAC-SHA256 and AES-256.
 *   <li>pbeWithSHAAnd3-KeyTripleDES-CBC: the PKCS#12 key derivation (RFC 7292 appendix B, the
 *       password as BMPString) with SHA-1.
 * </ul>
 */
final class PasswordEncryption {
  private PasswordEncryption() {}

  /** Salt of PBKDF2 and of the PKCS#12 derivation: what the JCA builder used. */
  static final int PBES2_SALT_LENGTH = 16;

  static final int PKCS12_SALT_LENGTH = 20;

  private static final int AES_BLOCK = 16;

  /** An encryptor for one bag or SafeContents, with a fresh salt (and IV). */
  static OutputEncryptor encryptor(
      Pkcs12Profile profile, char[] password, int iterations, SecureRandom random) {
    if (profile == Pkcs12Profile.MODERN) {
      byte[] salt = new byte[PBES2_SALT_LENGTH];
      random.nextBytes(salt);
      byte[] iv = new byte[AES_BLOCK];
      random.nextBytes(iv);
      AlgorithmIdentifier prf =
          new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
      AlgorithmIdentifier algorithm =
          new AlgorithmIdentifier(
              PKCSObjectIdentifiers.id_PBES2,
              new PBES2Parameters(
                  new KeyDerivationFunc(
                      PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, iterations, prf)),
                  new EncryptionScheme(
                      NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv))));
      KeyParameter key = pbkdf2(password, salt, iterations, new SHA256Digest(), 256);
      return encryptor(algorithm, new AESEngine(), new ParametersWithIV(key, iv), key.getKey());
    }
    byte[] salt = new byte[PKCS12_SALT_LENGTH];
    random.nextBytes(salt);
    AlgorithmIdentifier algorithm =
        new AlgorithmIdentifier(
            PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
            new PKCS12PBEParams(salt, iterations));
    ParametersWithIV parameters = tripleDes(password, salt, iterations);
    return encryptor(
        algorithm,
        new DESedeEngine(),
        parameters,
        ((KeyParameter) parameters.getParameters()).getKey());
  }

  /**
   * Decrypts the schemes above without a provider, anything else with the provider {@code
   * fallback} gives (made only then).
   */
  static InputDecryptorProvider decryptor(char[] password, Supplier<Provider> fallback) {
    return algorithm -> {
      BufferedBlockCipher cipher = lightweightCipher(algorithm, password);
      if (cipher == null) {
        return new JcePKCSPBEInputDecryptorProviderBuilder()
            .setProvider(fallback.get())
            .build(password)
            .get(algorithm);
      }
      return new InputDecryptor() {
        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
          return algorithm;
        }

        @Override
        public InputStream getInputStream(InputStream encrypted) {
          return new CipherInputStream(encrypted, cipher);
        }
      };
    };
  }

  /** A cipher set up to decrypt, or null when this class does not do the scheme. */
  private static BufferedBlockCipher lightweightCipher(
      AlgorithmIdentifier algorithm, char[] password) throws OperatorCreationException {
    ASN1ObjectIdentifier scheme = algorithm.getAlgorithm();
    try {
      if (scheme.equals(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)) {
        PKCS12PBEParams params = PKCS12PBEParams.getInstance(algorithm.getParameters());
        return cipher(
            false,
            new DESedeEngine(),
            tripleDes(password, params.getIV(), params.getIterations().intValueExact()));
      }
      if (!scheme.equals(PKCSObjectIdentifiers.id_PBES2)) {
        return null;
      }
      PBES2Parameters pbes2 = PBES2Parameters.getInstance(algorithm.getParameters());
      if (!pbes2.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
        return null;
      }
      PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
      Digest prf = digestOf(kdf.getPrf());
      int keyBits = aesKeyBits(pbes2.getEncryptionScheme().getAlgorithm());
      if (prf == null || keyBits == 0) {
        return null;
      }
      if (kdf.getKeyLength() != null && kdf.getKeyLength().intValueExact() * 8 != keyBits) {
        return null; // inconsistent: left to the provider, which reports it as it did
      }
      byte[] iv =
          ASN1OctetString.getInstance(pbes2.getEncryptionScheme().getParameters()).getOctets();
      if (iv.length != AES_BLOCK) {
        return null;
      }
      KeyParameter key =
          pbkdf2(password, kdf.getSalt(), kdf.getIterationCount().intValueExact(), prf, keyBits);
      return cipher(false, new AESEngine(), new ParametersWithIV(key, iv));
    } catch (RuntimeException e) {
      throw new OperatorCreationException("malformed encryption parameters: " + e.getMessage(), e);
    }
  }

  private static Digest digestOf(AlgorithmIdentifier prf) {
    ASN1ObjectIdentifier id = prf.getAlgorithm();
    if (id.equals(PKCSObjectIdentifiers.id_hmacWithSHA1)) {
      return new SHA1Digest();
    } else if (id.equals(PKCSObjectIdentifiers.id_hmacWithSHA224)) {
      return new SHA224Digest();
    } else if (id.equals(PKCSObjectIdentifiers.id_hmacWithSHA256)) {
      return new SHA256Digest();
    } else if (id.equals(PKCSObjectIdentifiers.id_hmacWithSHA384)) {
      return new SHA384Digest();
    } else if (id.equals(PKCSObjectIdentifiers.id_hmacWithSHA512)) {
      return new SHA512Digest();
    }
    return null;
  }

  private static int aesKeyBits(ASN1ObjectIdentifier cipher) {
    if (cipher.equals(NISTObjectIdentifiers.id_aes128_CBC)) {
      return 128;
    } else if (cipher.equals(NISTObjectIdentifiers.id_aes192_CBC)) {
      return 192;
    } else if (cipher.equals(NISTObjectIdentifiers.id_aes256_CBC)) {
      return 256;
    }
    return 0;
  }

  private static KeyParameter pbkdf2(
      char[] password, byte[] salt, int iterations, Digest prf, int keyBits) {
    PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(prf);
    generator.init(PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(password), salt, iterations);
    return (KeyParameter) generator.generateDerivedParameters(keyBits);
  }

  private static ParametersWithIV tripleDes(char[] password, byte[] salt, int iterations) {
    PKCS12ParametersGenerator generator = new PKCS12ParametersGenerator(new SHA1Digest());
    generator.init(PBEParametersGenerator.PKCS12PasswordToBytes(password), salt, iterations);
    return (ParametersWithIV) generator.generateDerivedParameters(192, 64);
  }

  private static BufferedBlockCipher cipher(
      boolean encrypt, BlockCipher engine, CipherParameters parameters) {
    PaddedBufferedBlockCipher cipher =
        new PaddedBufferedBlockCipher(CBCBlockCipher.newInstance(engine), new PKCS7Padding());
    cipher.init(encrypt, parameters);
    return cipher;
  }

  private static OutputEncryptor encryptor(
      AlgorithmIdentifier algorithm, BlockCipher engine, CipherParameters parameters, byte[] key) {
    BufferedBlockCipher cipher = cipher(true, engine, parameters);
    return new OutputEncryptor() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
      }

      @Override
      public OutputStream getOutputStream(OutputStream out) {
        return new CipherOutputStream(out, cipher);
      }

      @Override
      public GenericKey getKey() {
        return new GenericKey(algorithm, key);
      }
    };
  }
}
