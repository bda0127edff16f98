package org.hostpki.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;

/** Certification requests for tests: the kind hostpki writes, and kinds it must refuse. */
public final class TestRequests {
  private TestRequests() {}

  /** A request as a member's hostpki writes it (PEM), with no subject but the first DNS name. */
  public static byte[] pem(KeyMaterial key, List<String> dnsNames, List<InetAddress> addresses) {
    return CertificationRequest.create(Subject.empty(), dnsNames, addresses, false, key, TestKeys.RANDOM);
  }

  public static byte[] pem(
      KeyMaterial key, Subject subject, List<String> dnsNames, List<InetAddress> addresses, boolean clientAuth) {
    return CertificationRequest.create(subject, dnsNames, addresses, clientAuth, key, TestKeys.RANDOM);
  }

  /** For a new EC P-256 key. */
  public static byte[] pem(String... dnsNames) {
    return pem(TestKeys.freshEc(), List.of(dnsNames), List.of());
  }

  /** The DER of a request with the last byte of its signature changed. */
  public static byte[] withBadSignature(byte[] pem) throws InvalidMaterialException {
    byte[] der = CertificationRequest.parse(pem).der();
    byte[] bad = Arrays.copyOf(der, der.length);
    bad[bad.length - 1] ^= 0x01;
    return bad;
  }

  /** A DER request made with the JDK's own keys: any algorithm, any SANs (or none), no CN when null. */
  public static byte[] jca(String keyAlgorithm, int keySize, String signatureAlgorithm, String cn, String... dnsNames)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
    if (keySize > 0) {
      generator.initialize(keySize, TestKeys.RANDOM);
    }
    KeyPair pair = generator.generateKeyPair();
    JcaPKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(new X500Principal(cn == null ? "" : "CN=" + cn), pair.getPublic());
    if (dnsNames.length > 0) {
      List<GeneralName> names = new ArrayList<>();
      for (String name : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, name));
      }
      builder.addAttribute(
          PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
          new Extensions(
              Extension.create(
                  Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))));
    }
    return builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())).getEncoded();
  }

  /** A PEM request for the names with exactly these extended key usages. */
  public static byte[] jcaWithUsages(List<String> dnsNames, org.bouncycastle.asn1.x509.KeyPurposeId... usages) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256, TestKeys.RANDOM);
      KeyPair pair = generator.generateKeyPair();
      List<GeneralName> names = new ArrayList<>();
      for (String name : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, name));
      }
      byte[] der =
          new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + dnsNames.get(0)), pair.getPublic())
              .addAttribute(
                  PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                  new Extensions(
                      new Extension[] {
                        Extension.create(
                            Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new))),
                        Extension.create(
                            Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(usages))
                      }))
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
              .getEncoded();
      return der;
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new AssertionError(e);
    }
  }

  /** A PEM request for an EC P-256 key asking for exactly these extensions (a CN when not null). */
  public static byte[] jcaWithExtensions(String cn, Extension... extensions) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256, TestKeys.RANDOM);
      KeyPair pair = generator.generateKeyPair();
      return new JcaPKCS10CertificationRequestBuilder(new X500Principal(cn == null ? "" : "CN=" + cn), pair.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new Extensions(extensions))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
          .getEncoded();
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new AssertionError(e);
    }
  }

  /** An address literal (no DNS). */
  public static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
