package org.hostpki.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** How this host proves to an ACME CA that it controls a name or address. */
public sealed interface AcmeChallenge {

  /** The challenge type as ACME names it. */
  String type();

  /**
   * http-01 answered by hostpki's own HTTP listener, open only while an order runs.
   *
   * @param listen where it listens; the CA connects to port 80
   */
  record Http01Listener(ListenAddress listen) implements AcmeChallenge {
    public static final ListenAddress DEFAULT = ListenAddress.anyAddress(80);

    public Http01Listener {
      Objects.requireNonNull(listen, "listen");
    }

    @Override
    public String type() {
      return "http-01";
    }
  }

  /**
   * http-01 answered by a web server already running: hostpki writes the token files into
   * {@code WEBROOT/.well-known/acme-challenge/} and removes them after the order.
   */
  record Http01Webroot(Path webroot) implements AcmeChallenge {
    public Http01Webroot {
      Objects.requireNonNull(webroot, "webroot");
    }

    @Override
    public String type() {
      return "http-01";
    }
  }

  /**
   * tls-alpn-01 (RFC 8737) answered by hostpki's own TLS listener, open only while an order runs.
   *
   * @param listen where it listens; the CA connects to port 443
   */
  record TlsAlpn01Listener(ListenAddress listen) implements AcmeChallenge {
    public static final ListenAddress DEFAULT = ListenAddress.anyAddress(443);

    public TlsAlpn01Listener {
      Objects.requireNonNull(listen, "listen");
    }

    @Override
    public String type() {
      return "tls-alpn-01";
    }
  }

  /**
   * dns-01 through a program that presents and removes the TXT record.
   *
   * @param hook the program and its arguments, run without a shell
   * @param timeout how long one run of the hook may take before it is killed
   */
  record Dns01Hook(List<String> hook, Duration timeout) implements AcmeChallenge {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public Dns01Hook {
      hook = List.copyOf(hook);
      if (hook.isEmpty()) {
        throw new IllegalArgumentException("a dns-01 hook needs a program");
      }
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String type() {
      return "dns-01";
    }
  }
}
