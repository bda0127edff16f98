package org.hostpki.pki;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SanCoverage;
import org.hostpki.model.TerminalText;

/**
 * Checks an externally signed chain before it is imported, the way a strict TLS client would, and
 * says exactly what is wrong. Pure: the time is a parameter.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>the file is one unbroken chain ({@link ChainBuilder}): the leaf is for {@code server.key},
 *       every certificate is signed by the next, the leaf's issuer is in the file, nothing else is;
 *   <li>every certificate is valid at {@code now};
 *   <li>no signature is made with SHA-1 or MD5 (a root's signature on itself is not checked by
 *       clients, so it is exempt); no RSA key is shorter than 2048 bits;
 *   <li>every issuer is a CA (basicConstraints cA), may sign certificates (keyUsage keyCertSign,
 *       when keyUsage is present), and has no more intermediates below it than its
 *       pathLenConstraint allows; an issuer whose extended key usage excludes serverAuth is refused,
 *       as browsers refuse it;
 *   <li>the leaf is not a CA certificate, and its keyUsage, when present, has digitalSignature;
 *   <li>the leaf's SANs lie within the name constraints of every issuer (DNS names and IP
 *       addresses);
 *   <li>the leaf's extended key usage includes serverAuth. A leaf without the extension is
 *       accepted: RFC 5280 reads that as "any purpose", and browsers and OpenSSL accept it;
 *   <li>the leaf's SANs cover every desired name (a wildcard covers one left-most label);
 *   <li>with {@code server.external.roots}, the chain ends in a named root.
 * </ul>
 */
public final class ChainValidator {
  /** The shortest RSA key accepted anywhere in the chain. */
  public static final int MINIMUM_RSA_BITS = 2048;

  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  private ChainValidator() {}

  /**
   * The result of a check.
   *
   * @param chain leaf first, each issuer after what it issued; empty when no leaf was found
   * @param problems empty when the chain can be imported
   */
  public record Result(List<Certificate> chain, List<String> problems) {
    public Result {
      chain = List.copyOf(chain);
      problems = List.copyOf(problems);
    }

    public boolean accepted() {
      return problems.isEmpty();
    }

    /** What a server sends: the leaf and the intermediates, without the root. */
    public List<Certificate> servedChain() {
      return rootIncluded() ? List.copyOf(chain.subList(0, chain.size() - 1)) : chain;
    }

    /** The chain ends in a root (a self-issued certificate after the leaf). */
    public boolean rootIncluded() {
      return chain.size() > 1 && chain.get(chain.size() - 1).facts().isSelfIssued();
    }
  }

  /**
   * Checks the certificates of a chain file (in file order) for the server key and the names the
   * server must answer to.
   */
  public static Result check(
      List<Certificate> certificates,
      SubjectPublicKey serverKey,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Instant now) {
    return check(certificates, serverKey, dnsNames, ipAddresses, now, List.of());
  }

  /**
   * As {@link #check(List, SubjectPublicKey, List, List, Instant)}, and the chain must end in one of
   * {@code roots} ({@code server.external.roots}): its last certificate is one of them or is signed
   * by one (a root the file holds is signed by itself, so a named root with its subject and key
   * matches it; a file that stops below the root needs its last certificate's issuer named).
   *
   * @param roots the certificates the chain may end in; empty: any
   */
  public static Result check(
      List<Certificate> certificates,
      SubjectPublicKey serverKey,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Instant now,
      List<Certificate> roots) {
    Objects.requireNonNull(serverKey, "serverKey");
    Objects.requireNonNull(now, "now");
    if (certificates.isEmpty()) {
      return new Result(List.of(), List.of("the file holds no certificate"));
    }
    ChainBuilder.Built built = ChainBuilder.build(certificates, serverKey, now, roots);
    Map<Certificate, Integer> positions = new LinkedHashMap<>();
    for (int i = 0; i < certificates.size(); i++) {
      positions.putIfAbsent(certificates.get(i), i + 1);
    }
    ChainBuilder.Places places = new ChainBuilder.Places(positions, certificates.size());
    List<String> problems = new ArrayList<>(built.problems());
    List<Certificate> chain = built.chain();
    for (int i = 0; i < chain.size(); i++) {
      Certificate c = chain.get(i);
      boolean root = built.rootIncluded() && i == chain.size() - 1;
      certificateProblems(c, places.describe(c), root, now, problems);
      if (i > 0) {
        issuerProblems(c, places.describe(c), i - 1, problems);
      }
    }
    if (!chain.isEmpty()) {
      leafProblems(chain.get(0), places.describe(chain.get(0)), dnsNames, ipAddresses, problems);
      for (Certificate issuer : chain.subList(1, chain.size())) {
        nameConstraintProblems(chain.get(0), issuer, places.describe(issuer), problems);
      }
      rootProblems(chain, built.rootIncluded(), roots, problems);
    }
    return new Result(chain, problems);
  }

