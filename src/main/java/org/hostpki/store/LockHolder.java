package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who holds a store's lock, as written into the lock file so that a refused caller can say so:
 *
 * <pre>
 * pid: 1234
 * since: 2026-03-01T12:00:00Z
 * holder: hostpki apply
 * pid-namespace: pid:[4026531836]
 * </pre>
 *
 * <p>The PID is the one the holder sees: in a container (a PID namespace of its own) often 1. The
 * namespace, when known, tells a refused caller elsewhere that the number is not one of its own
 * (empty when unknown, as in a file an earlier version wrote).
 */
record LockHolder(long pid, Instant since, String description, String pidNamespace) {

  LockHolder {
    since = since.truncatedTo(ChronoUnit.SECONDS);
    description = description.replaceAll("\\s+", " ").strip();
    pidNamespace = pidNamespace.replaceAll("\\s+", "");
  }

  LockHolder(long pid, Instant since, String description) {
    this(pid, since, description, "");
  }

  byte[] toBytes() {
    return ("pid: " + pid + "\nsince: " + since + "\nholder: " + description + "\n"
            + (pidNamespace.isEmpty() ? "" : "pid-namespace: " + pidNamespace + "\n"))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Empty when the file is empty (its holder has not written it yet) or not in this form. */
  static Optional<LockHolder> parse(byte[] content) {
    Long pid = null;
    Instant since = null;
    String description = null;
    String pidNamespace = "";
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        continue;
      }
      String value = line.substring(colon + 2);
      try {
        switch (line.substring(0, colon)) {
          case "pid" -> pid = Long.parseLong(value);
          case "since" -> since = Instant.parse(value);
          case "holder" -> description = value;
          case "pid-namespace" -> pidNamespace = value;
          default -> { }
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (pid == null || since == null || description == null) {
      return Optional.empty();
    }
    return Optional.of(new LockHolder(pid, since, description, pidNamespace));
  }

  /**
   * For a refusal in a process in {@code ownPidNamespace}, to which the kernel names {@code
   * kernelPid} as the lock's holder: the holder as that process can find it. A holder in another PID
   * namespace is named by the kernel's PID, with its own PID said to be a container's; one the kernel
   * does not show is in a namespace this process cannot see. The kernel naming another process than
   * the file in the same namespace means the file is an earlier holder's (killed before it emptied
   * the file) and the new holder has not named itself yet.
   */
  String seenFrom(Optional<String> ownPidNamespace, OptionalLong kernelPid) {
    boolean elsewhere =
        !pidNamespace.isEmpty() && ownPidNamespace.isPresent() && !ownPidNamespace.get().equals(pidNamespace);
    if (elsewhere) {
      String there = "pid " + pid + " in another PID namespace, " + pidNamespace + ": a container's";
      return kernelPid.isPresent()
          ? "pid " + kernelPid.getAsLong() + " (" + description + ", since " + since + "; " + there + ")"
          : description + " (since " + since + "; " + there
              + " or the host's, which this one cannot see: look for it there)";
    }
    if (kernelPid.isPresent() && kernelPid.getAsLong() != pid && !pidNamespace.isEmpty()) {
      return "pid " + kernelPid.getAsLong() + " (which has not named itself yet; the lock file still"
          + " names an earlier holder, pid " + pid + ")";
    }
    return toString();
  }

  /** For messages: {@code pid 1234 (hostpki apply, since 2026-03-01T12:00:00Z)}. */
  @Override
  public String toString() {
    return "pid " + pid + " (" + description + ", since " + since + ")";
  }
}
