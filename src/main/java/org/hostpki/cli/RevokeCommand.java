package org.hostpki.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.model.DateText;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.json.JsonWriter;
import org.hostpki.sign.CaRevoker;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "revoke",
    description = {
      "On the CA host: revoke a certificate this CA issued, and write the new CRL to the store as"
          + " ca.crl (hostpki export crl publishes it).",
      "Revoking a certificate again changes nothing (a CRL due for renewal is renewed) when"
          + " --reason is left out or names the reason it was revoked for; another reason is"
          + " refused."
    },
    footer = {
      "",
      "REASON is one of: unspecified (the default for a new revocation: the CRL entry names no"
          + " reason), keyCompromise, affiliationChanged, superseded, cessationOfOperation,"
          + " privilegeWithdrawn. Without --reason, a certificate revoked before is accepted"
          + " whatever its reason, so a repeated task or script succeeds. A revocation's reason is"
          + " not rewritten, except to keyCompromise when a revoked certificate's key is found to"
          + " have leaked (its revocation date stays; sign refuses that key from then on).",
      "The CRL is valid for ca.crl.validity (default 7d). Clients that check revocation refuse every"
          + " certificate of the CA once the CRL they hold is past its next update: publish each new one.",
      "",
      "Examples:",
      "  hostpki revoke -f ca.yaml --serial 0A1B2C3D4E5F --reason keyCompromise",
      "  hostpki revoke -f ca.yaml --cert web3-chain.pem --reason superseded",
      "  hostpki export -f ca.yaml crl --der -o /var/www/pki/fleet.crl",
      "",
      "hostpki status lists the serials of the certificates the CA issued, and the revoked ones.",
      "",
      "Exit codes:",
      "  0   revoked, or revoked before (for the same reason, or with no --reason;",
      "      also with --check; also on the previous CA's last CRL, or by its CA",
      "      before that CA left the store), or the reason changed to",
      "      keyCompromise, or no effect (it expired and its CA left the store)",
      "  1   refused or error (nothing changed); also a certificate never revoked",
      "      whose CA left the store: clients that trust that CA by hand accept it",
      "      until it expires (the error names the CA to remove from them)",
      "  2   it would write a new CRL (only with --check)",
      "  64  usage error"
    })
