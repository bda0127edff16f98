package org.hostpki.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.sign.CaSigner;
import org.hostpki.sign.HostNames;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.sign.SignRequest;
import org.hostpki.store.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "sign",
    description = {
      "On the CA host: sign another host's certificate request with this store's CA, within"
          + " ca.policy, and record it as issued/SERIAL.crt.",
      "A request signed before (same key, subject and SANs) gets the recorded certificate again"
          + " until it is within server.renewBefore (plus renewal.jitter) of its end."
    },
    footer = {
      "",
      "The chain (the new certificate, then the CA) goes to standard output or -o. The validity is --validity or else this host's server.validity, at most ca.policy.maxValidity.",
      "",
      "Examples:",
      "  hostpki sign -f /etc/hostpki/ca.yaml --csr portal.csr -o portal-chain.pem",
      "  hostpki sign -f ca.yaml --csr db.csr --validity 30d --output json",
      "  hostpki sign -f ca.yaml --csr db.csr --check   # exit 2: it would sign",
      "",
      "Exit codes:",
      "  0   signed, or already issued (also with --check)",
      "  1   refused or error (nothing signed)",
      "  2   it would sign (only with --check)",
      "  64  usage error"
    })
final class SignCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  @Option(names = "--csr", required = true, completionCandidates = Completion.Files.class, paramLabel = "FILE", description = "The certificate request, PEM or DER.")
  String csr;

  @Option(
      names = {"-o", "--out"},
      completionCandidates = Completion.Files.class,
      paramLabel = "CHAIN",
      description = "Write the chain (PEM) to this file (a new file renamed into place; never inside a store) instead of standard output; - is standard output.")
  String target;

  /** Where -o writes: empty for standard output. */
  private Optional<OutputFile> chainFile = Optional.empty();

  /** The CA host's store, where the issued certificates are recorded. */
  private Path store;

  @Option(
      names = "--validity",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the certificate lasts (e.g. 90d); default: server.validity, at most ca.policy.maxValidity.")
  Duration validity;

  @Option(names = "--check", description = "Sign nothing: exit 2 when a new certificate would be issued, 0 when one is already.")
  boolean check;

  @Option(
      names = "--names",
      split = ",",
      paramLabel = "NAME",
      description = "The names and addresses of the host the request comes from (DNS names, *.BASE, addresses, networks; comma-separated or repeated): a request asking for any other is refused, on top of ca.policy, so that one member cannot get a certificate for another's names.")
  List<String> names;

  @Mixin StoreLockTimeout lockTimeout;

  SignCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    chainFile = OutputOption.file(spec.commandLine(), environment, target);
    DesiredState caHost = desiredState();
    store = caHost.store().path();
    SignRequest request = SignRequest.read(environment.resolve(csr), readRequest());
    CaSigner signer = new CaSigner(environment.clock(), new SecureRandom()).tellingWaits(progress()::waiting);
    if (names != null) {
      signer = signer.limitedTo(hostNames());
    }
    Optional<Duration> asked = Optional.ofNullable(validity);
    if (check) {
      CaSigner.Preview preview = signer.check(caHost, request, asked);
      if (preview.wouldIssue()) {
        printWouldIssue(request, preview);
        return ExitCodes.CHANGES_PENDING;
      }
      print(preview.existing().get(), request);
      return ExitCodes.OK;
    }
    CaSigner.Signed signed = signer.sign(caHost, request, asked, lockTimeout.value);
    chainFile.ifPresent(f -> writeChain(f, signed));
    print(signed, request);
    return ExitCodes.OK;
  }

  private HostNames hostNames() {
    try {
      return HostNames.parse(names);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--names: " + e.getMessage());
    }
  }

  private byte[] readRequest() {
    if (csr.equals(OutputOption.STANDARD_OUTPUT)) {
      // -o - is standard output, so - reads as standard input; it would be taken for a file "-".
      throw new HostpkiException(
          "--csr -: hostpki sign reads the request from a file, not from standard input; save it to a"
              + " file first (ssh web1 cat /var/lib/hostpki/pki/server.csr > web1.csr) and give that");
    }
    Path file = environment.resolve(csr);
    try {
      return InputFiles.read(file, InputKind.CERTIFICATE_REQUEST);
    } catch (NoSuchFileException e) {
      throw new HostpkiException(file + " does not exist; --csr names the host's certificate request (its server.csr)");
    } catch (IOException e) {
      throw new HostpkiException("--csr " + file + " " + FileReasons.of(e) + "; --csr names the host's certificate request (its server.csr)");
    }
  }

  private static void writeChain(OutputFile file, CaSigner.Signed signed) {
    try {
      file.write(signed.chainPem().getBytes(StandardCharsets.US_ASCII));
    } catch (HostpkiException e) {
      throw new HostpkiException(
          e.getMessage() + "; the certificate is recorded as " + signed.issued().fileName()
              + ": run the same sign again to get it", e);
    }
  }

  private void print(CaSigner.Signed signed, SignRequest request) {
    Instant now = environment.clock().instant();
    CertificateFacts facts = signed.issued().facts();
    signed.notes().forEach(n -> err().println("note: " + n));
    if (signed.changed()) {
      err().println(
          "Signed serial " + signed.issued().serial() + " for " + shown(facts.subjectDn()) + " (SANs "
              + String.join(", ", request.sanWords()) + "), not after " + DateText.of(facts.notAfter())
              + "; recorded as " + signed.issued().fileName() + " (generation "
              + signed.generation().orElse("?") + ")");
    } else {
      err().println(
          "already issued: serial " + signed.issued().serial() + " for " + shown(facts.subjectDn())
              + ", not after " + DateText.of(facts.notAfter()) + " ("
              + DurationText.left(Duration.between(now, facts.notAfter()))
              + " left); nothing was signed");
    }
    if (chainFile.isPresent() && !check) {
      err().println("Wrote the chain to " + chainFile.get().path());
    }
    if (output.json()) {
      CertificateFacts c = signed.issued().facts();
      out().print(
          json(signed.changed(), request, Duration.between(c.notBefore(), c.notAfter()), Optional.of(signed), signed.notes())
              .line());
    } else if (chainFile.isEmpty() && !check) {
      out().print(signed.chainPem());
    }
    out().flush();
    err().flush();
  }

  private void printWouldIssue(SignRequest request, CaSigner.Preview preview) {
    String sans = String.join(", ", request.sanWords());
    err().println(
        "would sign " + shown(request.issuedSubject().toString()) + " (SANs " + sans + ") for "
            + preview.validity().words() + "; nothing was signed (--check)");
    preview.validity().note().ifPresent(n -> err().println("note: " + n));
    if (output.json()) {
      out().print(json(true, request, preview.validity().validity(), Optional.empty(), preview.validity().note().stream().toList()).line());
    }
    out().flush();
    err().flush();
  }

  /** A subject in a sentence: a request with only IP addresses has none, which is not "for  (". */
  private static String shown(String subjectDn) {
    return subjectDn.isEmpty() ? "an empty subject" : subjectDn;
  }

  /** The format of the JSON document, described by schema/sign.schema.json. */
  static final String FORMAT_VERSION = "1";

  /**
   * The JSON document: the request, and the certificate signed (or handed out again); without
   * one, what {@code --check} would sign.
   */
  private JsonWriter json(
      boolean changed,
      SignRequest request,
      Duration validity,
      Optional<CaSigner.Signed> signed,
      List<String> notes) {
    Instant now = environment.clock().instant();
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("changed", changed);
    w.field("check", check);
    w.name("request").beginObject();
    w.field("file", environment.resolve(csr).toString());
    w.field("subject", request.issuedSubject().toString());
    w.field("dns_names", request.dnsNames());
    w.field("ip_addresses", IpAddresses.format(request.ipAddresses()));
    w.endObject();
    w.field("validity", validity);
    w.name("certificate");
    if (signed.isPresent()) {
      issuedJson(w, signed.get().issued(), store, now);
    } else {
      w.nullValue();
    }
    w.field("chain", signed.map(CaSigner.Signed::chainPem));
    w.field("generation", signed.flatMap(CaSigner.Signed::generation));
    w.field("notes", notes);
    return w.endObject();
  }

  /** One issued certificate with the path of its record, as {@code sign} and {@code status} show it. */
  static void issuedJson(JsonWriter w, IssuedCertificate issued, Path store, Instant now) {
    w.beginObject();
    issuedMembers(w, issued, store, now);
    w.endObject();
  }

  /** The members of {@link #issuedJson}, into the object {@code w} has open. */
  static void issuedMembers(JsonWriter w, IssuedCertificate issued, Path store, Instant now) {
    w.field("file", store.resolve(issued.fileName()).toString());
    CertificateJson.members(w, issued.facts(), now);
  }
}
