package org.hostpki.plan;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;

/** What applying a change must produce: everything apply needs, decided by the planner. */
public sealed interface Intent {

  /**
   * Issue the internal root CA.
   *
   * @param newKey make a new key pair; otherwise keep the store's {@code ca.key}
   */
  record IssueCa(Subject subject, KeySpec key, Duration validity, boolean newKey)
      implements Intent {
    public IssueCa {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validity, "validity");
    }
  }

  /**
   * Issue the server certificate from the internal CA.
   *
   * @param newKey make a new key pair; otherwise keep the store's {@code server.key}
   */
  record IssueServer(
      Subject subject,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      KeySpec key,
      Duration validity,
      boolean clientAuth,
      boolean newKey)
      implements Intent {
    public IssueServer {
      Objects.requireNonNull(subject, "subject");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validity, "validity");
    }
  }

  /** Write a derived file anew from the certificates the store will hold. */
  record WriteOutput(Output output) implements Intent {}

  /** Remove a derived file that is no longer wanted. */
  record RemoveOutput(Output output) implements Intent {}

  /** Put a declared certificate under {@code trust/NAME.crt}. */
  record PutTrusted(String name, Fingerprint fingerprint) implements Intent {}

  /** Remove {@code trust/NAME.crt}. */
  record RemoveTrusted(String name) implements Intent {}
}
