package org.hostpki.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.CrlUrl;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs7;
import org.hostpki.pki.RevocationList;
import org.hostpki.sign.Revocations;
import org.hostpki.store.OutputFile;
import org.hostpki.store.StoreDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "export",
    description = "Write a certificate, chain, CSR, the trust bundle or the CRL from the store, as PEM or DER.",
    footer = {
      "",
      "WHAT is one of: ca-cert, ca-next-cert, server-cert, server-chain, csr, trust-bundle, crl, previous-crl; the desired-state FILE may come before it too (hostpki export host.yaml ca-cert). ca-next-cert is the new CA of a rotation under way (ca.rotation), which browsers and other hosts must trust before the server moves to it; trust-bundle is every certificate this host trusts (devices, other services), not for a browser's roots. With --der: one certificate (ca-cert, ca-next-cert, server-cert), the CSR or the CRL as DER; a chain or bundle (server-chain, trust-bundle) as a PKCS#7 .p7b file, which Windows and macOS import. crl is a fleet CA's revocation list (hostpki revoke writes it), DER as a distribution point serves it (RFC 5280); previous-crl, after a CA rotation's move, the previous CA's last CRL (ca-previous.crl), for the distribution point its certificates name. With crl and previous-crl, {keyId} in -o FILE becomes the key id of the CRL's CA, as in ca.crl.url.",
      "",
      "With --output json, standard output carries a JSON document instead: what was exported, where to, and each certificate (or the request); without -o, the export itself as PEM in it.",
      "",
      "Examples:",
      "  hostpki export -f host.yaml ca-cert -o portal-ca.crt   # for browsers",
      "  hostpki export -f host.yaml server-cert --der -o portal.der",
      "  hostpki export -f host.yaml trust-bundle --der -o bundle.p7b",
      "  hostpki export -f ca.yaml crl --der -o /var/www/pki/fleet.crl",
      "  hostpki export -f ca.yaml previous-crl --der -o 'www/fleet-{keyId}.crl'",
      "  hostpki export -f host.yaml csr | mail -s 'please sign' pki@example.com",
      "",
      "Exit codes:",
      "  0   written",
      "  1   error: not in the store, -o inside a store, DER to a terminal; nothing written",
      "  64  usage error"
    })
final class ExportCommand extends StoreCommand implements Callable<Integer> {

  enum What {
    CA_CERT("ca-cert", StoreLayout.CA_CERT),
    CA_NEXT_CERT("ca-next-cert", StoreLayout.CA_NEXT_CERT),
    SERVER_CERT("server-cert", StoreLayout.SERVER_CERT),
    SERVER_CHAIN("server-chain", StoreLayout.SERVER_FULLCHAIN),
    CSR("csr", StoreLayout.SERVER_CSR),
    TRUST_BUNDLE("trust-bundle", StoreLayout.TRUST_BUNDLE),
    CRL("crl", Revocations.FILE),
    PREVIOUS_CRL("previous-crl", StoreLayout.CA_PREVIOUS_CRL);

    final String word;
    final String file;

    What(String word, String file) {
      this.word = word;
      this.file = file;
    }

    static Optional<What> find(String s) {
      for (What w : values()) {
        if (w.word.equals(s)) {
          return Optional.of(w);
        }
      }
      return Optional.empty();
    }
  }

  @Parameters(index = "0", paramLabel = "WHAT", completionCandidates = Whats.class, description = "ca-cert | ca-next-cert | server-cert | server-chain | csr | trust-bundle | crl | previous-crl")
  String whatWord;

  /** WHAT, read by {@link #call()} from the arguments in either order. */
  What what;

  @Mixin FileArgument argument;

  @Option(
      names = {"-o", "--out"},
      completionCandidates = Completion.Files.class,
      paramLabel = "FILE",
      description = "Write to this file (a new file renamed into place; never inside a store) instead of standard output; - is standard output.")
  String target;

  @Option(
      names = "--der",
      description = "DER instead of PEM: one certificate, the CSR or the CRL; a chain or bundle as PKCS#7 (.p7b).")
  boolean der;

  ExportCommand(Environment environment) {
    super(environment);
  }

  /** What WHAT takes, for shell completion; also after FILE ({@link #what()}). */
  static final class Whats extends java.util.ArrayList<String> implements Completion.AlsoSecond {
    Whats() {
      for (What w : What.values()) {
        add(w.word);
      }
    }
  }

