package org.hostpki.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Address;
import org.hostpki.plan.ReasonCode;
import org.hostpki.store.Generation;
import org.hostpki.store.StoreDirectory;

/**
 * A rollback back past an {@code apply --replace ca}, which is for a suspected key compromise:
 * the CA it replaced signs again, and the next plain apply keeps it, since the desired state names
 * no CA. Nothing else would say so: the plan after the rollback shows no change to the CA.
 */
final class ReplacedCaNotice {
  private ReplacedCaNotice() {}

  /** The warning for a switch from {@code from} to {@code to}, when it goes back past one. */
  static Optional<String> of(StoreDirectory store, String from, String to, String file) {
    try {
      Optional<byte[]> left = store.generationFile(from, StoreLayout.CA_CERT);
      Optional<byte[]> reinstated = store.generationFile(to, StoreLayout.CA_CERT);
      if (left.isEmpty() || reinstated.isEmpty() || Arrays.equals(left.get(), reinstated.get())) {
        return Optional.empty();
      }
      List<Generation> generations = store.generations();
      Optional<Generation> source = generations.stream().filter(g -> g.name().equals(from)).findFirst();
      Optional<Generation> target = generations.stream().filter(g -> g.name().equals(to)).findFirst();
      if (source.isEmpty() || target.isEmpty() || !target.get().time().isBefore(source.get().time())) {
        return Optional.empty(); // forward: the replacement is what it goes to
      }
      Optional<Generation> replacing =
          generations.stream()
              .filter(g -> g.time().isAfter(target.get().time()) && !g.time().isAfter(source.get().time()))
              .filter(ReplacedCaNotice::replacedTheCaOnRequest)
              .findFirst();
      if (replacing.isEmpty()) {
        return Optional.empty();
      }
      List<Certificate> ca = Pem.readCertificates(reinstated.get());
      if (ca.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          "generation " + replacing.get().name() + " replaced the CA on request (--replace ca, which"
              + " is for a suspected key compromise); generation " + to + " holds the CA it replaced ("
              + TerminalText.escape(ca.get(0).facts().subjectDn()) + ", sha256 "
              + ca.get(0).fingerprint().colonHex() + "), which now signs again and stays after the"
              + " next '" + ShellCommand.hostpki("apply", "-f", file) + "'. If its key may have been compromised,"
              + " run '" + ShellCommand.hostpki("apply", "-f", file, "--replace", "ca") + "' again (clients must then trust the new"
              + " CA)");
    } catch (HostpkiException | InvalidMaterialException e) {
      return Optional.empty(); // the summary already says what cannot be read
    }
  }

  /** Whether the plan its {@code .generation.json} records replaced the CA for --replace ca. */
  private static boolean replacedTheCaOnRequest(Generation generation) {
    return generation.metadata().flatMap(GenerationSummary::recordedChanges).orElse(List.of()).stream()
        .anyMatch(c -> c.address().equals(Address.CA) && c.reasons().contains(ReasonCode.REPLACE_REQUESTED.code()));
  }
}
