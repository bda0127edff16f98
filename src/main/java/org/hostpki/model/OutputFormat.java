package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What an output file holds and how it is encoded: the closed set of {@code outputs[].format}
 * values, each with its own options.
 */
public sealed interface OutputFormat {

  /** The {@code format} value in a desired-state file. */
  String yamlName();

  /**
   * The private key, the server certificate and its chain in one PEM file, in that order (HAProxy's
   * {@code crt}, stunnel's {@code cert}); the chain is the one of {@code server-fullchain.crt}.
   *
   * @param keyFile where the key goes instead, as a file of its own: HAProxy loads {@code
   *     CRT.key} when the {@code crt} file holds no key; empty: the key is in the file
   */
  record CombinedPem(Optional<String> keyFile) implements OutputFormat {
    public CombinedPem {
      Objects.requireNonNull(keyFile, "keyFile");
    }

    @Override
    public String yamlName() {
      return "combined-pem";
    }
  }

  /**
   * The server's private key alone, as PEM.
   *
   * @param encrypted PKCS#8 encrypted with the store password (PBES2: PBKDF2-HMAC-SHA256,
   *     AES-256-CBC); only with {@link KeyEncoding#PKCS8}
   */
  record Key(KeyEncoding encoding, boolean encrypted) implements OutputFormat {
    public Key {
      Objects.requireNonNull(encoding, "encoding");
      if (encrypted && encoding != KeyEncoding.PKCS8) {
        throw new IllegalArgumentException("only PKCS#8 keys are encrypted, not " + encoding);
      }
    }

    @Override
    public String yamlName() {
      return "key";
    }
  }

  /**
   * A PKCS#12 file with one key entry: the key and its chain.
   *
   * @param alias the entry's friendly name
   * @param passwordProtected encrypted and MAC-protected with the store password; false: {@code
   *     password: none}, readable by anyone who can read the file
   * @param profile the encryption profile; empty: {@code store.pkcs12Profile}
   */
  record Pkcs12(String alias, boolean passwordProtected, Optional<Pkcs12Profile> profile)
      implements OutputFormat {
    public Pkcs12 {
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(profile, "profile");
    }

    @Override
    public String yamlName() {
      return "pkcs12";
    }
  }

  /**
   * A Java KeyStore (JKS) with one key entry, protected with the store password, for readers that
   * predate PKCS#12 key stores (Java 8 and older).
   *
   * @param alias the entry's alias, lower case (JKS folds aliases to lower case)
   */
  record Jks(String alias) implements OutputFormat {
    public Jks {
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public String yamlName() {
      return "jks";
    }
  }

  /** One certificate as DER: the server certificate or the internal CA. */
  record Der(CertificateChoice certificate) implements OutputFormat {
    public Der {
      Objects.requireNonNull(certificate, "certificate");
    }

    @Override
    public String yamlName() {
      return "der";
    }
  }

  /** Which certificate a {@link Der} output holds. */
  enum CertificateChoice {
    /** The server (leaf) certificate, {@code server.crt}. */
    SERVER("server"),
    /** The internal CA, {@code ca.crt}. */
    CA("ca");

    private final String yamlName;

    CertificateChoice(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
