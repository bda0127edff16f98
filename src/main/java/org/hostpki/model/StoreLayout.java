package org.hostpki.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store's files: their names, the aliases inside its PKCS#12 files, and what each file holds
 * ({@link FileKind}), from which the store package decides modes and checks. The one home of these
 * names: the planner, apply, sign, the store and the commands all take them from here.
 *
 * <p>The certificates hostpki makes start a little before they are made ({@link Backdate}); that
 * rule, too, is read from one place by the issuer, the planner and signing.
 *
 * <p>Names are relative and {@code /}-separated; a set's files lie at its top or directly in one of
 * its {@link #DIRECTORIES}. A layout maps each name to its kind: the store's own files are fixed;
 * the files a desired state declares on top of them (outputs) join through {@link #of}.
 */
public final class StoreLayout {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  /** The CA a rotation moves to, trusted before it signs. */
  public static final String CA_NEXT_CERT = "ca-next.crt";

  public static final String CA_NEXT_KEY = "ca-next.key";
  /** The CA a rotation moved away from, trusted for one more overlap. */
  public static final String CA_PREVIOUS_CERT = "ca-previous.crt";

  public static final String SERVER_KEY = "server.key";
  public static final String SERVER_CERT = "server.crt";
  /** The leaf, then what a server sends with it. */
  public static final String SERVER_FULLCHAIN = "server-fullchain.crt";
  /** The request for an external CA. */
  public static final String SERVER_CSR = "server.csr";

  public static final String SERVER_PKCS12 = "server.p12";
  /** The chain imported last from {@code server.external.chain}, leaf first. */
  public static final String EXTERNAL_CHAIN = "external-chain.crt";

  public static final String TRUST_BUNDLE = "trust-bundle.crt";
  public static final String TRUSTSTORE_PKCS12 = "truststore.p12";
  /** What the PKCS#12 files hold, so that a converged run need not decrypt them. */
  public static final String PKCS12_RECORD = ".pkcs12-facts";

  /** {@code trust/NAME.crt}: one file per trusted certificate. */
  public static final String TRUST_DIRECTORY = "trust";
  /** {@code trust-hashed/HASH.N}: the trusted certificates under OpenSSL subject-hash names. */
  public static final String HASHED_DIRECTORY = "trust-hashed";
  /** {@code issued/SERIAL.crt}: what a fleet CA signed. */
  public static final String ISSUED_DIRECTORY = "issued";

  /** The only directories a set has. */
  public static final Set<String> DIRECTORIES =
      Set.of(TRUST_DIRECTORY, HASHED_DIRECTORY, ISSUED_DIRECTORY);

  /**
   * Dot-files that are part of a set's content, written and read like any other file but listed
   * by no command. Every other top-level dot name belongs to the store's own machinery.
   */
  public static final Set<String> CONTENT_DOT_FILES = Set.of(PKCS12_RECORD);

  /** The PKCS#12 files, in the order the password is checked on them. */
  public static final List<String> PKCS12_FILES = List.of(SERVER_PKCS12, TRUSTSTORE_PKCS12);

  /** The alias of the key entry in {@code server.p12}. */
  public static final String SERVER_KEY_ALIAS = "server";
  /** The alias of the internal CA in {@code truststore.p12}. */
  public static final String CA_ALIAS = "hostpki-ca";
  /** The alias of {@code ca-next.crt} in {@code truststore.p12}. */
  public static final String CA_NEXT_ALIAS = "hostpki-ca-next";
  /** The alias of {@code ca-previous.crt} in {@code truststore.p12}. */
  public static final String CA_PREVIOUS_ALIAS = "hostpki-ca-previous";
  /** The aliases of the internal CAs, which no trusted certificate may take. */
  public static final Set<String> CA_ALIASES = Set.of(CA_ALIAS, CA_NEXT_ALIAS, CA_PREVIOUS_ALIAS);

  private static final String TRUST_PREFIX = TRUST_DIRECTORY + "/";
  private static final String TRUST_SUFFIX = ".crt";

  private static final Map<String, FileKind> FILES =
      Map.ofEntries(
          Map.entry(CA_CERT, FileKind.CERTIFICATES),
          Map.entry(CA_KEY, FileKind.PRIVATE_KEY),
          Map.entry(CA_NEXT_CERT, FileKind.CERTIFICATES),
          Map.entry(CA_NEXT_KEY, FileKind.PRIVATE_KEY),
          Map.entry(CA_PREVIOUS_CERT, FileKind.CERTIFICATES),
          Map.entry(SERVER_KEY, FileKind.PRIVATE_KEY),
          Map.entry(SERVER_CERT, FileKind.CERTIFICATES),
          Map.entry(SERVER_FULLCHAIN, FileKind.CERTIFICATES),
          Map.entry(SERVER_CSR, FileKind.REQUEST),
          Map.entry(SERVER_PKCS12, FileKind.KEYSTORE),
          Map.entry(EXTERNAL_CHAIN, FileKind.CERTIFICATES),
          Map.entry(TRUST_BUNDLE, FileKind.CERTIFICATES),
          Map.entry(TRUSTSTORE_PKCS12, FileKind.KEYSTORE),
          Map.entry(PKCS12_RECORD, FileKind.KEYSTORE_RECORD));

  private static final StoreLayout STANDARD = new StoreLayout(FILES);

  private final Map<String, FileKind> files;

  private StoreLayout(Map<String, FileKind> files) {
    this.files = Map.copyOf(files);
  }

  /** The store's own files. */
  public static StoreLayout standard() {
    return STANDARD;
  }

  /**
   * The layout of a desired state's store: the store's own files, and those the desired state
   * declares besides (none yet).
   */
  public static StoreLayout of(DesiredState desired) {
    return STANDARD;
  }

  /**
   * This layout and a file at the top of the set that holds {@code kind} (an output a desired state
   * declares).
   *
   * @throws IllegalArgumentException when the name is one of the store's own, or not a top-level
   *     name
   */
  public StoreLayout with(String name, FileKind kind) {
    if (FILES.containsKey(name) || name.contains("/") || DIRECTORIES.contains(name)) {
      throw new IllegalArgumentException("not a name a store file can be declared under: " + name);
    }
    Map<String, FileKind> more = new HashMap<>(files);
    more.put(name, kind);
    return new StoreLayout(more);
  }

  /** What the file of this name holds; {@link FileKind#UNKNOWN} for a name the layout lacks. */
  public FileKind kindOf(String name) {
    FileKind kind = files.get(name);
    if (kind != null) {
      return kind;
    }
    int slash = name.indexOf('/');
    if (slash > 0 && DIRECTORIES.contains(name.substring(0, slash))) {
      return FileKind.CERTIFICATES; // trust/, trust-hashed/ and issued/ hold certificates only
    }
    return FileKind.UNKNOWN;
  }

  /** {@code trust/NAME.crt}. */
  public static String trustFile(String name) {
    return TRUST_PREFIX + name + TRUST_SUFFIX;
  }

  /** The NAME of {@code trust/NAME.crt}; empty for any other file. */
  public static Optional<String> trustName(String file) {
    return file.startsWith(TRUST_PREFIX) && file.endsWith(TRUST_SUFFIX)
        ? Optional.of(file.substring(TRUST_PREFIX.length(), file.length() - TRUST_SUFFIX.length()))
        : Optional.empty();
  }

  /** {@code trust-hashed/NAME}. */
  public static String hashedFile(String name) {
    return HASHED_DIRECTORY + "/" + name;
  }

  /** The NAME of {@code trust-hashed/NAME}; empty for any other file. */
  public static Optional<String> hashedName(String file) {
    String prefix = HASHED_DIRECTORY + "/";
    return file.startsWith(prefix) ? Optional.of(file.substring(prefix.length())) : Optional.empty();
  }
}
