/**
 * When a certificate is renewed, and why: a pure function of the certificate, the desired
 * renewal settings and the time, like the planner (no clock, no randomness, no
 * I/O).
 *
 * <p>{@link org.hostpki.renewal.RenewalPolicy#schedule} works out a certificate's renewal times
 * once; {@link org.hostpki.renewal.RenewalSchedule#at} says, at a given moment, whether it is due,
 * scheduled or waiting, with the words for plans, {@code status} and monitoring. The rules, in
 * order:
 *
 * <ol>
 *   <li><b>Threshold.</b> {@code renewBefore} before notAfter: a fixed time, or a share of the
 *       certificate's own lifetime (notAfter − notBefore). A fixed time as long as the lifetime or
 *       longer (a 30-day threshold on a 6-day certificate someone else issued) would renew on every
 *       run; a third of the lifetime is used instead, as cert-manager does.
 *   <li><b>Jitter.</b> Earlier by a share of renewBefore, up to {@code renewal.jitter}, derived from
 *       a hash of the certificate's fingerprint ({@link org.hostpki.renewal.SpreadHash}): a fleet
 *       spreads out, and the same certificate always gets the same time, whatever the host is
 *       called meanwhile. The jitter never
 *       takes away more than that share of the time between issue and threshold, so a certificate
 *       is never due the moment it is made.
 *   <li><b>Windows.</b> Unattended runs renew only inside a {@code renewal.windows} window, each
 *       host from its own point in the window's first half; without windows, a renewal overdue by
 *       more than a day (the host was off, or a rule changed — an upgrade to the relative default)
 *       waits for the host's own hour of the day, so a fleet catches up over a day instead of in
 *       one run. Neither ever waits past the safety margin: a quarter of the threshold before
 *       expiry, at least an hour. A person's {@code apply} renews at once.
 *   <li><b>Suggested window.</b> Where the CA suggests a renewal window (ACME renewal
 *       information), it replaces threshold and jitter: the renewal falls at the certificate's own
 *       point inside it, and inside a maintenance window too.
 * </ol>
 *
 * A certificate whose notBefore is later than now is never due: a clock that is behind replaces
 * nothing.
 */
package org.hostpki.renewal;
