/**
 * Installing certificates where the host's own clients look ({@code trust.install}): the operating
 * system's trust store, Java trust stores and NSS databases. An I/O edge like {@code store} and
 * {@code host}: it reads and changes things outside the store, always with the platform's own
 * tools, and knows nothing of plans.
 *
 * <h2>Targets</h2>
 *
 * <ul>
 *   <li><b>system</b> ({@link org.hostpki.install.SystemTrustInstaller}): Debian/Ubuntu, one file
 *       {@code /usr/local/share/ca-certificates/hostpki-NAME.crt} per entry, then {@code
 *       update-ca-certificates} ({@code --fresh} when a file was removed or rewritten: without it
 *       Debian's tool neither drops the old link nor tells its hooks); Fedora/RHEL, {@code
 *       /etc/pki/ca-trust/source/anchors/hostpki-NAME.pem}, then {@code update-ca-trust extract}.
 *       Which applies is read from the directories ({@link
 *       org.hostpki.install.SystemTrustLayout#detect}).
 *   <li><b>Java's cacerts, when the system tool rebuilds it</b>, is part of the system target,
 *       not one of its own: on Debian, ca-certificates-java rebuilds {@code
 *       /etc/ssl/certs/java/cacerts} from the system store through the hook {@code
 *       /etc/ca-certificates/update.d/jks-keystore} (when {@code /etc/default/cacerts} says
 *       {@code cacerts_updates=yes}); on Fedora, {@code update-ca-trust} extracts {@code
 *       /etc/pki/ca-trust/extracted/java/cacerts}. Written with keytool, an entry there would be
 *       lost at the tool's next run. An entry of the system target counts as installed only when
 *       that cacerts holds it too; since Debian's tool never tells the hook about a removed local
 *       CA, the installer hands the hook the removal itself ({@code -/etc/ssl/certs/hostpki-NAME.pem}).
 *   <li><b>java</b> ({@link org.hostpki.install.JavaKeystoreInstaller}): any other trust store
 *       file, with the JDK's KeyStore API; aliases {@code hostpki-NAME}; the file keeps its form
 *       (JKS, PKCS#12 with a password, or PKCS#12 without one as JDK 18+ ship it), owner and mode;
 *       password {@code changeit} unless {@code trust.install.javaPassword} says otherwise.
 *   <li><b>nss</b> ({@link org.hostpki.install.NssDatabaseInstaller}): {@code certutil -d
 *       sql:DIR}, trust {@code C,,}, nickname {@code hostpki-NAME} and 16 hex digits of the
 *       certificate's SHA-256 (a rotated CA has its predecessor's subject, and NSS answers for a
 *       subject, not a nickname). A missing database is an error naming {@code certutil -N}: made
 *       by hostpki as root in someone's profile it would belong to root, and a typo would create a
 *       database nobody reads.
 * </ul>
 *
 * <h2>Rules every target keeps</h2>
 *
 * <ul>
 *   <li>Only entries marked as hostpki's ({@link org.hostpki.model.InstallEntryNames#MARK}) and
 *       owned by the store (its {@linkplain org.hostpki.model.InstallEntryNames#tag tag}, {@link
 *       org.hostpki.install.InstallTargets#storeTag}, or named in its install record) are read
 *       into an observation or changed; everything else there, another store's entries too, stays
 *       as it is.
 *   <li>{@link org.hostpki.install.TrustInstaller#apply} makes the marked entries exactly the
 *       desired set and checks the result by observing again. A tool that fails, a check that
 *       fails afterwards, or a tool that does not finish within {@link
 *       org.hostpki.install.ToolRunner#DEFAULT_TIMEOUT} puts back what the call changed (files as
 *       they were and the tool run again; the previous key store file; NSS entries re-added and
 *       foreign trust flags restored) and throws an {@link org.hostpki.install.InstallException}
 *       with the tool's own words, escaped for a terminal, saying whether the rollback worked.
 *   <li>Files are replaced, never rewritten in place: a complete file beside the old one, synced,
 *       renamed over it, the directory synced. A link planted under hostpki's name is replaced,
 *       never followed; a pipe or device there is never opened.
 * </ul>
 *
 * <h2>Compared with mkcert -install</h2>
 *
 * The same places, mostly the same tools ({@code TrustInstallIT} runs both in the same kind of
 * namespace). What differs: mkcert's uninstall on Debian runs {@code update-ca-certificates}
 * without {@code --fresh}, so dangling links stay in {@code /etc/ssl/certs} and Java keeps
 * trusting the removed CA ({@code debian:mkcert_development_ca_*.pem} stays in cacerts); hostpki
 * removes both. mkcert checks nothing after the tools ran and puts nothing back when one fails;
 * it writes Java's cacerts with keytool when the system tool has not already taken the CA up, in
 * place; it names NSS entries by serial, which a rotated CA's same subject makes ambiguous; it too
 * installs only into NSS databases that exist.
 *
 * <h2>For the plan (the integration round)</h2>
 *
 * The pure planner compares, per target, the desired entries (by name, {@link
 * org.hostpki.model.InstallEntryNames}: the store's tag, then {@code ca}, {@code ca-next}, {@code
 * ca-previous} or {@code trust-NAME}; each certificate once) with an {@link org.hostpki.model.InstallObservation} (from
 * {@link org.hostpki.install.TrustInstaller#observe}) and the {@link
 * org.hostpki.model.InstallRecord} (read with {@link org.hostpki.install.InstallRecordFile}), and
 * yields create, replace and delete changes addressed {@link
 * org.hostpki.model.InstallTarget#entryAddress}. Targets come from {@link
 * org.hostpki.install.InstallTargets#resolve}; a target only in the record from {@link
 * org.hostpki.install.InstallTargets#forRecorded}. Apply writes the record with {@link
 * org.hostpki.model.InstallRecord#intending} before it calls {@code apply(desired)} on a target,
 * and with {@link org.hostpki.model.InstallRecord#with} after, so that a crash in between still
 * leaves every name hostpki may have installed on record.
 */
package org.hostpki.install;
