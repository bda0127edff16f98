package org.hostpki.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.apply.Secrets;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.json.CertificateJson;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.TerminalLines;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Material;
import org.hostpki.pki.KeyStoreContents;
import org.hostpki.pki.WrongPasswordException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostpki inspect FILE}: what a certificate, chain, certificate request, CRL or key store (PKCS#12, JKS) on
 * disk holds, shown as {@code status} shows a store entry. Reads the one file and nothing else; a
 * private key is never shown.
 */
@Command(
    name = "inspect",
    description = {
      "Show what a certificate file, chain, certificate request, CRL or key store (PKCS#12, JKS) holds.",
      "Each certificate as 'hostpki status' shows a store entry (subject, SANs, key, issuer, SHA-256, expiry), with its serial, start, CA flag and extended key usages. A private key is counted, never shown.",
      "A CRL with its issuer, number, update times and every certificate it lists (its signature is not checked: hostpki plan does that for trust.crls).",
      "PEM, DER and PKCS#7 (.p7b) are read, told apart by content. A key store opens with its password, from --password-env or --password-file: never on the command line, where other users see it."
    },
    footer = {
      "",
      "Examples:",
      "  hostpki inspect /etc/ssl/certs/portal.pem",
      "  hostpki inspect incoming/chain.p7b --output json",
      "  hostpki inspect fleet.crl",
      "  HOSTPKI_P12=... hostpki inspect server.p12 --password-env HOSTPKI_P12",
      "",
      "Exit codes:",
      "  0   shown",
      "  1   unreadable, none of these, or the password does not open it",
      "  64  usage error"
    })
final class InspectCommand implements Callable<Integer> {
  private final Environment environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      completionCandidates = Completion.Files.class,
      description = "The file: certificates (PEM, DER, PKCS#7), a certificate request, a CRL, or a key store (PKCS#12, JKS).")
  String file;

  @ArgGroup(exclusive = true)
  PasswordOption password;

  /** Where a key store's password is: one of the two. */
  static final class PasswordOption {
    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "The environment variable holding the key store's password.")
    String variable;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        completionCandidates = Completion.Files.class,
        description = "A file holding the key store's password (its first line; readable only by its owner).")
    String file;
  }

  @Mixin FormatOption output;

  InspectCommand(Environment environment) {
    this.environment = environment;
  }

  /** The format of the JSON document, described by schema/inspect.schema.json. */
  static final String FORMAT_VERSION = "1";

  @Override
  public Integer call() {
    if (password != null && (password.variable != null ? password.variable : password.file).isBlank()) {
      // "environment variable  is not set" with the empty name between two spaces, exit 1
      String option = password.variable != null ? "--password-env" : "--password-file";
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          option + " is empty: name the " + (password.variable != null ? "environment variable" : "file") + " that holds the password");
    }
    Path path = environment.resolve(file);
    Optional<char[]> secret = password();
    Material material;
    try {
      material = Material.read(read(path), secret);
    } catch (Material.PasswordNeededException e) {
      throw new HostpkiException(
          path + " " + e.getMessage() + ": give it with --password-env VAR or --password-file FILE");
    } catch (WrongPasswordException e) {
      throw new HostpkiException(path + " " + e.getMessage() + "; nothing is shown");
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(path + " " + e.getMessage());
    } finally {
      secret.ifPresent(p -> Arrays.fill(p, '\0'));
    }
    Instant now = environment.clock().instant();
    TerminalWriter out = TerminalWriter.of(spec.commandLine().getOut());
    if (output.json()) {
      out.print(json(path, material, now).line());
    } else {
      out.print(text(path, material, now), false);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private Optional<char[]> password() {
    if (password == null) {
      return Optional.empty();
    }
    PasswordSource source =
        password.variable != null
            ? new PasswordSource.Env(password.variable)
            : new PasswordSource.File(environment.resolve(password.file));
    return Optional.of(new Secrets(environment.variables()).fromOption(source));
  }

  private static byte[] read(Path path) {
    try {
      return InputFiles.read(path, InputKind.INSPECTED);
    } catch (NoSuchFileException e) {
      throw new HostpkiException(path + " does not exist");
    } catch (IOException e) {
      throw new HostpkiException(path + " " + FileReasons.of(e));
    }
  }

  // ---- text ----------------------------------------------------------------------------------

  private static TerminalLines text(Path path, Material material, Instant now) {
    TerminalLines text = new TerminalLines();
    if (material instanceof Material.Certificates c) {
      text.add("File     ").add(path).add(": ").add(formWords(c.form())).add(", ")
          .add(count(c.certificates().size(), "certificate"));
      if (c.privateKeys() > 0) {
        text.add(" and ").add(count(c.privateKeys(), "private key")).add(" (not shown)");
      }
      text.end();
      certificates(text, c.certificates(), 1, now);
    } else if (material instanceof Material.Request r) {
      text.add("File     ").add(path).add(": a certificate request, ").add(formWords(r.form())).end();
      request(text, r.request());
    } else if (material instanceof Material.Crl c) {
      text.add("File     ").add(path).add(": a CRL, ").add(formWords(c.form())).end();
      crl(text, c.crl().facts(), now);
    } else if (material instanceof Material.KeyStoreFile k) {
      KeyStoreContents contents = k.contents();
      text.add("File     ").add(path).add(": ").add(formWords(k.form()))
          .add(contents.profile().map(p -> " (" + p.name().toLowerCase(Locale.ROOT) + " profile)")
              .orElse(k.form() == Material.Form.PKCS12 ? " without a password" : ""))
          .add(", ").add(count(contents.keys().size(), "private key")).add(", ")
          .add(count(contents.certificates().size(), "other certificate")).end();
      int number = 1;
      for (KeyStoreContents.KeyEntry key : contents.keys()) {
        text.add("Key      ").add(alias(key.alias())).add(": ").add(keyWords(key.key())).add(", public key sha256 ")
            .add(key.key().publicKeyFingerprint().colonHex()).end();
        if (key.chain().isEmpty()) {
          text.add(CertificateText.PAD).add("no certificate for this key in the file").end();
        }
        number = certificates(text, key.chain(), number, now);
      }
      for (KeyStoreContents.CertificateEntry entry : contents.certificates()) {
        text.add(entry.trusted() ? "Trusted  " : "Other    ").add(alias(entry.alias()))
            .add(entry.trusted() ? " (a trusted certificate entry for Java)" : "").end();
        number = certificates(text, List.of(entry.certificate()), number, now);
      }
    }
    return text;
  }

  private static int certificates(TerminalLines text, List<Certificate> certificates, int first, Instant now) {
    int number = first;
    for (Certificate c : certificates) {
      CertificateText.detailedLines(text, "Cert " + number++, c.facts(), c.details(), now);
    }
    return number;
  }

  private static void request(TerminalLines text, CsrFacts csr) {
    text.add("Request  ").add(csr.subjectDn()).end();
    List<String> sans = new ArrayList<>(csr.dnsNames());
    sans.addAll(IpAddresses.format(csr.ipAddresses()));
    sans.addAll(csr.otherNames());
    if (!sans.isEmpty()) {
      text.add(CertificateText.PAD).add("SANs ").add(String.join(", ", sans)).end();
    }
    text.add(CertificateText.PAD).add("key ").add(keyWords(csr.publicKey())).add(", public key sha256 ")
        .add(csr.publicKey().publicKeyFingerprint().colonHex()).end();
    text.add(CertificateText.PAD)
        .add(csr.signatureValid() ? "signature valid (made with the key it carries)" : "signature INVALID: not made with the key it carries")
        .end();
    for (CsrFacts.RequestedExtension extension : csr.extensions()) {
      text.add(CertificateText.PAD).add("extension ").add(extension.name() == null ? extension.oid() : extension.name())
          .add(extension.critical() ? " (critical): " : ": ").add(extension.value()).end();
    }
  }

  private static void crl(TerminalLines text, CrlFacts crl, Instant now) {
    text.add("CRL      issuer ").add(crl.issuerDn()).end();
    text.add(CertificateText.PAD).add("number ").add(crl.number().map(BigInteger::toString).orElse("none"))
        .add(", signed with ").add(crl.signatureAlgorithm())
        .add(crl.authorityKeyId().map(k -> ", authority key id " + k.toUpperCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:"))
            .orElse("")).end();
    text.add(CertificateText.PAD).add("this update ").add(DateText.of(crl.thisUpdate()))
        .add(now.isBefore(crl.thisUpdate()) ? " (not yet valid)" : "").add(", next update ")
        .add(crl.nextUpdate().map(next -> DateText.of(next) + (now.isBefore(next)
            ? " (" + DurationText.left(Duration.between(now, next)) + " left)"
            : " (past it: clients that check it refuse every certificate of its CA)")).orElse("none")).end();
    text.add(CertificateText.PAD).add(count(crl.revoked().size(), "revoked certificate"))
        .add(crl.revoked().isEmpty() ? "" : ":").end();
    for (RevokedCertificate e : crl.revoked()) {
      text.add(CertificateText.PAD).add("serial ").add(CertificateFacts.serialHex(e.serial())).add(" revoked ")
          .add(DateText.of(e.revocationDate())).add(" (").add(e.reason().word()).add(')').end();
    }
  }

  private static String keyWords(KeyFacts key) {
    return key.spec().isPresent() || key.other().isPresent() ? key.description() : "a key of another kind";
  }

  private static String alias(Optional<String> alias) {
    return alias.map(a -> "alias '" + a + "'").orElse("no alias");
  }

  private static String formWords(Material.Form form) {
    return switch (form) {
      case PEM -> "PEM";
      case DER -> "DER";
      case PKCS7 -> "PKCS#7";
      case PKCS12 -> "PKCS#12";
      case JKS -> "Java KeyStore (JKS)";
    };
  }

  private static String count(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private static JsonWriter json(Path path, Material material, Instant now) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("file", path.toString());
    if (material instanceof Material.Certificates c) {
      w.field("kind", "certificates");
      w.field("encoding", c.form().word());
      w.name("certificates").beginArray();
      c.certificates().forEach(cert -> CertificateJson.write(w, cert.facts(), cert.details(), now));
      w.endArray();
      w.field("private_keys", c.privateKeys());
      w.name("request").nullValue();
      w.name("keystore").nullValue();
      noCrl(w);
    } else if (material instanceof Material.Request r) {
      withoutCertificates(w, "certificate_request", r.form(), 0);
      w.name("request").beginObject();
      CertificateJson.requestMembers(w, r.request());
      w.endObject();
      w.name("keystore").nullValue();
      noCrl(w);
    } else if (material instanceof Material.Crl c) {
      withoutCertificates(w, "crl", c.form(), 0);
      w.name("request").nullValue();
      w.name("keystore").nullValue();
      w.name("crl");
      RevokeCommand.crlJson(w, c.crl().facts());
      w.name("revoked").beginArray();
      for (RevokedCertificate e : c.crl().facts().revoked()) {
        w.beginObject();
        w.field("serial", CertificateFacts.serialHex(e.serial()));
        w.field("revocation_date", e.revocationDate());
        w.field("reason", e.reason().word());
        w.endObject();
      }
      w.endArray();
    } else if (material instanceof Material.KeyStoreFile k) {
      KeyStoreContents contents = k.contents();
      withoutCertificates(w, "keystore", k.form(), contents.keys().size());
      w.name("request").nullValue();
      w.name("keystore").beginObject();
      w.field("profile", contents.profile().map(p -> p.name().toLowerCase(Locale.ROOT)));
      w.name("keys").beginArray();
      for (KeyStoreContents.KeyEntry key : contents.keys()) {
        w.beginObject();
        w.field("alias", key.alias());
        CertificateJson.key(w.name("key"), CertificateJson.Key.of(key.key()));
        w.name("chain").beginArray();
        key.chain().forEach(cert -> CertificateJson.write(w, cert.facts(), cert.details(), now));
        w.endArray();
        w.endObject();
      }
      w.endArray();
      w.name("certificates").beginArray();
      for (KeyStoreContents.CertificateEntry entry : contents.certificates()) {
        w.beginObject();
        w.field("alias", entry.alias());
        w.field("trusted", entry.trusted());
        CertificateFacts facts = entry.certificate().facts();
        CertificateJson.members(w, facts, now);
        CertificateJson.detailMembers(w, entry.certificate().details());
        w.endObject();
      }
      w.endArray();
      w.endObject();
      noCrl(w);
    }
    return w.endObject();
  }

  /** The members before {@code request} of a file that is no list of certificates. */
  private static void withoutCertificates(JsonWriter w, String kind, Material.Form form, int privateKeys) {
    w.field("kind", kind);
    w.field("encoding", form.word());
    w.field("certificates", List.of());
    w.field("private_keys", privateKeys);
  }

  private static void noCrl(JsonWriter w) {
    w.name("crl").nullValue();
    w.name("revoked").beginArray().endArray();
  }
}
