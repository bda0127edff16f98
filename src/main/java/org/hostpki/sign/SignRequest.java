package org.hostpki.sign;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.ParsedCsr;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.ServerProfile;
import org.hostpki.pki.SubjectPublicKey;

/**
 * Another host's certification request, read and checked for what holds whatever the policy: it
 * parses, proves possession of its key, has a key hostpki would make, and asks for at least one
 * well-formed DNS name or IP address.
 *
 * @param source the file it came from, for messages
 * @param dnsNames the requested DNS names, lower-case, without repeats
 */
public record SignRequest(
    Path source,
    Subject subject,
    String subjectDn,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    boolean clientAuth,
    SubjectPublicKey publicKey) {

  public SignRequest {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }

  /**
   * Reads a request (PEM or DER).
   *
   * @throws HostpkiException naming the file and what is wrong, when it cannot be signed whatever
   *     the policy
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
    List<String> names = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String name : facts.dnsNames()) {
      Optional<String> problem = RequestedNames.problem(name);
      if (problem.isPresent()) {
        problems.add("dNSName '" + name + "' " + problem.get());
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (!names.contains(lower)) {
        names.add(lower);
      }
    }
    if (!problems.isEmpty()) {
      throw new HostpkiException(
          source + ": " + String.join("; ", problems) + "; nothing was signed: a certificate"
              + " names hosts by valid DNS names");
    }
    List<InetAddress> addresses = facts.ipAddresses().stream().distinct().toList();
    if (names.isEmpty() && addresses.isEmpty()) {
      throw new HostpkiException(
          source + ": the request (" + facts.subjectDn() + ") asks for no DNS name or IP address"
              + " (no subjectAltName); nothing was signed: hostpki certifies the names a request"
              + " lists as SANs (openssl req ... -addext subjectAltName=DNS:host.example)");
    }
    return new SignRequest(
        source, facts.subject(), facts.subjectDn(), names, addresses, csr.requestsClientAuth(), key);
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

  /** What a certificate for this request says, lasting {@code validity}. */
  public ServerProfile profile(Duration validity) {
    return new ServerProfile(subject, dnsNames, ipAddresses, validity, clientAuth);
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
