package org.hostpki.sign;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DistinguishedName;
import org.hostpki.model.ExtensionNames;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.SubjectAttribute;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.ParsedCsr;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.ServerProfile;
import org.hostpki.pki.SubjectPublicKey;

/**
 * Another host's certification request, read and checked for what holds whatever the policy: it
 * parses, proves possession of its key, has a key hostpki would make, and asks for at least one
 * DNS name or IP address. What it asks for beyond that which hostpki never issues — a name or
 * subject attribute holding a control character, an invalid DNS name, a subject attribute longer
 * than RFC 5280 allows (a commonName over 64 characters), a subject attribute hostpki does not
 * copy, a kind of SAN other than DNS name and IP address, an extended key usage other than serverAuth and clientAuth, what only a CA certificate
 * has (basicConstraints CA:TRUE, keyCertSign, cRLSign), a critical extension hostpki does not put
 * in certificates — is listed in {@link
 * #problems()}, so that {@code sign} can refuse it together with what the policy refuses, in one
 * message, instead of dropping it silently.
 *
 * @param source the file it came from, for messages
 * @param subject the subject's attributes hostpki copies (the first of each kind)
 * @param subjectAttributes every attribute of the subject, as requested
 * @param dnsNames the requested DNS names that are valid, lower-case, without repeats
 * @param listedDnsNames every DNS name the request lists, as it lists them, those refused in
 *     {@link #problems()} too: a commonName repeating one of them is no problem of its own
 * @param requestedUsages the extended key usages it asks for that hostpki issues; empty when it
 *     asks for none
 * @param problems what the request asks for that hostpki never issues
 */
