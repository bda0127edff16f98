package org.hostpki.plan;

import java.util.Objects;
import org.hostpki.model.Fingerprint;

/**
 * A certificate a derived output holds, named by where the store keeps it after apply: the planner
 * decides what each output holds and in which order (or under which alias), and apply only looks
 * the certificates up in the set it makes, so a certificate this plan issues is named before it
 * exists.
 */
public sealed interface Held {

  /** A certificate in a file of the store's own: {@code ca.crt}, {@code ca-next.crt}, … */
  enum Stored implements Held {
    /** {@code ca.crt}. */
    CA,
    /** {@code ca-next.crt}: the CA a phased rotation moves to. */
    CA_NEXT,
    /** {@code ca-previous.crt}: the CA a rotation moved away from, still trusted. */
    CA_PREVIOUS,
    /** {@code server.crt}. */
    SERVER
  }

  /** {@code trust/NAME.crt}. */
  record Trusted(String name) implements Held {
    public Trusted {
      Objects.requireNonNull(name, "name");
    }
  }

  /** An intermediate of the imported chain {@code server.crt} is served with. */
  record Issuer(Fingerprint fingerprint) implements Held {
    public Issuer {
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /**
   * The intermediates of the chain this plan's ACME order brings ({@link Intent.OrderAcme}), in the
   * CA's order: not known before the order, so they are named as a whole (none or more).
   */
  enum Ordered implements Held {
    INTERMEDIATES
  }
}