  /**
   * Whether the chain ends in a named root. Found in a trial: a chain file ending in any
   * self-signed root (a staging CA's, a test CA's) was imported without a word.
   */
  private static void rootProblems(
      List<Certificate> chain, boolean rootIncluded, List<Certificate> roots, List<String> problems) {
    if (roots.isEmpty()) {
      return;
    }
    if (ChainPaths.anchored(chain, roots)) {
      return;
    }
    Certificate top = chain.get(chain.size() - 1);
    String named =
        roots.stream().map(ChainValidator::rootWords).collect(java.util.stream.Collectors.joining(", "));
    String end =
        rootIncluded
            ? "the chain ends in the root " + rootWords(top)
            : "the chain ends with " + rootWords(top) + ", issued by "
                + TerminalText.escape(top.facts().issuerDn()) + " (not in the file)";
    problems.add(
        end
            + ", which is not a root server.external.roots names ("
            + named
            + "): the file comes from another CA (a staging or test CA's chain?); have server.csr"
            + " signed by the CA of the named root, or, if this root is the right one, name its"
            + " certificate in server.external.roots");
  }

  /**
   * Where a chain imported earlier (leaf first, as {@code external-chain.crt} records it) ends,
   * when that is in none of {@code roots}, in words that go on "the imported chain ": {@code ends
   * in the root CN=… (SHA-256 …), which server.external.roots does not name (it names …)}; empty
   * when it ends in one of them, or {@code roots} is empty. Found in a trial: a chain imported
   * before server.external.roots named another root went on being served without a word.
   */
  public static Optional<String> outsideRoots(List<Certificate> chain, List<Certificate> roots) {
    if (roots.isEmpty() || chain.isEmpty() || ChainPaths.anchored(chain, roots)) {
      return Optional.empty();
    }
    Certificate top = chain.get(chain.size() - 1);
    boolean root = chain.size() > 1 && top.facts().isSelfIssued();
    return Optional.of(
        (root
                ? "ends in the root " + rootWords(top)
                : "ends with " + rootWords(top) + ", issued by " + TerminalText.escape(top.facts().issuerDn()))
            + ", which server.external.roots does not name (it names "
            + roots.stream().map(ChainValidator::rootWords).collect(java.util.stream.Collectors.joining(", "))
            + ")");
  }

  /**
   * The certificate of {@code trusted} that completes {@code chain} (leaf first): the root it ends
   * in, or the root that signed its last certificate; empty when none does.
   */
  public static Optional<Certificate> anchor(List<Certificate> chain, java.util.Collection<Certificate> trusted) {
    return chain.isEmpty() ? Optional.empty() : ChainPaths.anchor(chain, trusted);
  }

  /** A root as a refusal names it: its subject and full SHA-256 fingerprint, as openssl prints it. */
  private static String rootWords(Certificate c) {
    return TerminalText.escape(c.facts().subjectDn()) + " (SHA-256 " + c.fingerprint().colonHex() + ")";
  }

  private static void certificateProblems(
      Certificate c, String name, boolean root, Instant now, List<String> problems) {
    CertificateFacts f = c.facts();
    if (f.isExpiredAt(now)) {
      problems.add(name + " expired on " + DateText.of(f.notAfter()));
    } else if (f.isNotYetValidAt(now)) {
      problems.add(name + " is not valid before " + DateText.of(f.notBefore()));
    }
    String algorithm = f.signatureAlgorithm().toUpperCase(Locale.ROOT);
    if (!root && (algorithm.contains("SHA1") || algorithm.contains("MD5") || algorithm.contains("MD2"))) {
      problems.add(
          name
              + " is signed with "
              + f.signatureAlgorithm()
              + "; SHA-1 and MD5 signatures are broken and refused: ask the CA to sign with SHA-256");
    }
    List<String> unknown = c.criticalExtensionsOpensslRefuses();
    if (!root && !unknown.isEmpty()) {
      // As trust-critical-extension warns of a trusted one (rvsec17 L5): served, every OpenSSL client
      // refuses the chain. Refused like a SHA-1 signature: the chain serving now stays. A root is
      // the clients' own copy's matter (their trust store), as for SHA-1.
      problems.add(
          name + " has " + (unknown.size() == 1 ? "an extension" : "extensions")
              + " marked critical that OpenSSL does not know (" + String.join(", ", unknown)
              + "): OpenSSL clients (curl, nginx, HAProxy, Python) refuse the served chain"
              + " ('unhandled critical extension'): ask the CA for a certificate without it");
    }
    Optional<KeySpec> spec = f.publicKey().spec();
    if (spec.isPresent() && spec.get() instanceof KeySpec.Rsa rsa && rsa.size() < MINIMUM_RSA_BITS) {
      problems.add(
          name + " has an RSA key of " + rsa.size() + " bits; at least " + MINIMUM_RSA_BITS + " are required");
    }
  }

