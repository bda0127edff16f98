package org.hostpki.plan;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.Subject;
import org.hostpki.renewal.Renewal;
import org.hostpki.renewal.RenewalSchedule;

/**
 * The drift checks every planned certificate shares, CA or server, internal or awaiting a chain:
 * does it belong to its key, is the key of the wanted kind, does it name the wanted subject, carry
 * the wanted usages, and is it still valid beyond renewBefore. Each check adds the reasons it
 * finds; what to do about them is for the part that plans the certificate.
 */
final class CertificateChecks {
  private CertificateChecks() {}

  /**
   * Whether {@code NAME.crt} belongs to {@code NAME.key}, and the key is of the wanted kind.
   *
   * @param name the files' stem: {@code ca}, {@code server}
   */
  static void keyReasons(
      CertificateFacts cert, KeyFacts key, KeySpec wanted, String name, List<Reason> reasons) {
    Fingerprint certified = cert.publicKey().publicKeyFingerprint();
    if (!certified.equals(key.publicKeyFingerprint())) {
      reasons.add(
          new Reason(
              ReasonCode.KEY_MISMATCH,
              name
                  + ".crt does not match "
                  + name
                  + ".key "
                  + PlanWords.keys("certificate key", certified, name + ".key", key.publicKeyFingerprint())));
    }
    keySpecReason(key, wanted).ifPresent(reasons::add);
  }

  /** Why the key must change for its kind: {@code key EC P-256 → RSA 3072}; empty when it fits. */
  static Optional<Reason> keySpecReason(KeyFacts key, KeySpec wanted) {
    Optional<KeySpec> have = key.spec();
    if (have.equals(Optional.of(wanted))) {
      return Optional.empty();
    }
    return Optional.of(
        new Reason(
            ReasonCode.KEY_SPEC_CHANGED,
            "key " + (have.isPresent() || key.other().isPresent() ? key.description() : "of another kind") + " → " + wanted));
  }

  /** Why the subject must change: {@code subject changed: CN=old → CN=new}; empty when it fits. */
  static Optional<Reason> subjectReason(Subject have, String haveDn, Subject wanted) {
    return have.equals(wanted)
        ? Optional.empty()
        : Optional.of(
            new Reason(ReasonCode.SUBJECT_CHANGED, "subject changed: " + haveDn + " → " + wanted));
  }

  /** Why the extended key usages must change: serverAuth, and clientAuth when asked for. */
  static Optional<Reason> usageReason(CertificateFacts c, boolean clientAuth) {
    Set<String> wanted = new LinkedHashSet<>(List.of(CertificateFacts.EKU_SERVER_AUTH));
    if (clientAuth) {
      wanted.add(CertificateFacts.EKU_CLIENT_AUTH);
    }
    if (Set.copyOf(c.extendedKeyUsages()).equals(wanted)) {
      return Optional.empty();
    }
    return Optional.of(
        new Reason(
            ReasonCode.PROFILE_CHANGED,
            "extended key usage "
                + PlanWords.extendedKeyUsages(c.extendedKeyUsages())
                + " → "
                + PlanWords.extendedKeyUsages(List.copyOf(wanted))));
  }

  /**
   * Why the CRL Distribution Point must change: {@code ca.crl.url} set, changed or removed since
   * the certificate was issued.
   */
  static Optional<Reason> distributionPointReason(List<String> have, Optional<URI> wanted) {
    List<String> want = wanted.map(u -> List.of(u.toASCIIString())).orElse(List.of());
    if (have.equals(want)) {
      return Optional.empty();
    }
    return Optional.of(
        new Reason(
            ReasonCode.PROFILE_CHANGED,
            "CRL distribution point " + (have.isEmpty() ? "none" : String.join(", ", have)) + " → "
                + (want.isEmpty() ? "none (ca.crl.url is not set)" : want.get(0))));
  }

  /**
   * Why a certificate this store issued must be issued again for a shorter validity: {@code lasts
   * 398 days, longer than server.validity 90d}. Only a lifetime longer than wanted counts (beyond
   * the set-back of its notBefore): a shorter one may be cut by its CA's end or {@code
   * ca.policy.maxValidity}, and a longer validity takes effect at the next renewal.
   *
   * @param key the setting the validity comes from: {@code server.validity}
   */
  static Optional<Reason> lifetimeReason(CertificateFacts c, Duration wanted, String key) {
    Duration lifetime = c.validity();
    if (lifetime.compareTo(wanted.plus(Backdate.of(wanted))) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Reason(
            ReasonCode.PROFILE_CHANGED,
            "lasts "
                + DurationText.left(lifetime)
                + ", longer than "
                + key
                + " "
                + DurationText.of(wanted)));
  }

  /**
   * Why a certificate and its key cannot be kept when either is missing from the store: {@code
   * none} when both are, else the missing file; empty when both are there.
   *
   * @param none the reason's message when neither is there: {@code no CA in the store yet}
   */
  static Optional<Reason> missingReason(
      Optional<CertificateFacts> cert, Optional<KeyFacts> key, String none, String certFile, String keyFile) {
    if (cert.isEmpty() && key.isEmpty()) {
      return Optional.of(new Reason(ReasonCode.MISSING, none));
    }
    if (cert.isEmpty()) {
      return Optional.of(new Reason(ReasonCode.MISSING, certFile + " is missing"));
    }
    if (key.isEmpty()) {
      return Optional.of(new Reason(ReasonCode.MISSING, keyFile + " is missing"));
    }
    return Optional.empty();
  }

  /** {@link #missingReason} for {@code server.crt} and {@code server.key}. */
  static Optional<Reason> missingServer(Optional<CertificateFacts> cert, Optional<KeyFacts> key) {
    return missingReason(
        cert, key, "no server certificate in the store yet", StoreLayout.SERVER_CERT, StoreLayout.SERVER_KEY);
  }

  /**
   * Why a certificate must be replaced for its dates: expired, or due for renewal by {@code
   * schedule}. A certificate not valid yet is no reason to replace it: the clock is behind, and
   * {@link ClockCheck} refuses the plan. A renewal an unattended run waits for is a warning, not a
   * change.
   *
   * @param subject what the certificate is, for warnings: {@code server}, {@code ca}
   * @param warn where the warnings go, in the order found
   */
  static void validityReasons(
      CertificateFacts c,
      RenewalSchedule schedule,
      Instant now,
      boolean unattended,
      String subject,
      List<Reason> reasons,
      Consumer<Warning> warn) {
    if (c.isExpiredAt(now)) {
      reasons.add(new Reason(ReasonCode.EXPIRED, "expired on " + DateText.of(c.notAfter())));
      return;
    }
    if (c.isNotYetValidAt(now)) {
      return;
    }
    Renewal renewal = schedule.at(now, unattended);
    if (renewal.due()) {
      reasons.add(
          new Reason(
              ReasonCode.EXPIRING, Renewals.expiresWords(c, now) + "; " + renewal.reasonWords()));
      if (renewal.cause() == Renewal.Cause.SAFETY_MARGIN) {
        warn.accept(
            new Warning(
                WarningCode.RENEWAL_SAFETY_MARGIN,
                subject,
                subject + ": " + renewal.note().orElse("renewing at the safety margin")));
      }
    } else if (renewal.state() == Renewal.State.WAITING) {
      warn.accept(
          new Warning(
              WarningCode.RENEWAL_WAITING,
              subject,
              subject + ": " + renewal.waitingWords() + "; a plain 'hostpki apply' renews it now"));
    }
  }
}
