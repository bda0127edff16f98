package org.hostpki.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.TerminalText;

/**
 * What some clients refuse in a chain file that passed every check ({@code pki.ChainValidator}):
 * a warning when it is imported, not a refusal, as hostpki cannot know every client.
 *
 * <ul>
 *   <li>{@code chain-incomplete}: the file ends with an intermediate whose issuer is neither in it
 *       nor among the certificates this host trusts ({@code trust.certificates}, {@code
 *       trust.includeSystemRoots}). OpenSSL, curl, GnuTLS and Java build the chain only from what
 *       the server sends and their own store, so a client without that issuer fails ("unable to get
 *       local issuer certificate"); hostpki cannot tell a root clients have from an intermediate
 *       left out. certmonger and cert-manager serve what the CA returned and warn neither.
 *   <li>{@code chain-root-unnamed}: without {@code server.external.roots}, the file ends in a
 *       self-signed root that neither that nor the trusted certificates name: any root is accepted,
 *       a staging or test CA's chain copied by mistake too (found in a trial).
 *   <li>{@code chain-eddsa}: a CA of the chain signs with Ed25519 or Ed448. Chrome (ERR_CERT_INVALID,
 *       ERR_CERT_AUTHORITY_INVALID) and Firefox (NSS) verify only RSA and ECDSA signatures in
 *       certificates; OpenSSL, GnuTLS and Java accept them. As for an Ed25519 {@code server.key}.
 *   <li>{@code chain-ends-early}: a certificate of the chain (an intermediate, the root) expires
 *       before the leaf: every client refuses the chain from then on, and hostpki judges it by
 *       that date (found after the time trial: nothing said so at import).
 * </ul>
 */
final class ExternalChainWarnings {
  private ExternalChainWarnings() {}

  /**
   * @param trusted the certificates this host's desired state trusts
   * @param rootsNamed {@code server.external.roots} is set: the chain passed, so it ends in a root
   *     named there
   */
  static List<Warning> of(
      ExternalChainFile.Valid file, Collection<CertificateFacts> trusted, boolean rootsNamed) {
    List<Warning> warnings = new ArrayList<>();
    List<CertificateFacts> chain = file.chain();
    CertificateFacts top = chain.get(chain.size() - 1);
    if (!rootsNamed
        && chain.size() > 1
        && top.isSelfIssued()
        && trusted.stream().noneMatch(t -> sameRoot(top, t))) {
      warnings.add(
          new Warning(
              WarningCode.CHAIN_ROOT_UNNAMED,
              Address.SERVER,
              "the chain in " + file.path() + " ends in the root "
                  + TerminalText.escape(top.subjectDn()) + " (SHA-256 " + top.fingerprint().colonHex()
                  + "), which neither trust.certificates nor server.external.roots names: any root is"
                  + " accepted, a staging or test CA's too. If it is your CA's root, name its"
                  + " certificate in server.external.roots (then only chains ending in it are"
                  + " imported); if not, have server.csr signed by your CA"));
    }
    if (!rootsNamed && !top.isSelfIssued() && trusted.stream().noneMatch(t -> issued(top, t))) {
      warnings.add(
          new Warning(
              WarningCode.CHAIN_INCOMPLETE,
              Address.SERVER,
              "the chain in " + file.path() + " ends with " + top.subjectDn() + ", issued by "
                  + top.issuerDn() + ", which is neither in the file nor among the certificates"
                  + " this host trusts: clients that do not hold " + top.issuerDn() + " refuse the"
                  + " server ('unable to get local issuer certificate'). If it is an intermediate CA,"
                  + " append its certificate to the file; if it is the root your clients trust, append"
                  + " it too (hostpki checks the chain against it and does not serve it), or name it in"
                  + " server.external.roots or trust.certificates"));
    }
    List<String> eddsa = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      CertificateFacts c = chain.get(i);
      String algorithm = c.signatureAlgorithm().toUpperCase(Locale.ROOT);
      boolean root = i == chain.size() - 1 && c.isSelfIssued(); // no client checks its own signature
      if (!root && (algorithm.contains("ED25519") || algorithm.contains("ED448"))) {
        eddsa.add(c.issuerDn() + " (" + c.signatureAlgorithm() + ")");
      }
    }
    if (!eddsa.isEmpty()) {
      warnings.add(
          new Warning(
              WarningCode.CHAIN_EDDSA,
              Address.SERVER,
              "the chain in " + file.path() + " is signed with EdDSA by " + String.join(", ", eddsa)
                  + ": Chrome and Firefox verify only RSA and ECDSA signatures in certificates and"
                  + " refuse the server (OpenSSL, GnuTLS and Java accept it); if browsers connect,"
                  + " have server.csr signed by an RSA or EC CA"));
    }
    CertificateFacts leaf = chain.get(0);
    chain.stream()
        .skip(1)
        .filter(c -> c.notAfter().isBefore(leaf.notAfter()))
        .min(Comparator.comparing(CertificateFacts::notAfter))
        .ifPresent(first -> warnings.add(
            new Warning(
                WarningCode.CHAIN_ENDS_EARLY,
                Address.SERVER,
                "the chain in " + file.path() + " stops being valid on " + DateText.of(first.notAfter())
                    + ", when " + first.subjectDn() + " in it expires, before the certificate itself ("
                    + DateText.of(leaf.notAfter()) + "): clients refuse the chain from then on, and"
                    + " renewal, check, hooks.onExpiring and the metrics' chain series count from then;"
                    + " ask the CA for a chain whose issuers outlast the certificate, or have server.csr"
                    + " signed again before then")));
    return warnings;
  }

  /** Whether {@code t} is the root {@code root}: the same certificate, or its subject with its key. */
  private static boolean sameRoot(CertificateFacts root, CertificateFacts t) {
    return t.fingerprint().equals(root.fingerprint())
        || (t.subjectDn().equals(root.subjectDn())
            && t.publicKey().publicKeyFingerprint().equals(root.publicKey().publicKeyFingerprint()));
  }

  /** Whether {@code issuer} may have issued {@code c}: its subject, and its key identifier. */
  private static boolean issued(CertificateFacts c, CertificateFacts issuer) {
    return issuer.subjectDn().equals(c.issuerDn())
        && (c.authorityKeyId().isEmpty()
            || issuer.subjectKeyId().isEmpty()
            || c.authorityKeyId().equals(issuer.subjectKeyId()));
  }
}
