package org.hostpki.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hostpki.model.IpAddresses;
import org.hostpki.fetch.FetchException.Failure;
import org.hostpki.model.ShellCommand;

/**
 * Turns what the JDK throws into messages an operator can act on. The JDK's TLS exceptions carry
 * their meaning only in their text, so that is what is matched; anything unrecognised keeps the
 * JDK's own words.
 */
final class FailureMessages {
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

  private FailureMessages() {}

  static FetchException unknownHost(Endpoint endpoint, UnknownHostException cause) {
    return new FetchException(
        Failure.UNKNOWN_HOST,
        "unknown host '" + endpoint.host() + "': the name does not resolve; check the spelling,"
            + " or give the device's IP address (with --servername NAME if it needs its name)",
        cause);
  }

  static FetchException lookupTimeout(Endpoint endpoint, Duration timeout, Throwable cause) {
    return new FetchException(
        Failure.TIMEOUT,
        "looking up '" + endpoint.host() + "' timed out after " + words(timeout)
            + ": check the name server, or give the device's IP address (with --servername NAME)",
        cause);
  }

  static FetchException lookupFailed(Endpoint endpoint, Throwable cause) {
    return new FetchException(
        Failure.NETWORK, "looking up '" + endpoint.host() + "' failed: " + cause, cause);
  }

  static FetchException interrupted(Endpoint endpoint, Throwable cause) {
    return new FetchException(Failure.NETWORK, "fetching from " + endpoint + " was interrupted", cause);
  }

  static FetchException connectFailed(
      Endpoint endpoint, List<InetAddress> tried, Duration timeout, IOException cause) {
    String where = endpoint + addresses(endpoint, tried);
    if (cause instanceof SocketTimeoutException) {
      return new FetchException(
          Failure.TIMEOUT,
          "connecting to " + where + " timed out after " + words(timeout)
              + ": nothing answered; check the host and port, or a firewall that drops the"
              + " connection (--timeout sets the limit)",
          cause);
    }
    if (cause instanceof ConnectException) {
      return new FetchException(
          Failure.REFUSED,
          "connection to " + where + " refused: nothing listens on port " + endpoint.port()
              + " there, or a firewall rejects it; check the port",
          cause);
    }
    if (cause instanceof NoRouteToHostException) {
      return new FetchException(
          Failure.UNREACHABLE,
          "no route to " + where + ": the host or its network is unreachable from here", cause);
    }
    return new FetchException(
        Failure.NETWORK, "cannot connect to " + where + ": " + cause.getMessage(), cause);
  }

  static FetchException handshakeFailed(
      Endpoint endpoint, InetAddress address, Duration timeout, boolean timedOut, IOException cause) {
    String where = endpoint + addresses(endpoint, List.of(address));
    if (timedOut) {
      return new FetchException(
          Failure.TIMEOUT,
          where + " accepted the connection but presented no certificate within " + words(timeout)
              + ": it may not speak TLS on this port (a protocol where the client speaks first,"
              + " such as plain HTTP) or it is overloaded; check the port",
          cause);
    }
    Optional<String> alert = alert(cause);
    if (alert.isPresent()) {
      return new FetchException(
          Failure.HANDSHAKE_FAILED,
          "TLS handshake with " + where + " failed: the server sent the alert '" + alert.get() + "'"
              + hint(alert.get(), endpoint),
          cause);
    }
    if (mentions(cause, "unrecognized ssl message") || mentions(cause, "plaintext connection")) {
      return new FetchException(
          Failure.NOT_TLS,
          where + " does not speak TLS: its answer is not a TLS handshake; is this a plain-HTTP"
              + " or other plain-text port? Check the port",
          cause);
    }
    if (closedByPeer(cause)) {
      return new FetchException(
          Failure.HANDSHAKE_FAILED,
          where + " closed the connection during the TLS handshake without presenting a"
              + " certificate: it may not speak TLS on this port, or it rejected our hello"
              + " (a server name it does not serve: try --servername NAME)",
          cause);
    }
    if (mentions(cause, "no appropriate protocol")) {
      return new FetchException(
          Failure.HANDSHAKE_FAILED,
          "TLS handshake with " + where + " failed: no protocol or cipher suite in common that"
              + " this Java allows; a device that speaks only TLS 1.0/1.1 can be viewed with"
              + " '" + ShellCommand.of("openssl", "s_client", "-connect", endpoint, "-showcerts") + "'",
          cause);
    }
    return new FetchException(
        Failure.HANDSHAKE_FAILED, "TLS handshake with " + where + " failed: " + cause.getMessage(), cause);
  }

  /** Why a handshake failed after the chain arrived: shown next to the chain, not as an error. */
  static String afterChain(Endpoint endpoint, Duration timeout, boolean timedOut, IOException cause) {
    if (timedOut) {
      return "the handshake did not complete within " + words(timeout);
    }
    Optional<String> alert = alert(cause);
    if (alert.isPresent()) {
      return "the server sent the alert '" + alert.get() + "'" + hint(alert.get(), endpoint);
    }
    if (closedByPeer(cause)) {
      // Typically a server that requires a client certificate: it hangs up while we still write.
      return "the server closed the connection after presenting its certificates (servers do"
          + " that when they require a client certificate)";
    }
    return String.valueOf(cause.getMessage());
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 10s}, {@code 1500ms}, as the option is written. */
  static String words(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
  }

  private static String hint(String alert, Endpoint endpoint) {
    return switch (alert) {
      case "handshake_failure", "insufficient_security" ->
          " (no protocol version or cipher suite in common with this Java, or the server"
              + " requires a client certificate)";
      case "protocol_version" ->
          " (it speaks only TLS versions this Java has disabled, probably TLS 1.0/1.1; view it"
              + " with '" + ShellCommand.of("openssl", "s_client", "-connect", endpoint, "-showcerts") + "')";
      case "unrecognized_name" ->
          " (it does not serve the name "
              + endpoint.serverName().map(n -> "'" + n + "'").orElse("we sent")
              + "; give the name it serves with --servername NAME)";
      case "bad_certificate", "certificate_required" ->
          " (it requires a client certificate)";
      case "access_denied" -> " (it refuses this client)";
      case "internal_error" -> " (the server failed on its side)";
      default -> "";
    };
  }

  private static Optional<String> alert(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        Matcher m = ALERT.matcher(t.getMessage());
        if (m.find()) {
          return Optional.of(m.group(1));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean mentions(Throwable e, String words) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(words)) {
        return true;
      }
    }
    return false;
  }

  private static boolean closedByPeer(Throwable e) {
    return causedBy(e, EOFException.class)
        || mentions(e, "remote host terminated")
        || (causedBy(e, SocketException.class)
            && (mentions(e, "connection reset") || mentions(e, "broken pipe")));
  }

  /** {@code " (127.0.0.1)"} for a name; nothing for an IP literal, which says it already. */
  private static String addresses(Endpoint endpoint, List<InetAddress> tried) {
    if (endpoint.literalAddress().isPresent() || tried.isEmpty()) {
      return "";
    }
    return tried.stream().map(IpAddresses::format).collect(Collectors.joining(", ", " (", ")"));
  }
}
