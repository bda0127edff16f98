package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One place hostpki installs certificates into: the operating system's trust store, one Java trust
 * store, or one NSS database. Its {@link #address()} names it in plans and in the install record.
 *
 * @param location the Java trust store's file or the NSS database's directory (absolute, as
 *     resolved when the target was named); empty for the system store
 */
public record InstallTarget(Kind kind, Optional<Path> location) implements Comparable<InstallTarget> {

  public InstallTarget {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    if ((kind == Kind.SYSTEM) != location.isEmpty()) {
      throw new IllegalArgumentException(
          kind == Kind.SYSTEM ? "the system store has no location" : kind.word + " needs a location");
    }
    location.ifPresent(
        p -> {
          if (!p.isAbsolute()) {
            throw new IllegalArgumentException("an install location must be absolute: " + p);
          }
        });
  }

  public enum Kind {
    SYSTEM("system"),
    JAVA("java"),
    NSS("nss");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  public static InstallTarget system() {
    return new InstallTarget(Kind.SYSTEM, Optional.empty());
  }

  /** A Java trust store file ({@code cacerts}). */
  public static InstallTarget java(Path keystore) {
    return new InstallTarget(Kind.JAVA, Optional.of(keystore));
  }

  /** An NSS database directory. */
  public static InstallTarget nss(Path directory) {
    return new InstallTarget(Kind.NSS, Optional.of(directory));
  }

  /** {@code system}, {@code java:/etc/ssl/certs/java/cacerts}, {@code nss:/home/app/.pki/nssdb}. */
  public String address() {
    return location.map(p -> kind.word + ":" + p).orElse(kind.word);
  }

  /** What starts a target's {@link #subject()}. */
  public static final String SUBJECT_PREFIX = "install/";

  /**
   * The target in plans, warnings and errors: {@code install/java:/etc/ssl/certs/java/cacerts}
   * (a warning's subject, an error's headline).
   */
  public String subject() {
    return SUBJECT_PREFIX + address();
  }

  /** The plan address of one entry: {@code install/nss:/home/app/.pki/nssdb/hostpki-ca}. */
  public String entryAddress(String entryName) {
    return subject() + "/" + InstallEntryNames.MARK + entryName;
  }

  /** The target an {@link #address()} names; empty when the text is not one. */
  public static Optional<InstallTarget> fromAddress(String address, java.nio.file.FileSystem fileSystem) {
    if (address.equals(Kind.SYSTEM.word)) {
      return Optional.of(system());
    }
    for (Kind kind : new Kind[] {Kind.JAVA, Kind.NSS}) {
      String prefix = kind.word + ":";
      if (address.startsWith(prefix) && address.length() > prefix.length()) {
        try {
          Path path = fileSystem.getPath(address.substring(prefix.length()));
          return path.isAbsolute() && path.normalize().equals(path)
              ? Optional.of(new InstallTarget(kind, Optional.of(path)))
              : Optional.empty();
        } catch (java.nio.file.InvalidPathException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public int compareTo(InstallTarget other) {
    int byKind = kind.compareTo(other.kind);
    return byKind != 0 ? byKind : address().compareTo(other.address());
  }

  @Override
  public String toString() {
    return address();
  }
}
