package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.files.FileModes;
import org.hostpki.files.FileOwners;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * An NSS database ({@code cert9.db}: Chromium's {@code ~/.pki/nssdb}, a Firefox profile), changed
 * with {@code certutil}. A CA is trusted to issue server certificates ({@code C,,}); a certificate
 * that is no CA (a device's own, self-signed) is a trusted peer ({@code P,,}): NSS accepts a server
 * presenting it only so, and takes no {@code C} from a certificate that cannot issue (Chromium
 * refuses such a device with {@code C,,}).
 *
 * <p>Nicknames are {@code hostpki-NAME} and the first 16 hex digits of the certificate's SHA-256:
 * {@code hostpki-ca 3f9a0c1d2e3f4a5b}. NSS answers a question about one nickname with every
 * certificate of the same subject, and a rotated CA has its predecessor's subject; the digits say
 * which of them the nickname names. A certificate NSS already holds under another nickname keeps
 * that nickname (NSS gives one certificate one nickname): then the install fails, naming the
 * cause, and whatever it changed is put back.
 *
 * <p>A missing database is an error, not created: the directory is usually in someone's home, and
 * a database hostpki made as root there would belong to root, which the browser could not write;
 * and a path with a typo would quietly get a database nobody reads.
 */
public final class NssDatabaseInstaller implements TrustInstaller {
  // Over 400 lines on purpose: reading the database (one listing, one batch of exports), changing
  // it in batches, and putting it back when a batch stops halfway share one view of what certutil
  // did; the rollback must know exactly which command of which batch ran.

  private static final Pattern LISTED = Pattern.compile("^(.*\\S)\\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\\s*$");
  private static final Pattern MARKED =
      Pattern.compile("^" + InstallEntryNames.MARK + "([a-z0-9][a-z0-9._-]*) ([0-9a-f]{16})$");
  private static final String CA_TRUST = "C,,";
  private static final String PEER_TRUST = "P,,";
  /** Commands per certutil run ({@link #batch}). */
  private static final int BATCH = 250;
  /** Enough for a listing of a million entries. */
  private static final int LISTING_LIMIT = 256 * 1024 * 1024;

  /**
   * How long a listing ({@code certutil -L}, read-only) may take: a healthy one of 2,000 entries
   * takes well under a second (bench/NOTES.md). A database file its owner made a FIFO, or a
   * pkcs11.txt naming one as a module, had certutil wait for the whole {@link
   * ToolRunner#DEFAULT_TIMEOUT} (3 minutes) while root's apply held the store's lock (rvsec14 M2).
   */
  static final Duration LISTING_TIMEOUT = Duration.ofSeconds(30);

  /** The journals SQLite leaves beside the database's two files while it changes them. */
  private static final List<String> JOURNALS = List.of("cert9.db-journal", "key4.db-journal");
  /** The nickname {@link #afterJournal} renames to itself: held or not, nothing changes. */
  private static final String NO_OP = "hostpki journal check";

  /** The folder certutil writes what it reads out into, in a batch's private folder. */
  private static final String OUT = "out";

  private final Path directory;
  private final ToolRunner tools;
  private final Path certutil;
  private final Predicate<String> owned;
  private final Duration listingTimeout;
  /** What was found and put right on the way (a journal rolled back), not yet told. */
  private final List<String> recovered = new ArrayList<>();

  /** @param owned which marked entry names are this store's ({@link TrustInstaller}) */
  NssDatabaseInstaller(Path directory, ToolRunner tools, Path certutil, Predicate<String> owned) {
    this(directory, tools, certutil, owned, LISTING_TIMEOUT);
  }

  /** @param listingTimeout how long a {@code certutil -L} may take ({@link #LISTING_TIMEOUT}) */
  NssDatabaseInstaller(Path directory, ToolRunner tools, Path certutil, Predicate<String> owned, Duration listingTimeout) {
    this.listingTimeout = listingTimeout;
    this.directory = directory;
    this.tools = tools;
    this.certutil = certutil;
    this.owned = owned;
  }

  /** Whether a nickname is one of this store's entries; another store's are foreign here. */
  private boolean ours(String nickname) {
    Matcher m = MARKED.matcher(nickname);
    return m.matches() && owned.test(m.group(1));
  }

  @Override
  public InstallTarget target() {
    return InstallTarget.nss(directory);
  }

  @Override
  public String describe() {
    return "sql:" + directory + ", nicknames " + InstallEntryNames.MARK + "NAME (certutil)";
  }

  /** The nickname of an entry: its name and which certificate, see the class comment. */
  static String nickname(String name, Fingerprint fingerprint) {
    return InstallEntryNames.MARK + name + " " + fingerprint.hex().substring(0, 16);
  }

  /** One line of {@code certutil -L}: a nickname and its trust flags (SSL, S/MIME, code). */
  private record Listed(String nickname, String trust) {
    /** Whether the flags make NSS accept servers by this certificate ({@link #trustFlags(Certificate)}). */
    boolean trustedForServers(Certificate certificate) {
      return trust.substring(0, trust.indexOf(',')).contains(trustFlags(certificate).substring(0, 1));
    }
  }

  /** The trust flags an entry is given: an issuer of server certificates, or a trusted peer. */
  static String trustFlags(Certificate certificate) {
    return certificate.facts().ca() ? CA_TRUST : PEER_TRUST;
  }

  /** hostpki's entries as found: by name, each nickname with that name and its certificate if known. */
  private record Found(SortedMap<String, List<String>> nicknames, InstallObservation observation, Map<String, Certificate> certificates) {}

  @Override
  public InstallObservation observe() {
    try {
      requireDatabase();
      if (!hotJournals().isEmpty()) {
        return observedInACopy();
      }
      return find(list()).observation();
    } catch (IOException | StepFailed e) {
      throw new InstallException(target(), unreadable(e.getMessage()));
    }
  }

  /**
   * What the database holds once its journal is rolled back, read in a private copy: observing
   * changes no app's file (fsmall15 b). A plan, check or status that rolled the journal back in
   * the database itself changed an app's files and said nothing; an apply still rolls it back there
   * (before its change, as a notice). The copy holds the database's two files and their journals,
   * not pkcs11.txt (its internal module names the original folder); it is its owner's, in a folder
   * of root's only their group may pass, when root reads another user's database (certutil runs as
   * them there too). Folder 0700, files 0600, whatever the umask: key4.db holds the app's keys.
   */
  private InstallObservation observedInACopy() throws IOException, StepFailed {
    Optional<int[]> owner = databaseOwner();
    Path folder = privateFolder(); // root's, rwx------
    try {
      // Made private, not by the umask (rvfinal15: under umask 022 the copy of key4.db, the app's
      // private keys, was 0644 in a folder any user could pass through, while it existed).
      Path copy = Files.createDirectory(folder.resolve("db"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      long left = COPY_LIMIT;
      Map<String, Long> kept = copied();
      requireSpace(folder, kept);
      for (Map.Entry<String, Long> file : kept.entrySet()) {
        String name = file.getKey();
        Path from = directory.resolve(name);
        Path to = Files.createFile(copy.resolve(name), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        left -= copyWithin(from, to, left, file.getValue());
        if (owner.isPresent()) {
          Files.setAttribute(to, "unix:uid", owner.get()[0]);
          Files.setAttribute(to, "unix:gid", owner.get()[1]);
        }
      }
      if (owner.isPresent()) {
        Files.setAttribute(copy, "unix:uid", owner.get()[0]);
        Files.setAttribute(copy, "unix:gid", owner.get()[1]);
        // certutil runs as the owner with their group alone (--clear-groups): it passes through
        // root's folder by the group's x; no one else may
        Files.setAttribute(folder, "unix:gid", owner.get()[1]);
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x---"));
      }
      NssDatabaseInstaller there = new NssDatabaseInstaller(copy, tools, certutil, owned, listingTimeout);
      InstallObservation seen;
      try {
        there.requireDatabase();
        seen = there.find(there.list()).observation(); // the copy's journal is rolled back
      } catch (StepFailed e) {
        throw new StepFailed(e.getMessage().replace(copy.toString(), directory.toString()));
      }
      return new InstallObservation(target(), seen.entries(), seen.damaged());
    } finally {
      removeTree(folder);
    }
  }

  /**
   * The most {@link #observedInACopy} copies, the database and its journals together: far above a
   * database of 100,000 certificates. Found by thostile16: the database's owner (the app's user)
   * could make a journal of any size (a sparse file of terabytes costs them nothing), and every
   * plan, check or status of root's (a watch's every look while the journal stayed) wrote it out
   * whole in the temp folder, filling that disk for every service on the host.
   */
  static final long COPY_LIMIT = 1L << 30;

  /**
   * What {@link #observedInACopy} copies, by name, with the most bytes of each it copies (rvsec16,
   * rvfinal16 2: the database's owner made every look write ~1 GB to the temp folder with a sparse
   * {@code truncate -s 1000M key4.db-journal}, or {@code key4.db}, under the copy's limit).
   *
   * <p>A database is copied as far as its own header says it reaches (page size times page count,
   * {@link SqliteHeader}), or as far as a journal's header says it reached before the change the
   * journal undoes: SQLite reads nothing past that, so a file longer than it (a sparse tail its
   * owner added, or the end a crash left before a truncation) is copied only that far and reads as
   * the database does. A journal is copied only when it starts with SQLite's rollback journal
   * magic: SQLite itself rolls back nothing else (it writes the magic only once the journal's pages
   * are on disk, before it changes the database), so the copy reads what the database would show.
   * A journal holds each page of the database as it was once, with 8 bytes more, and its headers:
   * past that, and 1 MiB for the headers, nothing is copied (SQLite stops a rollback at a
   * journal's end).
   */
  private Map<String, Long> copied() throws IOException, StepFailed {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String name : List.of("cert9.db", "key4.db")) {
      Path from = directory.resolve(name);
      if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Optional<SqliteHeader.Journal> journal = journalHeader(directory.resolve(name + JOURNAL));
      long reach;
      try {
        reach = SqliteHeader.databaseBytes(from, journal.map(SqliteHeader.Journal::originalBytes).orElse(0L));
      } catch (SqliteHeader.Unreadable e) {
        throw new StepFailed(from + " " + e.getMessage() + ": hostpki reads the database in a private copy, as far as"
            + " its header says it reaches, because a program stopped while changing it left a journal (" + name + JOURNAL
            + "); certutil cannot read it either. Restore the folder from a backup, or have the app that uses"
            + " the database repair it (its keys are in key4.db: do not make the database again while they are needed)");
      }
      out.put(name, reach);
      if (journal.isPresent()) {
        long most = Math.max(reach, journal.get().originalBytes());
        out.put(name + JOURNAL, Math.min(COPY_LIMIT, most + most / 64 + (1 << 20)));
      }
    }
    return out;
  }

  /** A journal's header when the file is one SQLite would roll back (its magic is there), else empty. */
  private static Optional<SqliteHeader.Journal> journalHeader(Path journal) throws IOException {
    return Files.isRegularFile(journal, LinkOption.NOFOLLOW_LINKS) ? SqliteHeader.journal(journal) : Optional.empty();
  }

  /**
   * The journals SQLite would find hot: their first byte is not 0 (rvfinal16 2). A journal whose
   * header is zeroes (a sparse file of any size, or one SQLite zeroed in its persistent mode) is
   * ignored by SQLite, and certutil reads the database itself, read-only: no copy is made. A hot
   * one stops a read-only open (SEC_ERROR_BAD_DATABASE), so the database is read in a copy, where
   * a journal without the rollback magic is left out (SQLite would only delete it).
   */
  private List<String> hotJournals() throws IOException {
    List<String> out = new ArrayList<>();
    for (String name : journals()) {
      if (SqliteHeader.startsWithNonZero(directory.resolve(name))) {
        out.add(name);
      }
    }
    return out;
  }

  private static final String JOURNAL = "-journal";

  /** Space left free in the temporary folder after a copy: other services write there too. */
  static final long SPACE_KEPT = 64L << 20;

  /**
   * Refuses a copy that would leave less than {@link #SPACE_KEPT} free where it is made (rvsec16):
   * a look at a database must not fill the temporary folder the host's services share.
   */
  private void requireSpace(Path folder, Map<String, Long> kept) throws IOException, StepFailed {
    long needed = 0;
    for (Map.Entry<String, Long> file : kept.entrySet()) {
      needed += Math.min(file.getValue(), Math.min(COPY_LIMIT, Files.size(directory.resolve(file.getKey()))));
    }
    long free = Files.getFileStore(folder).getUsableSpace();
    if (free - needed < SPACE_KEPT) {
      throw new StepFailed("reading the NSS database sql:" + directory + ", which a program stopped while changing"
          + " it left a journal of, needs a private copy of " + (needed >> 20) + " MiB in "
          + folder.getParent() + ", which has " + (free >> 20) + " MiB free (hostpki keeps " + (SPACE_KEPT >> 20)
          + " MiB free there): free space there, give hostpki another temporary folder"
          + " (HOSTPKI_JAVA_OPTS=-Djava.io.tmpdir=DIR), or have the database's owner open it"
          + " once (certutil -L -d sql:" + directory + "), which rolls the journal back");
    }
  }

  /**
   * Copies at most {@code keep} bytes of {@code from} to {@code to}, refusing it when that is more
   * than {@code most} bytes (before writing any, or as soon as it grows past them while copied).
   *
   * @return the bytes copied
   */
  private long copyWithin(Path from, Path to, long most, long keep) throws IOException, StepFailed {
    // Opened within a limit and only as a regular file: the owner may swap a FIFO in after the
    // look before, and an open of one would wait for a writer for ever (a watch's look with it).
    try (java.nio.channels.FileChannel in = InputFiles.openRegular(from, false);
        java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(
            to, java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      long copied = Math.min(in.size(), keep);
      if (copied <= most) {
        copied = copySparse(in, out, keep, most);
      }
      if (copied > most) {
        throw new StepFailed(from + " is too large: hostpki copies at most 1 GiB of an NSS database with its"
            + " journals to read it without changing it (a journal is left by a program stopped while"
            + " changing the database): have the database's owner open it once (certutil -L -d sql:"
            + directory + "), which rolls the journal back, or move away what is no part of it");
      }
      return copied;
    }
  }

  /** The blocks {@link #copySparse} reads at a time, and leaves out of the copy when all zero. */
  private static final int BLOCK = 64 << 10;

  /**
   * Copies {@code in} from its start to {@code out}, at most {@code keep} bytes, or stops once more
   * than {@code most} were read: a block of zeroes is not written, only skipped over, so the copy
   * holds a hole there (rvsec17 M1: the database's owner, the app's user, may make a sparse
   * key4.db of 200 MiB with a header and a journal that say so, which costs them nothing, and
   * every look of root's wrote it out whole in the temporary folder). What the copy reads is the
   * same: a hole reads as zeroes.
   *
   * @return the bytes read (the copy's size)
   */
  static long copySparse(java.nio.channels.FileChannel in, java.nio.channels.FileChannel out, long keep, long most)
      throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(BLOCK);
    long copied = 0;
    while (copied <= most && copied < keep
        && in.read(buffer.limit((int) Math.min(buffer.capacity(), keep - copied))) >= 0) {
      buffer.flip();
      int length = buffer.remaining();
      if (!allZero(buffer)) {
        long at = copied;
        while (buffer.hasRemaining()) {
          at += out.write(buffer, at);
        }
      }
      copied += length;
      buffer.clear();
    }
    if (copied > 0 && out.size() < copied) {
      out.write(java.nio.ByteBuffer.allocate(1), copied - 1); // a hole at the end: the size is kept
    }
    return copied;
  }

  private static boolean allZero(java.nio.ByteBuffer buffer) {
    int i = buffer.position();
    for (; i + Long.BYTES <= buffer.limit(); i += Long.BYTES) {
      if (buffer.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < buffer.limit(); i++) {
      if (buffer.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The journals beside the database, by name: a writer stopped halfway left them. */
  private List<String> journals() {
    List<String> out = new ArrayList<>();
    for (String name : JOURNALS) {
      if (Files.isRegularFile(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        out.add(name);
      }
    }
    return out;
  }

  /** certutil's words, and what they mean when it cannot open the database. */
  private String unreadable(String message) {
    return message.contains("SEC_ERROR_BAD_DATABASE") && !message.contains(JOURNAL_LEFT)
        ? message + "\nThe database is damaged, or a program using it (a browser) holds it locked: close"
            + " that program, check it with certutil -d sql:" + directory + " -L, and apply again"
        : message + readOnlyAdvice(message);
  }

  /**
   * {@link TargetLock#READ_ONLY_ADVICE} when certutil met a read-only database in a folder this
   * process cannot write: a unit's ProtectHome=/ProtectSystem= without ReadWritePaths= for it
   * (certutil opens the database for writing to read certificates out too, so a plan fails so).
   */
  private String readOnlyAdvice(String message) {
    return message.contains("SEC_ERROR_READ_ONLY") && TargetLock.readOnly(directory)
        ? "\n" + directory + " is read-only for hostpki: " + TargetLock.READ_ONLY_ADVICE
        : "";
  }

  private Found find(List<Listed> listed) throws IOException, StepFailed {
    SortedMap<String, List<String>> nicknames = new TreeMap<>();
    SortedMap<String, Fingerprint> entries = new TreeMap<>();
    SortedSet<String> damaged = new TreeSet<>();
    Map<String, Certificate> certificates = new LinkedHashMap<>();
    Map<String, List<Certificate>> held =
        certificatesOf(listed.stream().map(Listed::nickname).filter(this::ours).distinct().toList());
    for (Listed line : listed) {
      Matcher m = MARKED.matcher(line.nickname());
      if (!m.matches() || !owned.test(m.group(1))) {
        continue;
      }
      String name = m.group(1);
      nicknames.computeIfAbsent(name, n -> new ArrayList<>()).add(line.nickname());
      Optional<Certificate> certificate =
          held.get(line.nickname()).stream().filter(c -> c.fingerprint().hex().startsWith(m.group(2))).findFirst();
      certificate.ifPresent(c -> certificates.put(line.nickname(), c));
      if (certificate.isPresent() && line.trustedForServers(certificate.get()) && !entries.containsKey(name) && !damaged.contains(name)) {
        entries.put(name, certificate.get().fingerprint());
      } else {
        entries.remove(name);
        damaged.add(name);
      }
    }
    return new Found(nicknames, new InstallObservation(target(), entries, damaged), certificates);
  }

  /**
   * {@inheritDoc} Holds the host-wide lock of {@code DIR/.hostpki.lock} throughout: another store's
   * apply into the same database waits, where it could see this one's changes as a browser's and
   * put them back.
   */
  @Override
  public InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting) {
    try (TargetLock lock =
        TargetLock.hold(target(), directory.resolve(SystemTrustLayout.LOCK_FILE), TargetLock.WAIT, waiting)) {
      return applyLocked(desired);
    } finally {
      recovered.forEach(r -> notices.accept("install/" + target().address() + ": " + r));
      recovered.clear();
    }
  }

  private InstallObservation applyLocked(SortedMap<String, Certificate> desired) {
    SortedMap<String, Fingerprint> wanted = DesiredEntries.fingerprints(desired);
    List<Listed> before;
    Found found;
    try {
      requireDatabase();
      before = list();
      found = find(before);
    } catch (IOException | StepFailed e) {
      throw new InstallException(target(), unreadable(e.getMessage()));
    }
    if (found.observation().holdsExactly(wanted)) {
      return found.observation();
    }
    List<String> deleted = new ArrayList<>();
    List<String> added = new ArrayList<>();
    try {
      List<String> deleting = new ArrayList<>();
      for (Map.Entry<String, List<String>> name : found.nicknames().entrySet()) {
        Fingerprint want = wanted.get(name.getKey());
        if (want == null || !want.equals(found.observation().entries().get(name.getKey()))) {
          deleting.addAll(name.getValue());
        }
      }
      // Counted as deleted before certutil runs: a batch that fails halfway leaves some done.
      deleted.addAll(deleting);
      delete(deleting);
      Map<String, Adding> adding = new LinkedHashMap<>();
      for (Map.Entry<String, Certificate> entry : desired.entrySet()) {
        if (!wanted.get(entry.getKey()).equals(found.observation().entries().get(entry.getKey()))) {
          String nickname = nickname(entry.getKey(), wanted.get(entry.getKey()));
          adding.put(nickname, new Adding(entry.getValue(), trustFlags(entry.getValue())));
        }
      }
      added.addAll(adding.keySet());
      add(adding);
      List<Listed> afterList = list();
      InstallObservation after = find(afterList).observation();
      if (!after.holdsExactly(wanted)) {
        throw new StepFailed(
            "after certutil, the database does not hold what it should: " + Differences.describe(after, wanted)
                + alreadyThere(after, wanted, afterList));
      }
      List<String> changedTrust = foreignTrustChanged(before, afterList);
      if (!changedTrust.isEmpty()) {
        throw new StepFailed(
            "certutil changed the trust of " + String.join(", ", changedTrust) + ", which hostpki did not add:"
                + " the database already held a certificate to be installed under that nickname");
      }
      return after;
    } catch (IOException | StepFailed e) {
      throw rollBack(before, found, deleted, added, e.getMessage());
    }
  }

  /**
   * A certificate NSS kept under an earlier nickname: the likely cause of a missing entry. When
   * that nickname is another hostpki store's (its name ends in the certificate's digits), it is
   * named: this store is often a copy of that one (closing note 16: the hint said "a nickname
   * hostpki did not give it" of the original's own entry).
   */
  private String alreadyThere(InstallObservation after, SortedMap<String, Fingerprint> wanted, List<Listed> listed) {
    List<String> missing = wanted.keySet().stream()
        .filter(n -> !after.entries().containsKey(n) && !after.damaged().contains(n)).toList();
    List<String> others = new ArrayList<>();
    for (String name : missing) {
      String digits = wanted.get(name).hex().substring(0, 16);
      for (Listed l : listed) {
        Matcher m = MARKED.matcher(l.nickname());
        if (m.matches() && m.group(2).equals(digits) && !ours(l.nickname())) {
          others.add("'" + l.nickname() + "' holds the certificate of " + name);
        }
      }
    }
    if (!others.isEmpty()) {
      return ". NSS keeps a certificate it already holds under the nickname it has, and " + String.join(", ", others)
          + ": an entry of another hostpki store's (this store may be a copy of that one, a restored backup or"
          + " a copied folder). One database cannot take the same certificate from two stores: install it from one"
          + " (leave it out of the other's trust.install, or remove that store's entry with its own apply)";
    }
    return !missing.isEmpty()
        ? ". NSS keeps a certificate it already holds under the nickname it has: if one of these is in the database"
            + " under a nickname hostpki did not give it (certutil -L lists them), delete that entry or leave the"
            + " certificate out of trust.install; if it is another hostpki store's (a nickname hostpki-TAG-… with"
            + " another tag), one database cannot take the same certificate from two stores: install it from one"
        : "";
  }

  private List<String> foreignTrustChanged(List<Listed> before, List<Listed> after) {
    Map<String, String> trustAfter = new LinkedHashMap<>();
    after.forEach(l -> trustAfter.put(l.nickname(), l.trust()));
    List<String> changed = new ArrayList<>();
    for (Listed l : before) {
      if (!ours(l.nickname()) && trustAfter.containsKey(l.nickname()) && !l.trust().equals(trustAfter.get(l.nickname()))) {
        changed.add("'" + l.nickname() + "'");
      }
    }
    return changed;
  }

  /**
   * Undoes this call: removes what it added, adds back what it deleted (the certificates were read
   * before), and gives foreign entries their trust flags back.
   */
  private InstallException rollBack(List<Listed> before, Found found, List<String> deleted, List<String> added, String failure) {
    List<String> problems = new ArrayList<>();
    try {
      Map<String, String> trustBefore = new LinkedHashMap<>();
      before.forEach(l -> trustBefore.put(l.nickname(), l.trust()));
      List<String> leftOver = present(added);
      try {
        delete(leftOver);
      } catch (StepFailed e) {
        // The batch stops at its first failure: each one left, alone, to name every failure.
        for (String nickname : present(leftOver)) {
          tryRun(problems, "-D", "-n", nickname);
        }
      }
      Map<String, Adding> putBack = new LinkedHashMap<>();
      List<String> gone = absent(deleted);
      for (String nickname : gone) {
        Certificate certificate = found.certificates().get(nickname);
        if (certificate == null) {
          problems.add("the damaged entry '" + nickname + "' cannot be put back (its certificate was unreadable)");
        } else {
          putBack.put(nickname, new Adding(certificate, trustBefore.get(nickname)));
        }
      }
      try {
        add(putBack);
      } catch (StepFailed e) {
        for (String nickname : absent(List.copyOf(putBack.keySet()))) {
          try {
            add(Map.of(nickname, putBack.get(nickname)));
          } catch (StepFailed each) {
            problems.add(each.getMessage());
          }
        }
      }
      for (Listed l : list()) {
        String old = trustBefore.get(l.nickname());
        if (old != null && !old.equals(l.trust()) && !ours(l.nickname())) {
          tryRun(problems, "-M", "-n", l.nickname(), "-t", old);
        }
      }
    } catch (IOException | StepFailed e) {
      problems.add(e.getMessage());
    }
    // A journal rolled back on the way is told here: a failed apply's notices are not printed
    String told = failure + readOnlyAdvice(failure) + recovered.stream().map(r -> "\n  " + r).reduce("", String::concat);
    recovered.clear();
    return problems.isEmpty()
        ? new InstallException(target(), told + "\n  The database was put back as it was.", true, null)
        : new InstallException(
            target(), told + "\n  Putting the database back failed too: " + String.join("; ", problems), false, null);
  }

  private void tryRun(List<String> problems, String... arguments) throws IOException {
    try {
      run(arguments);
    } catch (StepFailed e) {
      problems.add(e.getMessage());
    }
  }

  /** Which of these nicknames the database lists now. */
  private List<String> present(List<String> nicknames) throws IOException, StepFailed {
    Set<String> listed = new HashSet<>();
    list().forEach(l -> listed.add(l.nickname()));
    return nicknames.stream().filter(listed::contains).toList();
  }

  /** Which of these nicknames the database does not list now. */
  private List<String> absent(List<String> nicknames) throws IOException, StepFailed {
    List<String> there = present(nicknames);
    return nicknames.stream().filter(n -> !there.contains(n)).toList();
  }

  /** A certificate to add, with its trust flags. */
  private record Adding(Certificate certificate, String trust) {}

  /** Deletes these entries (hostpki's nicknames), all in one certutil run. */
  private void delete(List<String> nicknames) throws IOException, StepFailed {
    if (nicknames.isEmpty()) {
      return;
    }
    batch(
        "deleting " + count(nicknames.size()),
        dir -> nicknames.stream().map(n -> "-D -n " + quoted(n)).toList());
  }

  /** Adds these entries (hostpki's nicknames), all in one certutil run. */
  private void add(Map<String, Adding> entries) throws IOException, StepFailed {
    if (entries.isEmpty()) {
      return;
    }
    batch("adding " + count(entries.size()), dir -> {
      List<String> lines = new ArrayList<>();
      for (Map.Entry<String, Adding> entry : entries.entrySet()) {
        Path pem = dir.resolve(lines.size() + ".pem");
        Files.writeString(pem, entry.getValue().certificate().pem(), StandardCharsets.US_ASCII);
        lines.add("-A -n " + quoted(entry.getKey()) + " -t " + entry.getValue().trust() + " -i " + quoted(pem.toString()));
      }
      return lines;
    });
  }

  private static String count(int entries) {
    return entries + (entries == 1 ? " entry" : " entries");
  }

  /** What goes into a batch file, written next to it in a private folder. */
  private interface BatchLines {
    List<String> in(Path folder) throws IOException;
  }

  /** What a batch's commands wrote into their private folder. */
  private interface BatchOutput<T> {
    T read(Path folder) throws IOException, StepFailed;
  }

  private void batch(String doing, BatchLines lines) throws IOException, StepFailed {
    batch(doing, lines, folder -> null);
  }

  /**
   * Runs certutil once for many commands ({@code -B}, one command a line): starting certutil once
   * per entry took minutes at thousands of entries. certutil stops at the first command that fails.
   * The folder (the batch file, certificates to add, certificates read) is private and removed.
   */
  private <T> T batch(String doing, BatchLines lines, BatchOutput<T> output) throws IOException, StepFailed {
    Optional<int[]> owner = databaseOwner();
    Path folder = privateFolder();
    Exception failed = null;
    try {
      // certutil writes what it reads out here: the database's owner's when it runs as them
      Path out = Files.createDirectory(folder.resolve(OUT));
      List<String> all = lines.in(folder);
      if (owner.isPresent()) {
        // It reads the commands and the certificates to add (public ones) as that user.
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
          for (Path f : files.toList()) {
            if (!f.equals(out)) {
              Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
          }
        }
        Files.setAttribute(out, "unix:uid", owner.get()[0]);
        Files.setAttribute(out, "unix:gid", owner.get()[1]);
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
      }
      // Each run has the tools' time limit: at 2,000 additions on a loaded host one run took longer.
      for (int from = 0; from < all.size(); from += BATCH) {
        Path file = folder.resolve("commands");
        Files.writeString(file, String.join("\n", all.subList(from, Math.min(all.size(), from + BATCH))) + "\n", StandardCharsets.US_ASCII);
        if (owner.isPresent()) {
          Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        String what = certutil.getFileName() + " -d sql:" + directory + " -B (" + doing
            + (all.size() > BATCH ? ", commands " + (from + 1) + "-" + Math.min(all.size(), from + BATCH) : "")
            + ", one command a line)";
        ToolRunner.Result result;
        try {
          result = runCertutil(ToolRunner.MAX_OUTPUT, "-B", "-i", file.toString());
        } catch (IOException e) {
          throw new IOException(what + ": " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
          throw new StepFailed(result.failure(what));
        }
      }
      return output.read(folder);
    } catch (IOException | StepFailed | RuntimeException e) {
      failed = e;
      throw e;
    } finally {
      try {
        removeTree(folder);
      } catch (IOException | RuntimeException e) {
        // The owner may fill the out folder (a folder with files, a deep tree): what the batch did is
        // the result, the leftover is a private folder of root's in the temporary folder.
        if (failed != null) {
          failed.addSuppressed(e);
        }
      }
    }
  }

  /**
   * A new private folder (rwx------) in {@link PrivateTemp}'s place, after a sweep of what killed
   * runs left there ({@link NssLeftovers#sweepDaily}). A place that was refused is told with the
   * apply's notices.
   */
  private Path privateFolder() throws IOException {
    PrivateTemp.Place place = PrivateTemp.place();
    if (place.bypassed() && !recovered.contains(place.refused())) {
      recovered.add(place.refused());
    }
    Path folder = Files.createTempDirectory(place.folder(), NssLeftovers.PREFIX);
    NssLeftovers.sweepDaily(folder); // a killed run's copies of key4.db and batch folders
    return folder;
  }

  /**
   * Removes a batch's folder and everything in it, through handles of the folders (no path is
   * looked up again), never following a link: the database's owner may write its out folder and
   * swap a folder there for a link to one of root's while it is emptied.
   */
  private static void removeTree(Path folder) throws IOException {
    try (java.nio.file.DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      if (stream instanceof java.nio.file.SecureDirectoryStream<Path> secure) {
        NssLeftovers.empty(secure, Long.MAX_VALUE);
      } else {
        throw new IOException("no secure directory stream for " + folder);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    Files.delete(folder);
  }

  /** A batch file's argument: certutil's batch reader splits at spaces outside double quotes. */
  private static String quoted(String argument) {
    if (argument.contains("\"") || argument.contains("\n") || argument.contains("\r")) {
      throw new IllegalArgumentException("no batch argument: " + argument);
    }
    return "\"" + argument + "\"";
  }

  private List<Listed> list() throws IOException, StepFailed {
    List<Listed> out = new ArrayList<>();
    // The whole listing: the tools' 64 KiB for messages cut it at about 900 entries, and the rest
    // looked missing (2,000 entries: the install failed and was rolled back).
    ToolRunner.Result listing = listing();
    if (!listing.succeeded()) {
      listing = afterJournal(listing);
    }
    for (String line : listing.stdout().split("\n")) {
      Matcher m = LISTED.matcher(line);
      if (m.matches() && !line.startsWith(" ")) {
        out.add(new Listed(m.group(1), m.group(2)));
      }
    }
    return out;
  }

  /** {@code certutil -L}, stopped after {@link #listingTimeout}: it only reads. */
  private ToolRunner.Result listing() throws IOException {
    return runCertutil(tools.withTimeout(listingTimeout), LISTING_LIMIT, "-L");
  }

  /** Begins the advice for a database a stopped writer left a journal of (see {@link #afterJournal}). */
  private static final String JOURNAL_LEFT = "was stopped while it changed the database";

  /**
   * A listing that failed, tried once more after the database was opened for writing when a
   * journal lies beside it. A certutil killed while it changed the database (an OOM kill, a unit's
   * stop timeout: SIGKILL) leaves {@code cert9.db-journal} or {@code key4.db-journal}, a hot
   * journal: SQLite rolls it back on the next open that may write, and until then {@code certutil
   * -L}, which opens read-only, fails with SEC_ERROR_BAD_DATABASE (every later plan failed, and
   * told the user to close a browser). The open that may write is {@code certutil --rename} of a
   * nickname to itself: whatever the database holds it leaves as it was (a nickname it does not
   * hold only fails), and certutil opens the database for writing for it (its listings do not).
   */
  private ToolRunner.Result afterJournal(ToolRunner.Result failed) throws IOException, StepFailed {
    List<String> journals = journals();
    if (journals.isEmpty()) {
      throw new StepFailed(failed.failure());
    }
    ToolRunner.Result opened = runCertutil(ToolRunner.MAX_OUTPUT, "--rename", "-n", NO_OP, "--new-n", NO_OP);
    ToolRunner.Result again = listing();
    String left = "a program (a certutil killed halfway, a browser that crashed) " + JOURNAL_LEFT + " sql:" + directory
        + ", and left " + String.join(" and ", journals);
    if (again.succeeded()) {
      recovered.add(left + ": opened it for writing once (certutil --rename of no"
          + " entry), which put back its last complete state");
      return again;
    }
    throw new StepFailed(again.failure() + "\n" + left + ". Opening it for writing, which puts back its last complete"
        + " state, failed too:" + opened.output() + "\nThe database's files must be writable by "
        + databaseOwner().map(o -> "uid " + o[0]).orElse(TerminalText.escape(FileOwners.processUser()))
        + ": fix that, or restore the folder from a backup, and apply again");
  }

  /**
   * Every certificate with each nickname's subject (what certutil answers for a nickname), all read
   * by one certutil run.
   */
  private Map<String, List<Certificate>> certificatesOf(List<String> nicknames) throws IOException, StepFailed {
    if (nicknames.isEmpty()) {
      return Map.of();
    }
    return batch(
        "reading the certificates of " + count(nicknames.size()),
        folder -> {
          List<String> lines = new ArrayList<>();
          for (int i = 0; i < nicknames.size(); i++) {
            lines.add("-L -n " + quoted(nicknames.get(i)) + " -a -o " + quoted(folder.resolve(OUT).resolve(i + ".pem").toString()));
          }
          return lines;
        },
        folder -> {
          Map<String, List<Certificate>> held = new LinkedHashMap<>();
          for (int i = 0; i < nicknames.size(); i++) {
            // In a folder of the database's owner's when certutil runs as them: a regular file only
            String pem = new String(
                InputFiles.readNoFollow(folder.resolve(OUT).resolve(i + ".pem"), InputKind.CHAIN), StandardCharsets.US_ASCII);
            try {
              held.put(nicknames.get(i), pem.isBlank() ? List.of() : Pem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII)));
            } catch (InvalidMaterialException e) {
              throw new StepFailed(
                  "certutil -L -n '" + nicknames.get(i) + "' -a printed no readable certificate: " + e.getMessage());
            }
          }
          return held;
        });
  }

  private ToolRunner.Result run(String... arguments) throws IOException, StepFailed {
    ToolRunner.Result result = runCertutil(ToolRunner.MAX_OUTPUT, arguments);
    if (!result.succeeded()) {
      throw new StepFailed(result.failure());
    }
    return result;
  }

  /**
   * Runs certutil, as the database's owner when root works on another user's database ({@link
   * #databaseOwner}): then with no privilege it could gain (no new privileges, no inheritable
   * capabilities) and nothing of root's (its environment, its working folder; {@link
   * ToolRunner#confined}), for that user may inspect the process.
   */
  private ToolRunner.Result runCertutil(int maxOutput, String... arguments) throws IOException {
    return runCertutil(tools, maxOutput, arguments);
  }

  private ToolRunner.Result runCertutil(ToolRunner runner, int maxOutput, String... arguments) throws IOException {
    // Again just before certutil runs: a folder on the way may have become a link since the plan
    refuseChangeableLinks();
    Optional<int[]> owner = databaseOwner();
    List<String> command = new ArrayList<>();
    if (owner.isPresent()) {
      Path setpriv = tools.find("setpriv").orElseThrow(() -> new IOException(
          "certutil runs as the owner of " + directory + " (uid " + owner.get()[0] + "), with setpriv, which is not"
              + " installed (util-linux)"));
      command.addAll(List.of(
          setpriv.toString(), "--reuid=" + owner.get()[0], "--regid=" + owner.get()[1], "--clear-groups",
          "--no-new-privs", "--inh-caps=-all", "--"));
    }
    command.addAll(List.of(certutil.toString(), "-d", "sql:" + directory));
    command.addAll(List.of(arguments));
    return (owner.isPresent() ? runner.confined() : runner).run(command, "", maxOutput);
  }

  /** What certutil reads of a database besides its folder: the module list names libraries to load. */
  private static final List<String> DATABASE_FILES = List.of("cert9.db", "key4.db", "pkcs11.txt");

  /**
   * Whom certutil runs as, when this process runs as root: root (empty) only when no one else may
   * change what it reads, else the one other user who may (their uid and gid). A database names the
   * PKCS#11 modules to load in its {@code pkcs11.txt}: {@code library=/home/app/evil.so} there had
   * root's certutil load and run that library (a plan as root was enough). As that user it runs
   * nothing they could not run themselves.
   *
   * <p>Root's alone means: the folder is root's and no group or other may write it (a POSIX ACL's
   * mask shows in the group bits), and each of {@link #DATABASE_FILES} present is root's, a regular
   * file with one link, and writable by root only. A root folder that a group may write (a member
   * replaced pkcs11.txt), or a database whose parts belong to two users, is refused, saying how to
   * make it right. Looked at before every certutil run.
   */
  private Optional<int[]> databaseOwner() throws IOException {
    if (!Integer.valueOf(0).equals(FileOwners.processUid(directory.getFileSystem()).orElse(-1))
        || !directory.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return Optional.empty();
    }
    Map<String, Object> folder = Files.readAttributes(directory, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    // Every user but root who may change what certutil reads: uid, gid, and what is theirs
    SortedMap<Integer, int[]> others = new TreeMap<>();
    SortedMap<Integer, List<String>> theirs = new TreeMap<>();
    int folderUid = (Integer) folder.get("uid");
    if (folderUid != 0) {
      others.put(folderUid, new int[] {folderUid, (Integer) folder.get("gid")});
      theirs.computeIfAbsent(folderUid, u -> new ArrayList<>()).add(ownerName(directory) + ": the folder");
    } else if (((Integer) folder.get("mode") & FileModes.OTHERS_MAY_WRITE) != 0) {
      throw notRootsAlone(directory, "may be written by " + writers(directory, (Integer) folder.get("mode")), ShellCommand.of("chmod", "go-w", directory));
    }
    for (String name : DATABASE_FILES) {
      Path file = directory.resolve(name);
      Map<String, Object> a;
      try {
        a = Files.readAttributes(file, "unix:uid,gid,mode,nlink", LinkOption.NOFOLLOW_LINKS);
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      }
      int uid = (Integer) a.get("uid");
      int mode = (Integer) a.get("mode");
      if (uid != 0) {
        others.putIfAbsent(uid, new int[] {uid, (Integer) a.get("gid")});
        theirs.computeIfAbsent(uid, u -> new ArrayList<>()).add(ownerName(file) + ": " + name);
      } else if (folderUid == 0 && (mode & FileModes.TYPE) != FileModes.REGULAR) {
        throw notRootsAlone(file, "is no regular file (" + (Files.isSymbolicLink(file) ? "a symbolic link" : "mode " + Integer.toOctalString(mode)) + ")",
            "replace it with a regular file of root's");
      } else if (folderUid == 0 && (Integer) a.get("nlink") != 1) {
        throw notRootsAlone(file, "has " + a.get("nlink") + " hard links (another name may be someone else's to change)",
            ShellCommand.of("cp", file, file + ".new") + " && " + ShellCommand.of("mv", file + ".new", file));
      } else if (folderUid == 0 && (mode & FileModes.OTHERS_MAY_WRITE) != 0) {
        throw notRootsAlone(file, "may be written by " + writers(file, mode), ShellCommand.of("chmod", "go-w", file));
      }
    }
    if (others.size() > 1) {
      List<String> whose = new ArrayList<>();
      theirs.values().forEach(what -> whose.add(String.join(", ", what)));
      throw new IOException(
          "the NSS database " + directory + " belongs to several users (" + String.join("; ", whose) + "): certutil,"
              + " run as one of them, would load what another may write (pkcs11.txt names libraries to load)."
              + " Give it to the user whose database it is: chown -R USER: " + directory);
    }
    if (others.isEmpty()) {
      return Optional.empty();
    }
    int[] owner = others.get(others.firstKey());
    // root's group is no user's to run with (a file of nobody's that root gave only its user kept it)
    return Optional.of(owner[1] != 0 ? owner : new int[] {owner[0], primaryGroup(owner[0])});
  }

  /** A user's own group (id -g), for a part of their database whose group is root's. */
  private int primaryGroup(int uid) throws IOException {
    Path id = tools.find("id").orElseThrow(() -> new IOException("id (coreutils) is not installed"));
    ToolRunner.Result group = tools.confined().run(List.of(id.toString(), "-g", "--", String.valueOf(uid)), "");
    if (!group.succeeded() || !group.stdout().strip().matches("[1-9][0-9]{0,9}")) {
      throw new IOException(
          "certutil would run as uid " + uid + ", the owner of a part of " + directory + " whose group is root's,"
              + " with that user's own group, but " + group.failure() + " (no such user, or its group is root's):"
              + " give the database to a user: chown -R USER: " + directory);
    }
    return Integer.parseInt(group.stdout().strip());
  }

  private IOException notRootsAlone(Path what, String problem, String fix) {
    return new IOException(
        "certutil would run as root on the NSS database " + directory + ", but " + what + " " + problem
            + ": whoever may change it could have certutil load a library of theirs as root (pkcs11.txt names the libraries it loads)."
            + " Make it root's alone (" + fix + "), or, if the database is a user's, give it to them: chown -R USER: " + directory);
  }

  private static String ownerName(Path file) throws IOException {
    return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
  }

  /** Who besides the owner may write a file of that mode: its group, or everyone. */
  private static String writers(Path file, int mode) throws IOException {
    String group = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group().getName();
    String bits = java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    return ((mode & FileModes.EVERY_USER_MAY_WRITE) != 0 ? "every user" : "the members of group " + group) + " (" + bits + ")";
  }

  /**
   * Refuses a way to the database through a link another user may change (tsec13: {@code
   * /home/app/.pki} swapped for a link to {@code /root/.pki} by {@code app} had root's certutil
   * change root's own database, as root, since the folder it reached was root's). The way is walked
   * as the kernel walks it, one name at a time from {@code /}: a link is refused when a user other
   * than root and this process's may change it, that is owns the folder it is in, may write that
   * folder, or owns the link in a sticky folder ({@code /tmp}): {@link KeystorePlace#find(Path,
   * String, KeystorePlace.Refusal)}, the Java trust store's rule. Folders of the database's owner on
   * the way are fine: those they may change only for links, and certutil runs as them there.
   */
  private void refuseChangeableLinks() throws IOException {
    try {
      KeystorePlace.find(directory, "NSS database", (link, folder, who) ->
          "sql:" + directory + " leads through the symbolic link " + link + KeystorePlace.leadsTo(link) + ", which "
              + who + " may change: " + who + " could point it at any database, and certutil would change that one as "
              + TerminalText.escape(FileOwners.processUser()) + ". Name the database folder itself in trust.install.nss");
    } catch (java.nio.file.NoSuchFileException e) {
      // no database there: requireDatabase says so
    }
  }

  /** Every file certutil (SQLite) opens in the folder besides cert9.db, when there. */
  private static final List<String> OPENED_FILES = List.of(
      "key4.db", "pkcs11.txt", "cert9.db-journal", "key4.db-journal", "cert9.db-wal", "key4.db-wal", "cert9.db-shm",
      "key4.db-shm");

  /**
   * Refuses a file certutil opens that is there but no regular file where it leads (rvsec14 M2: the
   * owner's {@code mkfifo key4.db} had every certutil wait on the pipe for its whole timeout while
   * root's apply held the store's lock). certutil then runs not at all: the target is unreadable.
   */
  private void refuseOddFiles() throws StepFailed {
    for (String name : OPENED_FILES) {
      Path file = directory.resolve(name);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
        throw new StepFailed(
            file + " is no regular file (" + (Files.isSymbolicLink(file) ? "a symbolic link to no regular file"
                : Files.isDirectory(file) ? "a folder" : "a pipe, socket or device") + "): certutil would wait on it or"
                + " fail. Put the database's own file back (its owner moved or replaced it), or make the database again as"
                + " its owner: certutil -d sql:" + directory + " -N --empty-password");
      }
    }
  }

  private void requireDatabase() throws StepFailed, IOException {
    refuseChangeableLinks();
    if (Files.isRegularFile(directory.resolve("cert9.db"))) {
      refuseOddFiles();
      return;
    }
    if (Files.exists(directory.resolve("cert8.db"))) {
      throw new StepFailed(
          directory + " holds only a legacy cert8.db (dbm:) database; hostpki installs into sql: databases"
              + " (cert9.db): open it once with a current browser, which converts it");
    }
    throw new StepFailed(
        "there is no NSS database in " + directory + " (no cert9.db). hostpki does not make one in someone's"
            + " profile: start the browser once as that user, or create it as that user: certutil -d sql:"
            + directory + " -N --empty-password");
  }
}
