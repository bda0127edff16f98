package org.hostpki.cli;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.DateText;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalLines;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.json.JsonWriter;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.sign.Revocations;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreSnapshot;

/**
 * What {@code status} says about a CA store's revocations: the CRL ({@code ca.crl}), what it lists
 * (with the subjects the {@code issued/} record knows), and what needs doing: a CRL past or near
 * its next update, one from a CA replaced since, one that cannot be read.
 */
final class RevocationStatus {
  /**
   * What needs doing about the CRL, as status's warnings show it (a plan shows the renewal itself
   * as {@code ~ ca.crl update}).
   *
   * @param code crl-other-ca, crl-expired, crl-due or crl-unreadable
   * @param subject the file, {@code ca.crl}
   */
  record CrlWarning(String code, String subject, String message) {}

  /** What renews a CRL of the current CA: apply and watch do, as they renew a certificate. */
  private static final String RENEW =
      "hostpki apply (and watch) renews it with the same entries: apply, then publish it (hostpki export crl)";

  private final Optional<CrlFacts> crl;
  /** {@code ca-previous.crl}: after a rotation's move, the previous CA's last CRL. */
  private Optional<CrlFacts> previous = Optional.empty();
  private final List<IssuedCertificate> issued;
  private final List<CrlWarning> warnings;

  private RevocationStatus(Optional<CrlFacts> crl, List<IssuedCertificate> issued, List<CrlWarning> warnings) {
    this.crl = crl;
    this.issued = issued;
    this.warnings = new ArrayList<>(warnings);
  }

  static RevocationStatus of(
      StoreSnapshot snapshot,
      Path store,
      List<IssuedCertificate> issued,
      Optional<CertificateFacts> ca,
      Instant now) {
    Revocations revocations;
    try {
      revocations = Revocations.read(snapshot, store);
    } catch (HostpkiException e) {
      return new RevocationStatus(
          Optional.empty(), issued, List.of(new CrlWarning("crl-unreadable", Revocations.FILE, e.getMessage())));
    }
    if (revocations.crl().isEmpty()) {
      return new RevocationStatus(Optional.empty(), issued, List.of());
    }
    RevocationList list = revocations.crl().get();
    CrlFacts facts = list.facts();
    List<CrlWarning> warnings = new ArrayList<>();
    Path file = store.resolve(Revocations.FILE);
    if (ca.isPresent() && !issuedBy(facts, ca.get())) {
      warnings.add(new CrlWarning("crl-other-ca", Revocations.FILE,
          file + " is the CRL of another CA (" + facts.issuerDn() + "): the CA was replaced since;"
              + " the next hostpki apply gives this CA its own (and keeps that one as "
              + StoreLayout.CA_PREVIOUS_CRL + " while its CA stays trusted)"));
    } else if (facts.nextUpdate().isPresent() && !now.isBefore(facts.nextUpdate().get())) {
      warnings.add(new CrlWarning("crl-expired", Revocations.FILE,
          file + " is past its next update (" + DateText.of(facts.nextUpdate().get()) + "): clients"
              + " that check it refuse every certificate of this CA. " + RENEW));
    } else if (facts.renewalTime().filter(t -> !now.isBefore(t)).isPresent()) {
      warnings.add(new CrlWarning("crl-due", Revocations.FILE,
          file + " is due for renewal: its next update is " + DateText.of(facts.nextUpdate().orElseThrow())
              + ". " + RENEW));
    }
    RevocationStatus status = new RevocationStatus(Optional.of(facts), issued, warnings);
    try {
      Optional<byte[]> last = snapshot.file(StoreLayout.CA_PREVIOUS_CRL);
      if (last.isPresent()) {
        status.previous = Optional.of(RevocationList.parse(last.get()).facts());
      }
    } catch (InvalidMaterialException e) {
      status.warnings.add(
          new CrlWarning("crl-unreadable", StoreLayout.CA_PREVIOUS_CRL,
              store.resolve(StoreLayout.CA_PREVIOUS_CRL) + ": " + e.getMessage()));
    }
    return status;
  }

  /** By name and key identifier: a replaced CA often keeps its name, never its key. */
  private static boolean issuedBy(CrlFacts crl, CertificateFacts ca) {
    return crl.issuerDn().equals(ca.subjectDn())
        && (crl.authorityKeyId().isEmpty() || ca.subjectKeyId().isEmpty()
            || crl.authorityKeyId().equals(ca.subjectKeyId()));
  }

