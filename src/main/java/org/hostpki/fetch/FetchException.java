package org.hostpki.fetch;

import java.util.Objects;
import org.hostpki.model.HostpkiException;

/**
 * Fetching a presented chain failed before any certificate arrived. The message is for the
 * operator (it names the endpoint, what happened and what to check); {@link #failure()} is for
 * code and tests that must tell the cases apart.
 */
public final class FetchException extends HostpkiException {

  /** What went wrong, in the order a connection gets there. */
  public enum Failure {
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** The name lookup, the connect or the handshake took longer than the timeout. */
    TIMEOUT,
    /** Nothing listens on the port (or a firewall rejects the connection). */
    REFUSED,
    /** No route to the host or its network. */
    UNREACHABLE,
    /** The peer answered, but not with TLS (e.g. a plain-HTTP port). */
    NOT_TLS,
    /** The peer speaks TLS but ended the handshake before presenting a certificate. */
    HANDSHAKE_FAILED,
    /** Any other network error. */
    NETWORK
  }

  private final Failure failure;

  public FetchException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public Failure failure() {
    return failure;
  }
}