  /**
   * @param below how many intermediate CA certificates are between this issuer and the leaf
   */
  private static void issuerProblems(Certificate c, String name, int below, List<String> problems) {
    CertificateFacts f = c.facts();
    if (!f.ca()) {
      problems.add(
          name + " issued a certificate of the chain but is not a CA certificate (basicConstraints cA is not set)");
      return;
    }
    KeyUsage usage = KeyUsage.fromExtensions(c.holder().getExtensions());
    if (usage != null && !usage.hasUsages(KeyUsage.keyCertSign)) {
      problems.add(name + " may not sign certificates: its keyUsage lacks keyCertSign");
    }
    if (f.pathLength().isPresent() && below > f.pathLength().get()) {
      problems.add(
          name
              + " allows "
              + f.pathLength().get()
              + " intermediate CA certificate(s) below it (pathLenConstraint) but the chain has "
              + below);
    }
    List<String> ekus = f.extendedKeyUsages();
    if (!ekus.isEmpty()
        && !ekus.contains(CertificateFacts.EKU_SERVER_AUTH)
        && !ekus.contains(ANY_EXTENDED_KEY_USAGE)) {
      problems.add(
          name
              + " restricts what it issues to extended key usages without serverAuth ("
              + String.join(", ", ekus)
              + "); browsers refuse server certificates below it");
    }
  }

  private static void leafProblems(
      Certificate leaf,
      String name,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      List<String> problems) {
    CertificateFacts f = leaf.facts();
    if (f.ca()) {
      problems.add(
          name
              + " (the leaf) is a CA certificate (basicConstraints cA is set); Firefox refuses a CA"
              + " certificate as a server's: ask the CA for a TLS server certificate (cA false)");
    }
    KeyUsage usage = KeyUsage.fromExtensions(leaf.holder().getExtensions());
    if (usage != null && !usage.hasUsages(KeyUsage.digitalSignature)) {
      problems.add(
          name
              + " (the leaf) may not sign: its keyUsage lacks digitalSignature, which TLS 1.3 and"
              + " every ECDHE handshake need (Chrome and OpenSSL's TLS 1.2 refuse it); ask the CA"
              + " for keyUsage digitalSignature");
    }
    List<String> ekus = f.extendedKeyUsages();
    if (!ekus.isEmpty() && !ekus.contains(CertificateFacts.EKU_SERVER_AUTH)) {
      problems.add(
          name
              + " (the leaf) is not for TLS servers: its extended key usage ("
              + String.join(", ", ekus)
              + ") lacks serverAuth");
    }
    List<String> uncovered =
        SanCoverage.uncovered(f.dnsNames(), f.ipAddresses(), dnsNames, ipAddresses);
    if (!uncovered.isEmpty()) {
      problems.add(
          "SAN does not cover: "
              + String.join(", ", uncovered)
              + " (the leaf has: "
              + sans(f)
              + "); have the current server.csr signed with all its names");
    }
  }

  /**
   * The leaf's SANs against an issuer's name constraints for DNS names and IP addresses (RFC 5280
   * 4.2.1.10), which every TLS client applies to the certificates below that CA.
   */
  private static void nameConstraintProblems(
      Certificate leaf, Certificate issuer, String name, List<String> problems) {
    Optional<NameConstraints> constraints = issuer.facts().nameConstraints();
    if (constraints.isEmpty() || constraints.get().isEmpty()) {
      return;
    }
    NameConstraints nc = constraints.get();
    // The names each subtree list refuses, together: "a, b (permitted dnsDomains [corp.example])".
    Map<String, List<String>> refused = new LinkedHashMap<>();
    for (String dns : leaf.facts().dnsNames()) {
      nc.dnsNameRefusal(dns).ifPresent(r -> refused.computeIfAbsent(r.subtrees(), k -> new ArrayList<>()).add(dns));
    }
    for (InetAddress ip : leaf.facts().ipAddresses()) {
      nc.addressRefusal(ip)
          .ifPresent(r -> refused.computeIfAbsent(r.subtrees(), k -> new ArrayList<>()).add(IpAddresses.format(ip)));
    }
    if (!refused.isEmpty()) {
      List<String> parts = new ArrayList<>();
      refused.forEach((subtrees, names) -> parts.add(String.join(", ", names) + " (" + subtrees + ")"));
      problems.add(
          name
              + " has name constraints, and TLS clients refuse the leaf's names they do not allow: "
              + String.join("; ", parts)
              + "; ask the CA to sign with a CA whose constraints allow these names");
    }
  }

  /** How many of the leaf's SANs a problem names. */
  static final int SANS_SHOWN = 16;

  /**
   * The leaf's SANs, the first {@link #SANS_SHOWN} of them. Found in the external CA trial: a leaf
   * for 3001 other names made a refusal line of 53 kB.
   */
  private static String sans(CertificateFacts f) {
    List<String> all = new ArrayList<>(f.dnsNames());
    f.ipAddresses().forEach(ip -> all.add(IpAddresses.format(ip)));
    if (all.isEmpty()) {
      return "no SANs";
    }
    return all.size() <= SANS_SHOWN
        ? String.join(", ", all)
        : String.join(", ", all.subList(0, SANS_SHOWN)) + " and " + (all.size() - SANS_SHOWN) + " more";
  }
}
