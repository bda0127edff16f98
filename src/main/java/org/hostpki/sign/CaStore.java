package org.hostpki.sign;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.apply.StoreObserver;
import org.hostpki.plan.ClockCheck;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreCommit;
import org.hostpki.store.StoreSnapshot;

/**
 * The CA host's store as {@code sign} and {@code revoke} use it: the CA read and checked for
 * signing, the lock, and the commit of a new generation that carries every current file over
 * byte for byte and adds the command's records, in the envelope every writer shares ({@link
 * StoreCommit}: lock, read, carry over, commit, tidy-up notices).
 */
final class CaStore {
  private final DesiredState caHost;
  private final Clock clock;
  private final StoreDirectory directory;

  CaStore(DesiredState caHost, Clock clock) {
    this.caHost = caHost;
    this.clock = clock;
    this.directory = StoreDirectory.of(caHost, clock);
  }

  /** The CA certificate and its key, checked to be usable for signing now. */
  record SigningCa(Certificate certificate, KeyMaterial key) {}

  /** The command that works on the store, for messages. */
  enum Command {
    SIGN("sign", "signed", "a certificate signed now"),
    REVOKE("revoke", "revoked", "a CRL written now");

    final String verb;
    final String done;
    /** What the command dates with the clock, for messages. */
    final String dated;

    Command(String verb, String done, String dated) {
      this.verb = verb;
      this.done = done;
      this.dated = dated;
    }
  }

  Path path() {
    return caHost.store().path();
  }

  StoreDirectory directory() {
    return directory;
  }

  StoreSnapshot read() {
    return directory.read();
  }

  /**
   * The store's lock and the live set read under it, the envelope apply writes in too. Makes the
   * store directory: check the CA first.
   */
  StoreCommit begin(Duration timeout, Command command) {
    return begin(timeout, command, words -> {});
  }

  /** {@link #begin(Duration, Command)}, telling {@code waiting} whom it waits for, if it must. */
  StoreCommit begin(Duration timeout, Command command, Consumer<String> waiting) {
    return StoreCommit.begin(directory, timeout, command.verb, clock, waiting);
  }

  /**
   * {@link #begin(Duration, Command, Consumer)} after reading the store ({@code before}) without
   * the lock: that read is the live set unless another writer committed meanwhile.
   */
  StoreCommit begin(Duration timeout, Command command, Consumer<String> waiting, StoreSnapshot before) {
    return StoreCommit.begin(directory, timeout, command.verb, clock, waiting, before);
  }

  /**
   * Commits the live files byte for byte plus {@code added} (certificates or a CRL, new or
   * replacing one of the same name); returns the generation.
   *
   * @param notes gets the tidy-up problem when the commit succeeded but tidying up after it failed
   */
  String commit(
      StoreCommit envelope, Map<String, byte[]> added, String metadata, List<String> notes) {
    SortedMap<String, StoreFile> files = envelope.carriedOver();
    added.forEach((name, bytes) -> files.put(name, new StoreFile(bytes, FileKind.CERTIFICATES)));
    return envelope.commit(files, metadata.getBytes(StandardCharsets.UTF_8), notes);
  }

  /**
   * The store's CA, usable for signing now; refuses a clock that cannot be right (before {@link
   * ClockCheck#EARLIEST}, as apply does), which would date what it signs then.
   */
  SigningCa ca(StoreSnapshot snapshot, Instant now, Command command) {
    ClockCheck.beforeRelease(
            now,
            "Nothing was " + command.done + ": " + command.dated + " would be dated then, and no"
                + " client would accept it")
        .ifPresent(
            message -> {
              throw new HostpkiException(message);
            });
    Path store = path();
    Optional<byte[]> certFile = snapshot.file(StoreLayout.CA_CERT);
    Optional<byte[]> keyFile = snapshot.file(StoreLayout.CA_KEY);
    if (certFile.isEmpty() || keyFile.isEmpty()) {
      throw new HostpkiException(
          "store " + store + " holds no CA yet (no " + (certFile.isEmpty() ? StoreLayout.CA_CERT : StoreLayout.CA_KEY)
              + "); run " + ShellCommand.hostpki("apply", "-f", caHost.source()) + " first, then " + command.verb);
    }
    // Parsed as apply's observer parses them, with this command's advice in its errors.
    StoreObserver.StoreCa read = new StoreObserver().ca(snapshot, store, repair(command));
    Certificate cert = read.certificate().orElseThrow();
    KeyMaterial key = read.key().orElseThrow();
    if (!cert.facts().ca()) {
      throw damaged(store.resolve(StoreLayout.CA_CERT), "is not a CA certificate (basicConstraints cA is not set)", command);
    }
    if (!key.matches(cert)) {
      throw damaged(store.resolve(StoreLayout.CA_KEY), "is not the key of ca.crt", command);
    }
    if (cert.facts().isExpiredAt(now)) {
      throw new HostpkiException(
          store.resolve(StoreLayout.CA_CERT) + ": the CA certificate expired on "
              + DateText.of(cert.facts().notAfter()) + "; nothing was " + command.done + ": run "
              + ShellCommand.hostpki("apply", "-f", caHost.source()) + " to renew it, and give the hosts the new CA certificate to trust");
    }
    if (cert.facts().isNotYetValidAt(now)) {
      throw new HostpkiException(
          store.resolve(StoreLayout.CA_CERT) + ": the CA certificate is valid only from "
              + DateText.of(cert.facts().notBefore()) + "; check this host's clock");
    }
    return new SigningCa(cert, key);
  }

  private static HostpkiException damaged(Path file, String reason, Command command) {
    return new HostpkiException(file + ": " + reason + "; " + repair(command));
  }

  private static String repair(Command command) {
    return "the CA store is damaged: restore the file (from a backup or an older generation of the"
        + " store); nothing was " + command.done;
  }
}