final class RevokeCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(
        names = "--serial",
        paramLabel = "SERIAL",
        converter = SerialConverter.class,
        description = "The serial number in hex, as hostpki status and openssl x509 -serial print it (colons allowed).")
    BigInteger serial;

    @Option(
        names = "--cert",
        paramLabel = "FILE",
        completionCandidates = Completion.Files.class,
        description = "The certificate (PEM or DER; of a chain, the first) this CA issued.")
    String cert;
  }

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      converter = ReasonConverter.class,
      completionCandidates = Reasons.class,
      description = "Why: ${COMPLETION-CANDIDATES} (default: unspecified for a new revocation; for one revoked before, its reason).")
  RevocationReason reason;

  @Option(names = "--check", description = "Change nothing: exit 2 when a new CRL would be written, 0 when not.")
  boolean check;

  @Mixin StoreLockTimeout lockTimeout;

  RevokeCommand(Environment environment) {
    super(environment);
  }

  /** The reasons {@code --reason} takes, for help and shell completion. */
  static final class Reasons extends java.util.ArrayList<String> {
    Reasons() {
      addAll(RevocationReason.revocableWords());
    }
  }

  static final class ReasonConverter implements CommandLine.ITypeConverter<RevocationReason> {
    @Override
    public RevocationReason convert(String value) {
      return RevocationReason.byWord(value)
          .filter(RevocationReason::revocable)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a reason hostpki revokes for; use one of "
                          + String.join(", ", RevocationReason.revocableWords())));
    }
  }

  static final class SerialConverter implements CommandLine.ITypeConverter<BigInteger> {
    @Override
    public BigInteger convert(String value) {
      return CaRevoker.parseSerial(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a serial number: write it in hex, as hostpki status"
                          + " prints it (e.g. 142517D9F5E1D2D020831BD6DF32EB4D)"));
    }
  }

  @Override
  public Integer call() {
    DesiredState caHost = desiredState();
    CaRevoker.Target target =
        which.serial != null
            ? new CaRevoker.Target.Serial(which.serial)
            : new CaRevoker.Target.Given(environment.resolve(which.cert), readCertificate());
    CaRevoker revoker = new CaRevoker(environment.clock(), new SecureRandom()).tellingWaits(progress()::waiting);
    Optional<RevocationReason> asked = Optional.ofNullable(reason);
    CaRevoker.Revoked revoked =
        check ? revoker.check(caHost, target, asked) : revoker.revoke(caHost, target, asked, lockTimeout.value);
    print(revoked);
    return check && revoked.changed() ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
  }

  private Certificate readCertificate() {
    Path file = environment.resolve(which.cert);
    byte[] content;
    try {
      content = InputFiles.read(file, InputKind.CHAIN);
    } catch (NoSuchFileException e) {
      throw new HostpkiException(file + " does not exist; --cert names the certificate to revoke");
    } catch (IOException e) {
      throw new HostpkiException("--cert " + file + " " + FileReasons.of(e) + "; --cert names the certificate to revoke");
    }
    try {
      List<Certificate> certificates = Pem.readCertificates(content);
      if (certificates.isEmpty()) {
        throw new HostpkiException(file + " holds no certificate; --cert names the certificate to revoke");
      }
      return certificates.get(0);
    } catch (InvalidMaterialException e) {
      throw new HostpkiException(file + ": " + e.getMessage() + "; --cert names the certificate to revoke (PEM or DER)");
    }
  }

  private void print(CaRevoker.Revoked revoked) {
    revoked.notes().forEach(n -> err().println("note: " + n));
    String who = "serial " + revoked.serial() + revoked.subject().map(s -> " (" + s + ")").orElse("");
    String reasonText = revoked.entry().reason().word();
    String since = " on " + DateText.of(revoked.entry().revocationDate());
    boolean noEffect = revoked.standing() == CaRevoker.Standing.ISSUER_GONE;
    String onPrevious =
        switch (revoked.standing()) {
          case PREVIOUS_CA_CRL -> " on " + StoreLayout.CA_PREVIOUS_CRL;
          case REVOKED_BEFORE_ITS_CA_LEFT -> " by its CA, which has left this store,";
          default -> "";
        };
    if (noEffect) {
      err().println(
          "no effect: " + who + " expired and its CA left this store; nothing was changed"
              + (check ? " (--check)" : ""));
    } else if (check && revoked.reasonBefore().isPresent()) {
      err().println(
          "would change the reason " + who + " was revoked for" + since + " from "
              + revoked.reasonBefore().get().word() + " to " + reasonText + "; nothing was changed (--check)");
    } else if (check) {
      err().println(
          (revoked.alreadyRevoked()
                  ? "already revoked: " + who + onPrevious + " on " + DateText.of(revoked.entry().revocationDate())
                      + " for " + reasonText + (revoked.changed() ? "; the CRL is due and would be renewed" : "")
                  : "would revoke " + who + " for " + reasonText)
              + "; nothing was changed (--check)");
    } else if (!revoked.changed()) {
      err().println(
          "already revoked: " + who + onPrevious + " on " + DateText.of(revoked.entry().revocationDate())
              + " for " + reasonText + "; nothing was changed");
    } else {
      CrlFacts crl = revoked.crl().orElseThrow().facts();
      err().println(
          (revoked.crlRenewed()
                  ? "already revoked: " + who + " for " + reasonText + "; renewed the CRL"
                  : revoked.reasonBefore().isPresent()
                      ? "Changed the reason " + who + " was revoked for" + since + " from "
                          + revoked.reasonBefore().get().word() + " to " + reasonText
                      : "Revoked " + who + " for " + reasonText)
              + ": ca.crl number " + crl.number().map(BigInteger::toString).orElse("?") + " lists "
              + crl.revoked().size() + " certificate(s), next update "
              + crl.nextUpdate().map(DateText::of).orElse("none") + " (generation "
              + revoked.generation().orElse("?") + "); publish it: "
              + ShellCommand.hostpki("export", "-f", file, "crl", "--der")
              + " -o FILE");
    }
    if (output.json()) {
      JsonWriter w = new JsonWriter().beginObject();
      w.field("format_version", FORMAT_VERSION);
      w.field("changed", revoked.changed());
      w.field("check", check);
      w.field("already_revoked", revoked.alreadyRevoked());
      w.field("no_effect", noEffect);
      w.field("serial", revoked.serial());
      w.field("subject", revoked.subject());
      w.field("reason", reasonText);
      w.field("previous_reason", revoked.reasonBefore().map(RevocationReason::word));
      w.field("revocation_date", revoked.entry().revocationDate());
      w.name("crl");
      if (revoked.crl().isEmpty()) {
        w.nullValue();
      } else {
        crlJson(w, revoked.crl().get().facts());
      }
      w.field("crl_pem", revoked.crl().map(c -> c.pem()));
      w.field("generation", revoked.generation());
      w.field("notes", revoked.notes());
      out().print(w.endObject().line());
    }
    out().flush();
    err().flush();
  }

  /** The format of the JSON document, described by schema/revoke.schema.json. */
  static final String FORMAT_VERSION = "1";

  /** A CRL's facts, shared with {@code status} (common.schema.json#/$defs/crl). */
  static void crlJson(JsonWriter w, CrlFacts crl) {
    w.beginObject();
    w.field("number", crl.number().map(BigInteger::toString));
    w.field("issuer", crl.issuerDn());
    w.field("this_update", crl.thisUpdate());
    w.name("next_update");
    crl.nextUpdate().ifPresentOrElse(w::value, w::nullValue);
    w.field("entries", crl.revoked().size());
    w.field("sha256", crl.fingerprint());
    w.endObject();
  }
}
