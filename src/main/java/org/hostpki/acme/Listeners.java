package org.hostpki.acme;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.hostpki.model.ListenAddress;

/** What the built-in challenge listeners share. */
final class Listeners {
  private Listeners() {}

  static AcmeFailure cannotListen(String challenge, ListenAddress listen, IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String lower = why.toLowerCase(Locale.ROOT);
    String fix;
    if (lower.contains("permission denied") || lower.contains("access denied")) {
      fix = "; ports below 1024 need root or CAP_NET_BIND_SERVICE (see the systemd units), or listen on a"
          + " higher port behind a port forward";
    } else if (lower.contains("in use")) {
      fix = "; another program holds the port: stop it during the order, or use "
          + (challenge.equals("http-01") ? "http01.webroot of the web server that holds it" : "another challenge");
    } else {
      fix = "";
    }
    return new AcmeFailure(
        AcmeFailure.Kind.CHALLENGE_SETUP,
        "cannot listen on " + listen + " for " + challenge + ": " + why + fix);
  }

  static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
