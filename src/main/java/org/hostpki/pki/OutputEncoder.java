package org.hostpki.pki;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.Pkcs12Profile;

/**
 * Encodes the files of one declared output ({@code outputs:}) from the server's key and chain:
 * the bytes of each file by name. What the files hold is read back by {@link OutputReader}; for
 * every output, {@code OutputReader.facts(spec, encode(spec, ...), password)} equals {@link
 * OutputSpec#expectedFacts}, which is how a plan tells an output that is as declared from one that
 * must be written again without comparing bytes (encrypted files differ at every write).
 */
public final class OutputEncoder {
  private OutputEncoder() {}

  /**
   * What outputs are made of.
   *
   * @param key the server's private key
   * @param chain the server certificate's chain, leaf first, as {@code server-fullchain.crt}
   * @param ca the internal CA certificate ({@code ca.crt})
   */
  public record Material(KeyMaterial key, List<Certificate> chain, Certificate ca) {
    public Material {
      Objects.requireNonNull(key, "key");
      chain = List.copyOf(chain);
      Objects.requireNonNull(ca, "ca");
      if (chain.isEmpty() || !key.matches(chain.get(0))) {
        throw new IllegalArgumentException("the chain's first certificate must certify the key");
      }
    }
  }

  /**
   * The output's files by name: one, or two for a combined PEM with a {@code keyFile}.
   *
   * @param password the store password; needed for encrypted keys, password-protected PKCS#12 and
   *     JKS files (the desired state's check makes sure it is set for them)
   * @param storeProfile {@code store.pkcs12Profile}, for PKCS#12 outputs that name no profile
   * @throws IllegalArgumentException when the output needs a password and none is given, or its
   *     key encoding does not fit the key
   */
  public static SortedMap<String, byte[]> encode(
      OutputSpec spec,
      Material material,
      Optional<char[]> password,
      Pkcs12Profile storeProfile,
      SecureRandom random) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    OutputFormat format = spec.format();
    if (format instanceof OutputFormat.CombinedPem pem) {
      if (pem.keyFile().isPresent()) {
        files.put(spec.file(), CombinedPem.chainOnly(material.chain()));
        files.put(pem.keyFile().get(), material.key().pkcs8Pem());
      } else {
        files.put(spec.file(), CombinedPem.of(material.key(), material.chain()));
      }
    } else if (format instanceof OutputFormat.Key key) {
      files.put(
          spec.file(),
          key.encrypted()
              ? PrivateKeyPem.encrypted(material.key(), required(password, spec), random)
              : PrivateKeyPem.encode(material.key(), key.encoding()));
    } else if (format instanceof OutputFormat.Pkcs12 p12) {
      files.put(
          spec.file(),
          p12.passwordProtected()
              ? Pkcs12.keyStore(
                  p12.alias(), material.key(), material.chain(), required(password, spec),
                  p12.profile().orElse(storeProfile), random)
              : UnprotectedPkcs12.keyStore(p12.alias(), material.key(), material.chain(), random));
    } else if (format instanceof OutputFormat.Jks jks) {
      files.put(
          spec.file(),
          JavaKeyStore.write(jks.alias(), material.key(), material.chain(), required(password, spec), random));
    } else {
      OutputFormat.Der der = (OutputFormat.Der) format;
      files.put(
          spec.file(),
          der.certificate() == OutputFormat.CertificateChoice.CA ? material.ca().der() : material.chain().get(0).der());
    }
    return Collections.unmodifiableSortedMap(files);
  }

  private static char[] required(Optional<char[]> password, OutputSpec spec) {
    return password.orElseThrow(
        () -> new IllegalArgumentException("output " + spec.file() + " needs the store password"));
  }
}
