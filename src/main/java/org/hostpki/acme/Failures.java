package org.hostpki.acme;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.hostpki.model.DateText;
import org.hostpki.model.TerminalText;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeNotSupportedException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUnauthorizedException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;

/** acme4j's exceptions as {@link AcmeFailure}s whose one line says what happened and what to do. */
final class Failures {
  private Failures() {}

  /** The CA's problem document as our value. */
  static AcmeProblem problem(Problem p) {
    String type;
    try {
      type = p.getType().toString();
    } catch (RuntimeException e) {
      type = "about:blank";
    }
    List<AcmeProblem> subs = new ArrayList<>();
    try {
      p.getSubProblems().forEach(s -> subs.add(problem(s)));
    } catch (RuntimeException e) {
      // a malformed subproblem list: the top-level problem still says what happened
    }
    Optional<String> identifier;
    try {
      identifier = p.getIdentifier().map(i -> i.getType() + ":" + i.getValue());
    } catch (RuntimeException e) {
      identifier = Optional.empty();
    }
    return new AcmeProblem(type, p.getTitle(), p.getDetail(), identifier, subs);
  }

  /**
   * @param doing what was being done, for the message: "creating the ACME account"
   * @param server the directory URL, for messages about reaching it
   */
  static AcmeFailure translate(Throwable e, String doing, String server) {
    Throwable t = e instanceof AcmeLazyLoadingException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof AcmeFailure f) {
      return f;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OrderDeadline.RanOut ranOut) { // however acme4j wrapped it
        return ranOut.failure(doing, server);
      }
    }
    if (t instanceof AcmeRateLimitedException r) {
      AcmeProblem p = problem(r.getProblem());
      return new AcmeFailure(
          AcmeFailure.Kind.RATE_LIMITED,
          doing + ": the CA's rate limit was reached: " + p.describe()
              + r.getRetryAfter().map(at -> "; it may be tried again after " + DateText.precise(at)).orElse(""),
          Optional.of(p), r.getRetryAfter(), t);
    }
    if (t instanceof AcmeUserActionRequiredException u) {
      AcmeProblem p = problem(u.getProblem());
      String visit =
          u.getTermsOfServiceUri().map(uri -> "; read the new terms at " + TerminalText.escape(uri.toString()))
              .or(() -> u.getProblem().getInstance().map(uri -> "; visit " + TerminalText.escape(uri.toString())))
              .orElse("");
      return new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION, doing + ": the CA requires an action by you: " + p.describe() + visit,
          Optional.of(p), Optional.empty(), t);
    }
    if (t instanceof AcmeUnauthorizedException u) {
      AcmeProblem p = problem(u.getProblem());
      return new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION, doing + ": the CA refused the request: " + p.describe(),
          Optional.of(p), Optional.empty(), t);
    }
    if (t instanceof AcmeServerException s) {
      AcmeProblem p = problem(s.getProblem());
      AcmeFailure.Kind kind =
          p.is("externalAccountRequired") || p.is("unsupportedContact") || p.is("invalidContact")
                  || p.is("userActionRequired") || p.is("badSignatureAlgorithm")
              ? AcmeFailure.Kind.CONFIGURATION
              : p.is("rateLimited") ? AcmeFailure.Kind.RATE_LIMITED : AcmeFailure.Kind.CA_PROBLEM;
      return new AcmeFailure(kind, doing + ": the CA answered " + p.describe(), Optional.of(p), Optional.empty(), t);
    }
    if (t instanceof AcmeNetworkException && t.getCause() instanceof IOException io) {
      return network(io, doing, server);
    }
    if (t instanceof AcmeNotSupportedException n) {
      return new AcmeFailure(
          AcmeFailure.Kind.CONFIGURATION, doing + ": " + TerminalText.escape(n.getMessage()), Optional.empty(),
          Optional.empty(), t);
    }
    if (t instanceof AcmeProtocolException || t instanceof AcmeException) {
      String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (t.getCause() instanceof IOException io && !(t.getCause() instanceof SSLException)) {
        return network(io, doing, server);
      }
      return new AcmeFailure(
          AcmeFailure.Kind.PROTOCOL,
          doing + ": unexpected answer from the ACME server " + server + ": " + TerminalText.escape(why),
          Optional.empty(), Optional.empty(), t);
    }
    if (t instanceof IOException io) {
      return network(io, doing, server);
    }
    // acme4j's own checks of an answer throw plain runtime exceptions (an order "valid" without a
    // certificate URL: IllegalStateException; a problem type that is no URI:
    // IllegalArgumentException): the CA's answer is the fault, not a class name to show.
    String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new AcmeFailure(
        AcmeFailure.Kind.PROTOCOL,
        doing + ": unexpected answer from the ACME server " + server + ": " + TerminalText.escape(why),
        Optional.empty(), Optional.empty(), t);
  }

  private static AcmeFailure network(IOException io, String doing, String server) {
    for (Throwable c = io; c != null; c = c.getCause()) {
      if (c instanceof BoundedHttpClient.RefusedRedirect refused) {
        return new AcmeFailure(
            AcmeFailure.Kind.CONFIGURATION, doing + ": a redirect was not followed: " + refused.getMessage(),
            Optional.empty(), Optional.empty(), io);
      }
    }
    Throwable root = io;
    for (Throwable c = io; c != null; c = c.getCause()) {
      root = c;
      if (c instanceof SSLHandshakeException || c instanceof CertPathValidatorException) {
        break;
      }
    }
    if (hasCause(io, SSLHandshakeException.class) || hasCause(io, CertPathValidatorException.class)) {
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return new AcmeFailure(
          AcmeFailure.Kind.TLS_UNTRUSTED,
          doing + ": the TLS certificate of the ACME server " + server + " is not trusted ("
              + TerminalText.escape(why) + "); for a private CA, put the CA certificate that signs"
              + " the server's certificate in server.acme.caBundle",
          Optional.empty(), Optional.empty(), io);
    }
    if (hasCause(io, java.net.ProtocolException.class)) {
      // The CA answered, but not in HTTP the JDK accepts (a header with control characters):
      // "cannot reach" sent people looking for a network fault.
      return new AcmeFailure(
          AcmeFailure.Kind.PROTOCOL,
          doing + ": unexpected answer from the ACME server " + server + ": not valid HTTP ("
              + TerminalText.escape(String.valueOf(io.getMessage())) + ")",
          Optional.empty(), Optional.empty(), io);
    }
    String why;
    if (hasCause(io, ConnectException.class)) {
      why = "the connection was refused; is the ACME server running and the URL right?";
    } else if (hasCause(io, UnknownHostException.class)) {
      why = "the host name does not resolve";
    } else if (hasCause(io, HttpConnectTimeoutException.class) || hasCause(io, HttpTimeoutException.class)) {
      why = "it did not answer in time";
    } else {
      why = TerminalText.escape(String.valueOf(io.getMessage() == null ? io : io.getMessage()));
    }
    return new AcmeFailure(
        AcmeFailure.Kind.UNREACHABLE, doing + ": cannot reach the ACME server " + server + ": " + why,
        Optional.empty(), Optional.empty(), io);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
