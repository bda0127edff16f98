package org.hostpki.acme;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Why an ACME operation did not complete, in one readable line (the message), with what a caller
 * acts on: the kind, the CA's problem document and when the CA asked to be tried again.
 * Nothing in the store's served files has changed when this is thrown.
 */
public final class AcmeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as a caller decides on it (back off, tell the user to fix a setting). */
  public enum Kind {
    /** The ACME server could not be reached (refused, unresolvable, timed out). */
    UNREACHABLE,
    /** The ACME server's TLS certificate is not trusted (system trust or caBundle). */
    TLS_UNTRUSTED,
    /** The settings cannot work with this CA: terms not agreed, EAB required or refused, profile unknown. */
    CONFIGURATION,
    /** The CA refused because of its rate limits; see {@link #retryAfter()}. */
    RATE_LIMITED,
    /** The CA could not validate an identifier (the challenge failed). */
    VALIDATION_FAILED,
    /** The challenge could not be set up here: a port in use, a webroot not writable, a hook failing. */
    CHALLENGE_SETUP,
    /** The CA reported another problem (badCSR, rejectedIdentifier, serverInternal ...). */
    CA_PROBLEM,
    /** The order did not complete in time. */
    TIMEOUT,
    /** The CA answered in a way RFC 8555 does not allow, or the certificate it sent is unusable. */
    PROTOCOL
  }

  private final Kind kind;
  private final transient Optional<AcmeProblem> problem;
  private final transient Optional<Instant> retryAfter;

  public AcmeFailure(Kind kind, String message, Optional<AcmeProblem> problem, Optional<Instant> retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.problem = Objects.requireNonNull(problem, "problem");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public AcmeFailure(Kind kind, String message) {
    this(kind, message, Optional.empty(), Optional.empty(), null);
  }

  public Kind kind() {
    return kind;
  }

  /** The CA's problem document, when the CA sent one. */
  public Optional<AcmeProblem> problem() {
    return problem;
  }

  /** When the CA asked to be tried again (a Retry-After header). */
  public Optional<Instant> retryAfter() {
    return retryAfter;
  }
}
