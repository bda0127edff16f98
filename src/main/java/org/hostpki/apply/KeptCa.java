package org.hostpki.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.plan.PlanInput;
import org.hostpki.store.Generation;
import org.hostpki.store.StoreDirectory;

/**
 * A CA certificate and its key in a kept generation newer than the current one: what a rollback
 * went back past. A CA made again (a rotation started anew, a CA replaced) takes over such a key
 * rather than making one: clients may already trust it.
 *
 * @param generation the kept generation
 * @param file {@code ca-next.crt} or {@code ca.crt}
 */
public record KeptCa(String generation, String file, Certificate certificate, KeyMaterial key) {
  public KeptCa {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
  }

  /**
   * The CAs with their keys of the kept generations newer than {@code current}, newest first;
   * none when {@code current} is the newest (no rollback) or unknown. A generation that cannot be
   * read, or a certificate without its key, is passed over: it only cannot lend its key.
   */
  static List<KeptCa> newerThan(StoreDirectory directory, Optional<String> current) {
    if (current.isEmpty()) {
      return List.of();
    }
    List<KeptCa> kept = new ArrayList<>();
    for (Generation g : directory.generations()) {
      if (g.name().equals(current.get())) {
        break;
      }
      read(directory, g.name(), StoreLayout.CA_NEXT_CERT, StoreLayout.CA_NEXT_KEY).ifPresent(kept::add);
      read(directory, g.name(), StoreLayout.CA_CERT, StoreLayout.CA_KEY).ifPresent(kept::add);
    }
    return kept;
  }

  /**
   * The kept generations other than {@code current} that still hold the key of the store's {@code
   * ca.crt} when the current generation lacks it, newest first: the
   * rollback that restores a key deleted by hand. A generation that cannot be read is passed over.
   */
  static List<PlanInput.KeptKey> keysOf(
      StoreDirectory directory, Optional<String> current, StoreContents store) {
    List<PlanInput.KeptKey> kept = new ArrayList<>();
    if (current.isEmpty()
|| store.caCertificate().isEmpty() || store.caKey().isPresent()) {
      return kept;
    }
    for (Generation g : directory.generations()) {
      if (g.name().equals(current.get())) {
        continue;
      }
      holds(directory, g.name(), store.caCertificate().get(), StoreLayout.CA_KEY).ifPresent(kept::add);
    }
    return kept;
  }

  private static Optional<PlanInput.KeptKey> holds(
      StoreDirectory directory,
      String generation,
      Certificate certificate,
      String keyFile) {
    try {
      Optional<byte[]> key = directory.generationFile(generation, keyFile);
      if (key.isPresent() && KeyMaterial.fromPem(key.get()).matches(certificate)) {
        return Optional.of(new PlanInput.KeptKey(generation, keyFile));
      }
    } catch (HostpkiException | InvalidMaterialException e) {
      // unreadable: it cannot give the key back
    }
    return Optional.empty();
  }

  private static Optional<KeptCa> read(StoreDirectory directory, String generation, String certFile, String keyFile) {
    try {
      Optional<byte[]> cert = directory.generationFile(generation, certFile);
      Optional<byte[]> key = cert.isEmpty() ? Optional.empty() : directory.generationFile(generation, keyFile);
      if (key.isEmpty()) {
        return Optional.empty();
      }
      List<Certificate> certs = Pem.readCertificates(cert.get());
      KeyMaterial material = KeyMaterial.fromPem(key.get());
      if (certs.size() != 1 || !material.matches(certs.get(0))) {
        return Optional.empty();
      }
      return Optional.of(new KeptCa(generation, certFile, certs.get(0), material));
    } catch (HostpkiException | InvalidMaterialException e) {
      return Optional.empty();
    }
  }

  /** What the planner is told of it. */
  PlanInput.KeptCa facts() {
    return new PlanInput.KeptCa(generation, file, certificate.facts());
  }
}