  /**
   * What a switch from one kept generation to another takes back of a fleet CA's revocations: the
   * serials the CRL of {@code from} lists and that of {@code to} does not; empty when none (or a
   * CRL cannot be read: the switch itself does not depend on it).
   */
  static Optional<String> droppedBy(StoreDirectory store, String from, String to) {
    try {
      Set<BigInteger> kept = new HashSet<>(serials(store.generationFile(to, Revocations.FILE)));
      List<String> dropped =
          serials(store.generationFile(from, Revocations.FILE)).stream()
              .filter(s -> !kept.contains(s))
              .map(CertificateFacts::serialHex)
              .toList();
      if (dropped.isEmpty()) {
        return Optional.empty();
      }
      String again =
          "revoke them again with hostpki revoke (--cert FILE where the rollback took their issued/"
              + " record too), and publish the CRL";
      if (signedByNextCa(store, from, to)) {
        // Back across a rotation's move: their CA is ca-next.crt again, which does not sign yet,
        // and revoke refuses them until it does.
        again =
            "they are certificates of the new CA (" + StoreLayout.CA_NEXT_CERT + " in that generation),"
                + " which signs again only after the move: run hostpki apply first (it moves to the new"
                + " CA again), then " + again;
      }
      return Optional.of(
          "generation " + to + " was written before the revocation of " + dropped.size()
              + " certificate(s) its ca.crl does not list: " + String.join(", ", dropped)
              + "; they count as valid again: " + again);
    } catch (HostpkiException | InvalidMaterialException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code from}'s ca.crl is of the CA that is {@code ca-next.crt} in {@code to}. */
  private static boolean signedByNextCa(StoreDirectory store, String from, String to)
      throws InvalidMaterialException {
    Optional<byte[]> crl = store.generationFile(from, Revocations.FILE);
    Optional<byte[]> next = store.generationFile(to, StoreLayout.CA_NEXT_CERT);
    if (crl.isEmpty() || next.isEmpty()) {
      return false;
    }
    List<Certificate> certificates = Pem.readCertificates(next.get());
    return !certificates.isEmpty() && RevocationList.parse(crl.get()).isSignedBy(certificates.get(0));
  }

  private static List<BigInteger> serials(Optional<byte[]> crl) throws InvalidMaterialException {
    if (crl.isEmpty()) {
      return List.of();
    }
    return RevocationList.parse(crl.get()).facts().revoked().stream().map(RevokedCertificate::serial).toList();
  }

  List<CrlWarning> warnings() {
    return List.copyOf(warnings);
  }

  /** The CRL entry of an issued certificate, when it is revoked. */
  Optional<RevokedCertificate> entry(IssuedCertificate certificate) {
    // Of the CRL of the CA that issued it: ca.crl, or the previous CA's last one.
    BigInteger serial = certificate.facts().serialNumber();
    String issuer = certificate.facts().issuerDn();
    return crl.filter(c -> c.issuerDn().equals(issuer)).flatMap(c -> c.entry(serial))
        .or(() -> previous.filter(c -> c.issuerDn().equals(issuer)).flatMap(c -> c.entry(serial)));
  }

  private Optional<IssuedCertificate> issued(BigInteger serial) {
    return issued.stream().filter(i -> i.facts().serialNumber().equals(serial)).findFirst();
  }

  /** The CRL and what it lists; nothing on a store without one. */
  void text(TerminalLines text) {
    if (crl.isEmpty()) {
      return;
    }
    CrlFacts c = crl.get();
    text.add("Revoked  ").add(c.revoked().size()).add(" certificate(s) on ca.crl (number ")
        .add(c.number().map(BigInteger::toString).orElse("none")).add(", next update ")
        .add(c.nextUpdate().map(DateText::of).orElse("none"))
        .add(c.revoked().isEmpty() ? ")" : "):").end(); // empty: a CA's first CRL, apply's (ca.crl declared)
    for (RevokedCertificate e : c.revoked()) {
      text.add("         serial ").add(CertificateFacts.serialHex(e.serial())).add(' ')
          .add(issued(e.serial()).map(i -> i.facts().subjectDn()).orElse("(not in issued/)"))
          .add(" revoked ").add(DateText.of(e.revocationDate())).add(" (").add(e.reason().word()).add(')')
          .end();
    }
    previous.ifPresent(p -> {
      text.add("         and ").add(p.revoked().size()).add(" certificate(s) of the previous CA on its last CRL, ")
          .add(StoreLayout.CA_PREVIOUS_CRL).add(" (number ").add(p.number().map(BigInteger::toString).orElse("none"))
          .add(", next update ").add(p.nextUpdate().map(DateText::of).orElse("none")).add(")").end();
      for (RevokedCertificate e : p.revoked()) {
        text.add("         serial ").add(CertificateFacts.serialHex(e.serial())).add(' ')
            .add(issued(e.serial()).map(i -> i.facts().subjectDn()).orElse("(not in issued/)"))
            .add(" revoked ").add(DateText.of(e.revocationDate())).add(" (").add(e.reason().word()).add(')')
            .end();
      }
    });
  }

  void json(JsonWriter w) {
    w.name("crl");
    if (crl.isEmpty()) {
      w.nullValue();
    } else {
      RevokeCommand.crlJson(w, crl.get());
    }
    w.name("revoked").beginArray();
    for (RevokedCertificate e : crl.map(CrlFacts::revoked).orElse(List.of())) {
      w.beginObject();
      w.field("serial", CertificateFacts.serialHex(e.serial()));
      w.field("subject", issued(e.serial()).map(i -> i.facts().subjectDn()));
      w.field("revocation_date", e.revocationDate());
      w.field("reason", e.reason().word());
      w.endObject();
    }
    w.endArray();
    w.name("previous_crl");
    if (previous.isEmpty()) {
      w.nullValue();
    } else {
      RevokeCommand.crlJson(w, previous.get());
    }
  }

  static void entryJson(JsonWriter w, RevokedCertificate e) {
    w.beginObject().field("revocation_date", e.revocationDate()).field("reason", e.reason().word()).endObject();
  }
}
