/**
 * {@code hostpki sign}: the CA host certifies another host's request with its internal CA, within
 * the limits of {@code ca.policy}, and records what it issued in its own store.
 *
 * <h2>The signing policy</h2>
 *
 * Default deny, as Vault's PKI roles and cert-manager's approver-policy do: a desired state without
 * {@code ca.policy} signs nothing, and every name and address a request asks for must be allowed.
 *
 * <ul>
 *   <li>{@code allowedDomains}: an exact name ({@code portal.corp.example}) allows that name only.
 *       {@code *.corp.example} allows every name <em>below</em> corp.example, at any depth
 *       ({@code db.corp.example}, {@code a.b.corp.example}) and wildcard names below it ({@code
 *       *.corp.example}, {@code *.lab.corp.example}) — Vault's {@code allow_subdomains}, not TLS's
 *       one-label wildcard match. It does not allow {@code corp.example} itself: list that
 *       separately. Names compare case-insensitively.
 *   <li>{@code allowedNetworks}: every IP address SAN must lie in one of them.
 *   <li>the subject's commonName must be one of the request's own SANs (or be left out: the first
 *       DNS name then fills it); no setting widens this.
 *   <li>{@code maxValidity}: the issued validity is the asked one ({@code --validity}) or else
 *       the CA host's {@code server.validity}, shortened to maxValidity. Without maxValidity the
 *       limit is the browsers' 398 days (unless the CA host sets {@code
 *       server.allowLongValidity}). A certificate never outlives the CA that signs it.
 *   <li>{@code allowedSubjectAttributes}: the subject attributes a request may carry besides its
 *       commonName (organization, organizationalUnit, locality, state, country, emailAddress);
 *       by default none.
 *   <li>{@code allowedExtendedKeyUsages}: serverAuth and clientAuth by default. A certificate gets
 *       the usages its request asks for, serverAuth when it names none.
 * </ul>
 *
 * Beyond the policy, the CA certificate's name constraints (and declared {@code
 * ca.nameConstraints}) must allow every DNS name and address: what they forbid, every client
 * refuses, so it is not signed.
 *
 * A request must also prove possession of its key (its signature verifies) and carry a key
 * hostpki would make itself: RSA of 2048 bits or more, EC on P-256, P-384 or P-521, or Ed25519.
 * The whole request is checked, and what a certificate would carry is exactly what was asked for
 * or nothing is signed: whatever the policy, a name or subject attribute holding a control
 * character, a commonName over 64 characters, a subject attribute other than those above (or one
 * that appears twice), a SAN other than a DNS name or IP address, and an extended key usage other
 * than serverAuth and clientAuth are refused ({@link SignRequest#problems()}), together with what
 * the policy refuses, in one message.
 *
 * <h2>The record</h2>
 *
 * Every issued certificate is kept in the CA host's store as {@code issued/SERIAL.crt} (serial in
 * upper-case hex, as {@code openssl x509 -serial} prints it), committed as a new store generation
 * under the store's lock like any apply. Apply carries these files over untouched. Signing the
 * same request again (same key, same subject and SANs, same CA) returns the recorded certificate
 * until it is within the CA host's {@code server.renewBefore}, widened by its {@code
 * renewal.jitter}, of its end (the latest a member with the same settings is due), and while it is
 * not revoked: that is what makes {@code hostpki sign} idempotent, and a fleet playbook report
 * {@code changed} only when a host really got a new certificate.
 *
 * <h2>Revocation</h2>
 *
 * {@link org.hostpki.sign.CaRevoker} ({@code hostpki revoke}) records a revocation in the store's
 * CRL, {@code ca.crl}, which is the one record of what was revoked ({@link
 * org.hostpki.sign.Revocations}); it is written in a new generation with any {@code issued/}
 * record it adds, through the same envelope as sign ({@code CaStore}: the CA read through apply's
 * {@link org.hostpki.apply.StoreObserver} and checked, then {@link org.hostpki.store.StoreCommit},
 * the envelope apply writes in too: the lock, every other file carried over byte for byte, the
 * commit and its tidy-up notices). A revocation's reason is final, except that it may become
 * keyCompromise (its date kept); a request for a key whose certificate was revoked for
 * keyCompromise is refused.
 */
package org.hostpki.sign;
