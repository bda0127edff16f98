package org.hostpki.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Held;
import org.hostpki.store.StoreFile;

/**
 * Which certificate a plan's {@link Held} names, in the store as it is or in a new set of store
 * files before it is committed: what {@link TrustInstalls} puts in a target.
 */
final class HeldCertificates {
  private HeldCertificates() {}

  /** The certificates of the store as it is: its CAs and trusted certificates. */
  static Function<Held, Optional<Certificate>> held(StoreContents store) {
    return held -> {
      if (held instanceof Held.Trusted t) {
        return Optional.ofNullable(store.trusted().get(t.name()));
      }
      return switch ((Held.Stored) held) {
        case CA -> store.caCertificate();
        case CA_NEXT -> store.caNextCertificate();
        case CA_PREVIOUS -> store.caPreviousCertificate();
        case SERVER -> store.serverCertificate();
      };
    };
  }

  /** The certificates of a new set of store files, before it is committed. */
  static Function<Held, Optional<Certificate>> held(SortedMap<String, StoreFile> files) {
    return held -> {
      String name =
          held instanceof Held.Trusted t
              ? StoreLayout.trustFile(t.name())
              : switch ((Held.Stored) held) {
                case CA -> StoreLayout.CA_CERT;
                case CA_NEXT -> StoreLayout.CA_NEXT_CERT;
                case CA_PREVIOUS -> StoreLayout.CA_PREVIOUS_CERT;
                case SERVER -> StoreLayout.SERVER_CERT;
              };
      StoreFile file = files.get(name);
      if (file == null) {
        return Optional.empty();
      }
      try {
        return Pem.readCertificates(file.content()).stream().findFirst();
      } catch (InvalidMaterialException e) {
        throw new HostpkiException("the new " + name + " cannot be read back: " + e.getMessage());
      }
    };
  }

  /** What may be installed now, by fingerprint: the store's certificates and the declared ones. */
  static Map<Fingerprint, Certificate> known(StoreContents store, SortedMap<String, Certificate> declared) {
    Map<Fingerprint, Certificate> out = new HashMap<>();
    List<Certificate> all = new ArrayList<>(declared.values());
    all.addAll(store.trusted().values());
    store.caCertificate().ifPresent(all::add);
    store.caNextCertificate().ifPresent(all::add);
    store.caPreviousCertificate().ifPresent(all::add);
    all.forEach(c -> out.put(c.fingerprint(), c));
    return out;
  }
}
