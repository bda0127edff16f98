package org.hostpki.property;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.hostpki.model.KeySpec;
import org.hostpki.pki.Certificate;

/**
 * One change to the {@link World}, with concrete values, so that a failing sequence can be
 * replayed and shrunk. An edit that would make the desired state invalid (a server certificate
 * without names) leaves the world as it is. Its {@link Reach} says what it may cause to be
 * re-issued: nothing else may change.
 */
record Edit(String description, Reach reach, Consumer<World> change) {

  /** What an edit may re-issue. */
  enum Reach {
    /** Only derived files: PKCS#12, trust entries and bundles. */
    OUTPUTS,
    /** The server certificate and key too, never the CA. */
    SERVER,
    /** Anything, the CA included. */
    CA
  }

  Edit(String description, Consumer<World> change) {
    this(description, Reach.SERVER, change);
  }

  void applyTo(World world) {
    change.accept(world);
    if (!world.hasSubjectAltNames()) {
      throw new IllegalStateException("an edit must keep a name: " + description);
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private static final List<String> DNS_NAMES =
      List.of("portal.example.com", "api.example.com", "*.apps.example.com", "www.example.org", "localhost");
  private static final List<String> IP_ADDRESSES =
      List.of("192.0.2.20", "198.51.100.7", "2001:db8::7", "127.0.0.1");
  private static final List<String> HOSTNAMES = List.of("portal", "portal2", "web-01");
  private static final List<Optional<String>> DOMAINS =
      List.of(Optional.of("example.com"), Optional.of("example.net"), Optional.empty());
  private static final List<String> HOST_ADDRESSES =
      List.of("192.0.2.10", "192.0.2.11", "2001:db8::10", "10.0.0.5");
  private static final List<KeySpec> SERVER_KEYS =
      List.of(
          KeySpec.defaultSpec(),
          new KeySpec.Ec(KeySpec.Curve.P384),
          new KeySpec.Ed25519(),
          KeySpec.defaultSpec(),
          new KeySpec.Rsa(2048)); // RSA is slow to make: one in five key changes
  private static final List<KeySpec> CA_KEYS =
      List.of(KeySpec.defaultSpec(), new KeySpec.Ec(KeySpec.Curve.P384));
  private static final List<Duration> CLOCK_STEPS =
      List.of(
          Duration.ofHours(1), Duration.ofDays(30), Duration.ofDays(200), Duration.ofDays(390),
          Duration.ofDays(3600));

  /** A random edit; trusted certificates come from {@code pool}. */
  static Edit random(Random random, List<Certificate> pool) {
    switch (random.nextInt(15)) {
      case 0: {
        String name = pick(random, DNS_NAMES);
        return new Edit("add dnsName " + name, w -> w.dnsNames.add(name));
      }
      case 1: {
        String name = pick(random, DNS_NAMES);
        return guarded("remove dnsName " + name, w -> w.dnsNames.remove(name));
      }
      case 2: {
        String address = pick(random, IP_ADDRESSES);
        return new Edit("add ipAddress " + address, w -> w.ipAddresses.add(address));
      }
      case 3: {
        String address = pick(random, IP_ADDRESSES);
        return guarded("remove ipAddress " + address, w -> w.ipAddresses.remove(address));
      }
      case 4: {
        KeySpec key = pick(random, SERVER_KEYS);
        return new Edit("server key " + key, w -> w.serverKey = key);
      }
      case 5: {
        KeySpec key = pick(random, CA_KEYS);
        return new Edit("CA key " + key, Reach.CA, w -> w.caKey = key);
      }
      case 6: {
        Optional<String> name = random.nextBoolean() ? Optional.empty() : Optional.of("CA " + random.nextInt(3));
        return new Edit("CA subject " + name.orElse("(named after the host)"), Reach.CA, w -> w.caName = name);
      }
      case 7:
        return new Edit("toggle clientAuth", w -> w.clientAuth = !w.clientAuth);
      case 8: {
        Duration validity = Duration.ofDays(List.of(60, 200, 398).get(random.nextInt(3)));
        return new Edit("server validity " + validity.toDays() + "d", w -> w.serverValidity = validity);
      }
      case 9: {
        int index = random.nextInt(pool.size());
        String name = "t" + random.nextInt(3);
        return new Edit("trust " + name + " = pool[" + index + "]", Reach.OUTPUTS, w -> w.trust.put(name, pool.get(index)));
      }
      case 10: {
        String name = "t" + random.nextInt(3);
        return new Edit("untrust " + name, Reach.OUTPUTS, w -> w.trust.remove(name));
      }
      case 11:
        return random.nextBoolean()
            ? new Edit("toggle prune", Reach.OUTPUTS, w -> w.prune = !w.prune)
            : new Edit("toggle password", Reach.OUTPUTS, w -> w.password = !w.password);
      case 12: {
        int what = random.nextInt(3);
        if (what == 0) {
          String hostname = pick(random, HOSTNAMES);
          return new Edit("hostname " + hostname, w -> w.hostname = hostname);
        }
        if (what == 1) {
          Optional<String> domain = pick(random, DOMAINS);
          return new Edit("domain " + domain.orElse("(none)"), w -> w.domain = domain);
        }
        String address = pick(random, HOST_ADDRESSES);
        return new Edit("host address toggle " + address,
            w -> {
              if (!w.hostAddresses.remove(address)) {
                w.hostAddresses.add(address);
              }
            });
      }
      case 13:
        return guarded("toggle includeHostIdentity", w -> w.includeHostIdentity = !w.includeHostIdentity);
      default: {
        Duration step = pick(random, CLOCK_STEPS);
        return new Edit("clock +" + step, Reach.CA, w -> w.now = w.now.plus(step));
      }
    }
  }

  /** An edit that is skipped when it would leave the server certificate without a name. */
  private static Edit guarded(String description, Consumer<World> change) {
    return new Edit(
        description,
        Reach.SERVER,
        w -> {
          World probe = copyOf(w);
          change.accept(probe);
          if (probe.hasSubjectAltNames()) {
            change.accept(w);
          }
        });
  }

  private static World copyOf(World w) {
    World c = new World();
    c.dnsNames.clear();
    c.dnsNames.addAll(w.dnsNames);
    c.ipAddresses.addAll(w.ipAddresses);
    c.includeHostIdentity = w.includeHostIdentity;
    c.hostname = w.hostname;
    c.domain = w.domain;
    c.hostAddresses.clear();
    c.hostAddresses.addAll(w.hostAddresses);
    return c;
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
