package org.hostpki.model;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

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

  /** A fleet CA's revocation list. */
  public static final String CA_CRL = "ca.crl";
  /**
   * After a CA rotation's move: the previous CA's last CRL, signed with its key at the move and
   * valid until that CA's notAfter, for the certificates it signed that stay trusted.
   */
  public static final String CA_PREVIOUS_CRL = "ca-previous.crl";

  public static final String TRUST_BUNDLE = "trust-bundle.crt";
  /** The CRLs consumed through {@code trust.crls}, PEM, one after the other. */
  public static final String TRUST_CRLS = "trust-crls.pem";
  /**
   * The trusted certificates for Java: a PKCS#12 file without a password (no MAC, nothing
   * encrypted), public like the bundle, so that a service user's JVM reads it as it reads {@code
   * cacerts}, with any trust store password or none.
   */
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

  /**
   * The store's own PKCS#12 files, which {@link #PKCS12_RECORD} describes, in the order the
   * password is checked on them ({@code truststore.p12} has none to check).
   */
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

  /**
   * Hex digits of the SHA-256 fingerprint in the name of each certificate of a trust file holding
   * several: {@code NAME-53d7d447cc09} ({@code trust/NAME-53d7d447cc09.crt}, its alias).
   */
  public static final int TRUSTED_NAME_DIGITS = 12;

  /**
   * The files and folders of a store's content that are hostpki's own, each at the top of a
   * generation: every name any kind of store may hold. A declared output must not take one of
   * them, now or when a store grows into a feature (a CA rotation, an external issuer, a fleet
   * CA), so the list holds all of them, not only those a given desired state writes.
   */
  public static final SortedSet<String> OWN_NAMES =
      Collections.unmodifiableSortedSet(
          new TreeSet<>(
              List.of(
                  CA_CERT, CA_KEY, CA_NEXT_CERT, CA_NEXT_KEY, CA_PREVIOUS_CERT, CA_CRL,
                  CA_PREVIOUS_CRL,
                  SERVER_KEY, SERVER_CERT, SERVER_FULLCHAIN, SERVER_CSR, SERVER_PKCS12,
                  EXTERNAL_CHAIN, TRUST_DIRECTORY, TRUST_BUNDLE, TRUST_CRLS, TRUSTSTORE_PKCS12,
                  HASHED_DIRECTORY, ISSUED_DIRECTORY)));

  private static final String TRUST_PREFIX = TRUST_DIRECTORY + "/";
  private static final String TRUST_SUFFIX = ".crt";

  private static final Map<String, FileKind> FILES =
      Map.ofEntries(
          Map.entry(CA_CERT, FileKind.CERTIFICATES),
          Map.entry(CA_KEY, FileKind.PRIVATE_KEY),
          Map.entry(CA_NEXT_CERT, FileKind.CERTIFICATES),
          Map.entry(CA_NEXT_KEY, FileKind.PRIVATE_KEY),
          Map.entry(CA_PREVIOUS_CERT, FileKind.CERTIFICATES),
          Map.entry(CA_CRL, FileKind.CERTIFICATES),
          Map.entry(CA_PREVIOUS_CRL, FileKind.CERTIFICATES),
          Map.entry(SERVER_KEY, FileKind.PRIVATE_KEY),
          Map.entry(SERVER_CERT, FileKind.CERTIFICATES),
          Map.entry(SERVER_FULLCHAIN, FileKind.CERTIFICATES),
          Map.entry(SERVER_CSR, FileKind.REQUEST),
          Map.entry(SERVER_PKCS12, FileKind.KEYSTORE),
          Map.entry(EXTERNAL_CHAIN, FileKind.CERTIFICATES),
          Map.entry(TRUST_BUNDLE, FileKind.CERTIFICATES),
          Map.entry(TRUST_CRLS, FileKind.CERTIFICATES),
          Map.entry(TRUSTSTORE_PKCS12, FileKind.CERTIFICATES),
          Map.entry(PKCS12_RECORD, FileKind.KEYSTORE_RECORD));

  private static final StoreLayout STANDARD = new StoreLayout(FILES);

  private final Map<String, FileKind> files;
  /** The owner, group and mode the desired state declares, by file name. */
  private final Map<String, FileAccess> declared;

  private StoreLayout(Map<String, FileKind> files) {
    this(files, Map.of());
  }

  private StoreLayout(Map<String, FileKind> files, Map<String, FileAccess> declared) {
    this.files = Map.copyOf(files);
    this.declared = Map.copyOf(declared);
  }

  /** The store's own files. */
  public static StoreLayout standard() {
    return STANDARD;
  }

  /**
   * The layout of a desired state's store: the store's own files, and the outputs it declares, each
   * file by what it holds ({@link OutputSpec#holdsPrivateKey}): a key, a combined PEM, a PKCS#12 or
   * JKS file holds the private key whatever its name, a DER certificate does not.
   */
  public static StoreLayout of(DesiredState desired) {
    StoreLayout layout = STANDARD;
    Map<String, FileAccess> declared = new HashMap<>();
    AccessSpec storeWide = desired.store().access();
    if (!storeWide.isEmpty()) {
      // store.access is about the server's key: the CA's key stays hostpki's alone.
      for (String name : List.of(SERVER_KEY, SERVER_PKCS12)) {
        declared.put(name, AccessSpec.NONE.resolve(true, storeWide));
      }
    }
    for (OutputSpec output : desired.outputs()) {
      for (String name : output.fileNames()) {
        layout = layout.with(name, outputKind(output, name));
        declared.put(name, output.access(name, storeWide));
      }
    }
    return new StoreLayout(layout.files, declared);
  }

  /**
   * The owner, group and mode the file of this name gets: as declared ({@code store.access}, an
   * output's own), else hostpki's own user with {@code 0600} for a secret file and {@code 0644}
   * for any other.
   */
  public FileAccess accessOf(String name) {
    FileAccess access = declared.get(name);
    if (access != null) {
      return access;
    }
    return FileAccess.own(kindOf(name).secret() ? FileMode.OWNER_ONLY : FileMode.PUBLIC);
  }

  /**
   * This layout with an owner, group and mode declared for the file of this name (what {@link #of}
   * does for {@code store.access} and each output).
   */
  public StoreLayout withAccess(String name, FileAccess access) {
    Map<String, FileAccess> more = new HashMap<>(declared);
    more.put(name, access);
    return new StoreLayout(files, more);
  }

  /** The access declared for the file of this name, if the desired state declares one. */
  public Optional<FileAccess> declaredAccess(String name) {
    return Optional.ofNullable(declared.get(name));
  }

  /** The names of the files whose access the desired state declares, sorted. */
  public SortedSet<String> declaredNames() {
    return new TreeSet<>(declared.keySet());
  }

  private static FileKind outputKind(OutputSpec output, String name) {
    if (!output.holdsPrivateKey(name)) {
      return FileKind.CERTIFICATES;
    }
    boolean keyStore =
        (output.format() instanceof OutputFormat.Pkcs12 p && p.passwordProtected())
            || output.format() instanceof OutputFormat.Jks;
    return keyStore ? FileKind.KEYSTORE : FileKind.PRIVATE_KEY;
  }

  /**
   * This layout and a file at the top of the set that holds {@code kind} (an output a desired state
   * declares).
   *
   * @throws IllegalArgumentException when the name cannot be an output's ({@link
   *     #outputNameProblem})
   */
  public StoreLayout with(String name, FileKind kind) {
    if (outputNameProblem(name).isPresent()) {
      throw new IllegalArgumentException("not a name a store file can be declared under: " + name);
    }
    Map<String, FileKind> more = new HashMap<>(files);
    more.put(name, kind);
    return new StoreLayout(more, declared);
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

  /**
   * Why {@code name} cannot be the name of an output at the top of the store, or empty when it
   * can: a plain file name (no folder), not one of hostpki's own names (compared ignoring case, as
   * a case-insensitive file system would), not starting with a dot (the generations, {@code
   * ..data}, {@code .lock} and hostpki's records).
   */
  public static Optional<String> outputNameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("is empty");
    }
    if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")) {
      return Optional.of(
          "is not a plain file name: outputs are written at the top of the store, so"
              + " give a name without folders, e.g. haproxy.pem");
    }
    if (name.startsWith(".")) {
      return Optional.of(
          "starts with '.', which the store keeps for its generations, ..data, .lock"
              + " and its records");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      return Optional.of("is longer than a file name may be (255 bytes)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (String own : OWN_NAMES) {
      if (own.equals(lower)) {
        return Optional.of(
            own.equals(name)
                ? "is one of the store's own files"
                : "is the store's own " + own + " on a file system that ignores case");
      }
    }
    return Optional.empty();
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

  /**
   * Whether a {@code trust-hashed/} NAME is a CRL's, {@code HASH.rN} (as {@code openssl rehash}
   * names them), not a certificate's {@code HASH.N}.
   */
  public static boolean isHashedCrl(String name) {
    return name.matches("[0-9a-f]{8}\\.r[0-9]+");
  }

  /** The NAME of {@code trust-hashed/NAME}; empty for any other file. */
  public static Optional<String> hashedName(String file) {
    String prefix = HASHED_DIRECTORY + "/";
    return file.startsWith(prefix) ? Optional.of(file.substring(prefix.length())) : Optional.empty();
  }
}