public record SignRequest(
    Path source,
    Subject subject,
    String subjectDn,
    List<DistinguishedName.Attribute> subjectAttributes,
    List<String> dnsNames,
    List<String> listedDnsNames,
    List<InetAddress> ipAddresses,
    Set<KeyPurpose> requestedUsages,
    SubjectPublicKey publicKey,
    List<PolicyViolation> problems) {

  public SignRequest {
    subjectAttributes = List.copyOf(subjectAttributes);
    dnsNames = List.copyOf(dnsNames);
    listedDnsNames = List.copyOf(listedDnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    requestedUsages = requestedUsages.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(requestedUsages));
    problems = List.copyOf(problems);
  }

  /**
   * Reads a request (PEM or DER).
   *
   * @throws HostpkiException naming the file and what is wrong, when it cannot be signed whatever
   *     the policy and nothing else in it needs looking at (also: more than {@link
   *     ServerSpec#MAX_SUBJECT_ALT_NAMES} SANs, which are not listed one by one)
   */
  public static SignRequest read(Path source, byte[] content) {
    ParsedCsr csr;
    try {
      csr = CertificationRequest.parse(content);
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(
          source + ": " + e.getMessage() + "; hand over the certificate request (PEM or DER) the"
              + " host wrote, e.g. its store's server.csr");
    }
    if (!csr.signatureValid()) {
      throw new HostpkiException(
          source + ": the request's signature does not verify with the key it carries, so it does"
              + " not prove possession of that key (damaged or altered); nothing was signed: make a"
              + " new request on the host");
    }
    SubjectPublicKey key = csr.publicKey();
    keyProblem(key)
        .ifPresent(
            problem -> {
              throw new HostpkiException(
                  source + ": " + problem + "; nothing was signed: make a new request with an RSA"
                      + " key of 2048 bits or more, an EC key on P-256, P-384 or P-521, or an"
                      + " Ed25519 key");
            });
    CsrFacts facts = csr.facts();
    int listed = facts.dnsNames().size() + facts.ipAddresses().size() + csr.otherAlternativeNames().size();
    if (listed > ServerSpec.MAX_SUBJECT_ALT_NAMES) {
      throw new HostpkiException(
          source + ": the request lists " + listed + " subject alternative names; hostpki certifies"
              + " at most " + ServerSpec.MAX_SUBJECT_ALT_NAMES + " in one certificate (TLS clients"
              + " refuse larger ones: OpenSSL stops at 100 KiB for the certificates a server sends);"
              + " nothing was signed: spread the names over several requests");
    }
    List<PolicyViolation> problems = new ArrayList<>(subjectProblems(csr.subjectAttributes()));
    List<String> names = new ArrayList<>();
    for (String name : facts.dnsNames()) {
      Optional<String> problem = RequestedNames.problem(name);
      if (problem.isPresent()) {
        problems.add(
            new PolicyViolation("dNSName '" + TerminalText.escape(name) + "'", problem.get(), false));
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (!names.contains(lower)) {
        names.add(lower);
      }
    }
    for (String other : csr.otherAlternativeNames()) {
      problems.add(
          new PolicyViolation(
              "subjectAltName " + TerminalText.escape(other),
              "is a kind of name hostpki does not certify: only DNS names and IP addresses",
              false));
    }
    Set<KeyPurpose> usages = EnumSet.noneOf(KeyPurpose.class);
    for (String usage : csr.extendedKeyUsages()) {
      Optional<KeyPurpose> known = KeyPurpose.byOid(usage);
      if (known.isPresent()) {
        usages.add(known.get());
      } else {
        problems.add(
            new PolicyViolation(
                "extendedKeyUsage " + ExtensionNames.usage(usage),
                "is not a usage hostpki issues: its certificates are for serverAuth and clientAuth",
                false));
      }
    }
    for (String asked : csr.caRequests()) {
      problems.add(
          new PolicyViolation(
              asked, "asks for a CA certificate: hostpki sign issues certificates for hosts, never for a CA", false));
    }
    for (String oid : csr.unhandledCriticalExtensions()) {
      problems.add(
          new PolicyViolation(
              "extension " + Optional.ofNullable(ExtensionNames.extension(oid)).orElse(oid) + " (critical)",
              "is not one hostpki puts in a certificate, and the request insists on it",
              false));
    }
    List<InetAddress> addresses = facts.ipAddresses().stream().distinct().toList();
    if (facts.dnsNames().isEmpty() && addresses.isEmpty()) {
      throw new HostpkiException(
          source + ": the request (" + facts.subjectDn() + ") asks for no DNS name or IP address"
              + " (no subjectAltName); nothing was signed: hostpki certifies the names a request"
              + " lists as SANs (openssl req ... -addext subjectAltName=DNS:host.example)");
    }
    return new SignRequest(
        source, facts.subject(), facts.subjectDn(), csr.subjectAttributes(), names, facts.dnsNames(), addresses,
        usages, key, problems);
  }

  /**
   * What is wrong with the subject whatever the policy: a value holding a control character, an
   * attribute hostpki does not copy or one that appears twice, a commonName too long.
   */
  private static List<PolicyViolation> subjectProblems(List<DistinguishedName.Attribute> attributes) {
    List<PolicyViolation> problems = new ArrayList<>();
    Map<SubjectAttribute, Integer> counts = new EnumMap<>(SubjectAttribute.class);
    for (DistinguishedName.Attribute a : attributes) {
      Optional<SubjectAttribute> known = a.der() ? Optional.empty() : SubjectAttribute.byKeyword(a.type());
      if (known.isEmpty()) {
        problems.add(
            new PolicyViolation(
                "subject attribute " + a.type() + (a.der() ? "=" + a.value() : ""),
                "is not one hostpki certifies: it copies only the text of "
                    + String.join(", ", Arrays.stream(SubjectAttribute.values()).map(SubjectAttribute::yamlName).toList()),
                false));
        continue;
      }
      String what = "subject " + known.get().yamlName() + " '" + TerminalText.escape(a.value()) + "'";
      counts.merge(known.get(), 1, Integer::sum);
      int unsafe = TerminalText.firstUnsafe(a.value());
      if (unsafe >= 0) {
        problems.add(
            new PolicyViolation(
                what,
                String.format(
                    "holds U+%04X, a control or formatting character; a name is one line of plain text",
                    a.value().codePointAt(unsafe)),
                false));
      }
      int length = a.value().codePointCount(0, a.value().length());
      if (length > known.get().maxLength()) {
        boolean cn = known.get() == SubjectAttribute.COMMON_NAME;
        problems.add(
            new PolicyViolation(
                cn ? what : "subject " + known.get().yamlName(), // a long value is not worth showing
                "is " + length + " characters long; "
                    + (cn
                        ? "a commonName has at most " + Subject.MAX_COMMON_NAME
                            + " (RFC 5280): leave it out, the SANs carry the names"
                        : "RFC 5280 allows at most " + known.get().maxLength() + " for "
                            + known.get().yamlName()),
                false));
      }
    }
    counts.forEach(
        (attribute, count) -> {
          if (count > 1) {
            problems.add(
                new PolicyViolation(
                    "subject " + attribute.yamlName(),
                    "appears " + count + " times; a certificate hostpki signs has one of each",
                    false));
          }
        });
    return problems;
  }

  /** Why hostpki would not certify this key, or empty. */
  static Optional<String> keyProblem(SubjectPublicKey key) {
    Optional<KeySpec> spec = key.spec();
    if (spec.isEmpty()) {
      return Optional.of(
          "the request's key is of a kind hostpki does not certify (not RSA, EC on P-256/P-384/P-521"
              + " or Ed25519)");
    }
    if (spec.get() instanceof KeySpec.Rsa rsa && rsa.size() < KeySpec.Rsa.MINIMUM_SIZE) {
      return Optional.of(
          "the request's key is RSA " + rsa.size() + ", too weak: RSA keys need at least "
              + KeySpec.Rsa.MINIMUM_SIZE + " bits");
    }
    return Optional.empty();
  }

  /**
   * The extended key usages a certificate for this request gets: those it asks for, and
   * serverAuth when it names none (a certificate for a server is what hostpki signs by default).
   */
  public Set<KeyPurpose> usages() {
    return requestedUsages.isEmpty() ? Set.of(KeyPurpose.SERVER_AUTH) : requestedUsages;
  }

  /** What a certificate for this request says, lasting {@code validity}. */
  public ServerProfile profile(Duration validity) {
    return new ServerProfile(subject, dnsNames, ipAddresses, validity, usages());
  }

  /** The subject a certificate for this request gets (the first DNS name when it has no CN). */
  public Subject issuedSubject() {
    return profile(Duration.ofDays(1)).effectiveSubject(); // the subject does not depend on it
  }

  /** The SANs in the order a certificate lists them: DNS names, then addresses. */
  public List<String> sanWords() {
    List<String> words = new ArrayList<>(dnsNames);
    ipAddresses.forEach(ip -> words.add(IpAddresses.format(ip)));
    return words;
  }
}