  /**
   * WHAT, before or after FILE: every other command takes FILE first, so {@code export host.yaml
   * ca-cert} is what many type; a WHAT word is never taken for a file name.
   */
  private What what() {
    Optional<What> first = What.find(whatWord);
    if (first.isPresent()) {
      return first.get();
    }
    Optional<What> second = fileArgument == null ? Optional.empty() : What.find(fileArgument);
    if (second.isPresent()) {
      fileArgument = whatWord;
      return second.get();
    }
    if (fileArgument == null && namesTheFile(whatWord) && (fileOption == null || fileOption.equals(whatWord))) {
      // 'export host.yaml': the file, and nothing said of what to export from it
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), missingWhat(whatWord));
    }
    String wrong = fileArgument != null && namesTheFile(whatWord) && !namesTheFile(fileArgument) ? fileArgument : whatWord;
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "invalid value for WHAT: '" + wrong + "' cannot be exported; use " + WHATS);
  }

  /** Every WHAT, as the usage errors list them. */
  static final String WHATS =
      "ca-cert, ca-next-cert, server-cert, server-chain, csr, trust-bundle, crl or previous-crl";

  /**
   * The usage error for no WHAT, after the desired-state file {@code file} (null when no file was
   * named either): picocli's "missing required parameter: 'WHAT'" said neither what WHAT is nor
   * which words it takes.
   */
  static String missingWhat(String file) {
    // escaped where usage errors are printed
    Object[] words = file == null ? new Object[] {"export", "ca-cert"} : new Object[] {"export", file, "ca-cert"};
    return "missing WHAT: say what to export, one of " + WHATS + " (" + ShellCommand.hostpki(words) + ")";
  }

  /** Whether an argument that is no WHAT names a desired-state file: an existing file, or *.yaml. */
  private boolean namesTheFile(String argument) {
    String lower = argument.toLowerCase(java.util.Locale.ROOT);
    try {
      return lower.endsWith(".yaml") || lower.endsWith(".yml") || java.nio.file.Files.isRegularFile(environment.resolve(argument));
    } catch (java.nio.file.InvalidPathException e) {
      return false; // a NUL, say: no file's name
    }
  }

  @Override
  public Integer call() {
    what = what();
    Optional<OutputFile> outputFile = OutputOption.file(spec.commandLine(), environment, target);
    if (output.json() && der && outputFile.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--der with --output json needs -o FILE: standard output carries the JSON document");
    }
    DesiredState desired = desiredState();
    Path store = desired.store().path();
    // The one file: every file WHAT names is public (0644), so any user who can read the desired
    // state exports it; reading the whole set would need the private key's permissions too.
    boolean external = desired.server().issuer() == ServerSpec.Issuer.EXTERNAL;
    StoreDirectory directory = StoreDirectory.of(desired, environment.clock());
    byte[] content =
        directory
            .currentFile(what.file)
            .orElseThrow(
                () ->
                    new HostpkiException(
                        store.resolve(what.file)
                            + " does not exist"
                            + missingHelp(external, desired.ca().crl().isPresent())));
    Optional<byte[]> previousCrl =
        what == What.CRL ? directory.currentFile(StoreLayout.CA_PREVIOUS_CRL) : Optional.empty();
    byte[] own = content;
    if (isCrl() && target != null && target.contains(CrlUrl.KEY_ID)) {
      // -o www/fleet-{keyId}.crl: the file ca.crl.url names for this CRL's CA, as the URL expands.
      outputFile = OutputOption.file(spec.commandLine(), environment, target.replace(CrlUrl.KEY_ID, keyId(store, own)));
    }
    if (previousCrl.isPresent() && !der) {
      content = concat(content, previousCrl.get());
    }
    byte[] result = der ? toDer(store.resolve(what.file), content) : content;
    // Built before anything is written: a file written and then an exit 1 for the JSON misleads.
    String document =
        output.json()
            ? json(store, content, own, previousCrl, outputFile).line()
            : null;
    if (previousCrl.isPresent()) {
      // Until the previous CA of a rotation leaves the trusted certificates, clients that check
      // the CRLs of its certificates need its last CRL too.
      err().println(
          der
              ? "note: --der writes one CRL, the signing CA's; the previous CA of the rotation has"
                  + " its last CRL too (" + StoreLayout.CA_PREVIOUS_CRL + ", for the certificates it"
                  + " signed while it stays trusted): export previous-crl --der writes it, for the"
                  + " distribution point its certificates name; export crl without --der writes both, PEM"
              : "note: with the previous CA's last CRL (" + StoreLayout.CA_PREVIOUS_CRL + ") after"
                  + " the signing CA's, for the certificates it signed while it stays trusted");
    }
    if (what == What.CA_CERT) {
      ExportNotes.notSigningTheServer(directory, content).ifPresent(err()::println);
    }
    if (what == What.SERVER_CERT) {
      // tclients14: a curl --cacert or a browser exception given the leaf broke at the first
      // address change; the README says "trust the CA", export said nothing.
      err().println(
          "note: the server certificate is re-issued when the host's names or addresses change, at"
              + " renewal and when the CA changes: a client that trusts this certificate itself"
              + " refuses the server from then on; have clients trust its CA instead ("
              + ShellCommand.hostpki("export", "ca-cert", "-f", file) + ")");
    }
    if (what == What.TRUST_BUNDLE) {
      ExportNotes.notAnchoringTheServer(directory, content).ifPresent(err()::println);
    }
    if (what == What.CA_CERT && directory.currentFile(StoreLayout.CA_NEXT_CERT).isPresent()) {
      // A browser given only ca.crt now refuses the server once it moves to the new CA.
      err().println(
          "note: a CA rotation is under way: the server moves to the new CA at the end of the"
              + " overlap; have clients trust it too now: "
              + ShellCommand.hostpki("export", "ca-next-cert", "-f", file) + " -o FILE");
    }
    if (output.json()) {
      outputFile.ifPresent(f -> f.write(result));
      outputFile.flatMap(f -> nameNote(f.path())).ifPresent(err()::println);
      out().print(document);
      out().flush();
      return ExitCodes.OK;
    }
    if (outputFile.isEmpty()) {
      if (der && environment.interactive()) {
        throw new HostpkiException("refusing to write DER (binary) to a terminal; use -o FILE");
      }
      try {
        System.out.flush();
        out().flush();
        if (der) {
          System.out.write(result);
        } else {
          out().print(new String(result, StandardCharsets.US_ASCII));
        }
        out().flush();
        System.out.flush();
      } catch (IOException e) {
        throw new HostpkiException("cannot write to standard output: " + e.getMessage());
      }
    } else {
      outputFile.get().write(result);
      err().println("Wrote " + what.word + " to " + outputFile.get().path() + " (" + form() + ")");
      nameNote(outputFile.get().path()).ifPresent(err()::println);
    }
    return ExitCodes.OK;
  }

  /**
   * A note when the name written says the other form: DER in a {@code .pem} file, PEM in a {@code
   * .der}, {@code .p7b} or {@code .p7c} one. Tools and people go by the name (Windows opens a .p7b
   * as PKCS#7, a web server's pem option expects text), so the file would be misread; the name is
   * the user's choice, so a note, not a refusal. {@code .crt}, {@code .cer}, {@code .crl} and
   * {@code .csr} are used for both forms and get none.
   */
  private Optional<String> nameNote(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT);
    if (der && name.endsWith(".pem")) {
      return Optional.of(
          "note: " + file + " holds " + form() + " (binary), but a .pem name says PEM text: name it ."
              + (chainLike() ? "p7b" : "der") + ", or export without --der for PEM");
    }
    if (!der && (name.endsWith(".der") || name.endsWith(".p7b") || name.endsWith(".p7c"))) {
      return Optional.of(
          "note: " + file + " holds PEM text, but a " + name.substring(name.lastIndexOf('.'))
              + " name says DER (binary): export with --der for that, or name it .pem");
    }
    return Optional.empty();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  /** The format of the JSON document, described by schema/export.schema.json. */
  static final String FORMAT_VERSION = "1";

  /**
   * @param pem what is exported (PEM)
   * @param own the store's file itself: with {@code crl}, {@code ca.crl} alone
   * @param previousCrl with {@code crl}, {@code ca-previous.crl} when the store has it
   */
  private JsonWriter json(
      Path store, byte[] pem, byte[] own, Optional<byte[]> previousCrl, Optional<OutputFile> outputFile) {
    Path source = store.resolve(what.file);
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("what", what.word);
    w.field("source", source.toString());
    w.field("file", outputFile.map(f -> f.path().toString()));
    w.field("encoding", !der ? "pem" : chainLike() ? "pkcs7" : "der");
    try {
      w.name("certificates").beginArray();
      if (what != What.CSR && !isCrl()) {
        for (Certificate c : Pem.readCertificates(pem)) {
          CertificateJson.write(w, c.facts(), environment.clock().instant());
        }
      }
      w.endArray();
      w.name("request");
      if (what == What.CSR) {
        w.beginObject();
        CertificateJson.requestMembers(w, CertificationRequest.read(pem));
        w.endObject();
      } else {
        w.nullValue();
      }
      w.name("crl");
      if (isCrl()) {
        RevokeCommand.crlJson(w, RevocationList.parse(own).facts());
      } else {
        w.nullValue();
      }
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(source + ": " + e.getMessage());
    }
    w.name("previous_crl");
    if (previousCrl.isPresent()) {
      try {
        RevokeCommand.crlJson(w, RevocationList.parse(previousCrl.get()).facts());
      } catch (InvalidMaterialException e) {
        throw new HostpkiException(store.resolve(StoreLayout.CA_PREVIOUS_CRL) + ": " + e.getMessage());
      }
    } else {
      w.nullValue();
    }
    w.field("pem", outputFile.isEmpty() ? Optional.of(new String(pem, StandardCharsets.US_ASCII)) : Optional.empty());
    return w.endObject();
  }

  private String missingHelp(boolean external, boolean crlDeclared) {
    if (what == What.CSR && !external) {
      return "; a CSR is written only with server.issuer: external";
    }
    if (what == What.CA_NEXT_CERT) {
      return ": no CA rotation is under way (ca.rotation makes the new CA one overlap before the"
          + " server moves to it); export ca-cert";
    }
    if (what == What.PREVIOUS_CRL) {
      return ": the previous CA's last CRL is there only from a CA rotation's move until that CA"
          + " leaves the trusted certificates (ca-previous.crt); export crl writes the signing CA's";
    }
    if (what == What.CRL) {
      return crlDeclared
          ? ": with ca.crl declared, hostpki apply writes it as soon as the CA exists (empty until"
              + " a revoke); run '" + ShellCommand.hostpki("apply", "-f", file) + "'"
          : ": hostpki revoke writes the CRL of a fleet CA, and nothing was revoked with this"
              + " store's CA yet (with ca.crl declared, apply writes an empty one from the start)";
    }
    return "; run '" + ShellCommand.hostpki("apply", "-f", file) + "' first";
  }

  private String form() {
    if (!der) {
      return "PEM";
    }
    return chainLike() ? "PKCS#7 DER" : "DER";
  }

  /** The key id of a CRL's CA ({@code {keyId}} in ca.crl.url): its authority key identifier. */
  private String keyId(Path store, byte[] crl) {
    try {
      return RevocationList.parse(crl).facts().authorityKeyId()
          .orElseThrow(() -> new HostpkiException(store.resolve(what.file) + " has no authority key"
              + " identifier, so {keyId} in -o cannot be expanded; name the file without it"));
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(store.resolve(what.file) + ": " + e.getMessage());
    }
  }

  private boolean isCrl() {
    return what == What.CRL || what == What.PREVIOUS_CRL;
  }

  private boolean chainLike() {
    return what == What.SERVER_CHAIN || what == What.TRUST_BUNDLE;
  }

  private byte[] toDer(Path source, byte[] pem) {
    try {
      if (what == What.CSR) {
        return CertificationRequest.parse(pem).der();
      }
      if (isCrl()) {
        return RevocationList.parse(pem).der();
      }
      List<Certificate> certs = Pem.readCertificates(pem);
      if (chainLike()) {
        // DER holds one certificate; a chain or bundle goes into a degenerate PKCS#7 (.p7b).
        return Pkcs7.certificatesOnly(certs);
      }
      if (certs.size() != 1) {
        throw new HostpkiException(
            source + " holds " + certs.size() + " certificates; exactly one is expected");
      }
      return certs.get(0).der();
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(source + ": " + e.getMessage());
    }
  }
}
