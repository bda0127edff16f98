/**
 * The ACME edge (RFC 8555): orders the server certificate from an ACME CA, asks for renewal
 * information (RFC 9773) and revokes, on acme4j. The planner decides that a certificate is
 * needed and why; apply calls {@link org.hostpki.acme.AcmeIssuer#order} with the identifiers
 * ({@link org.hostpki.model.AcmeIdentifiers#select}) and a request for the store's next key, and
 * puts the chain it gets through {@link org.hostpki.pki.ChainValidator} before the atomic swap.
 * Only this package touches acme4j, so runs that do not order never load it. The network side of
 * an order and of renewal information is {@link org.hostpki.acme.AcmeCa}: the issuer keeps the
 * record around it either way, and the crash enumeration and the watch tests put a test CA in its
 * place ({@code apply.Reconciler#orderingFrom}).
 *
 * <p>Policy:
 *
 * <ul>
 *   <li><b>Verified TLS, always.</b> The CA is reached over https only (every URL its directory
 *       lists as well: an {@code http://} one is refused before a byte is sent), its certificate checked
 *       (host name included) against the JDK's trust store or {@code server.acme.caBundle}. There is
 *       no switch to turn that off. A redirect is followed only on the server asked (scheme, host,
 *       port); one to another server or to http is refused, saying where it pointed.
 *   <li><b>One account per store and CA directory.</b> Its EC P-256 key is written to {@code
 *       STORE/.acme/HOST-HASH/acme-account.key} (0600) and synced before the CA hears of it, its
 *       URL to {@code account.json} right after; a failure at any point never makes a second
 *       account (a new-account request with a key the CA knows returns that account). The URL is
 *       recorded with its key's fingerprint: a key lost or replaced makes an account of its own.
 *       The record lives beside the generations, outside the served set: it is kept when an order fails.
 *   <li><b>Nothing served changes here.</b> An order produces a chain or an {@link
 *       org.hostpki.acme.AcmeFailure}; the store's generations are apply's to write.
 *   <li><b>Failures are values with a time to try again.</b> Every failure is one line saying
 *       what happened and what to do, carries the CA's problem document (type, detail, a
 *       subproblem per identifier) and its Retry-After, and is recorded with the next attempt:
 *       exponential from 5 minutes to a day, never before Retry-After, an hour at least after a
 *       rate-limit problem ({@link org.hostpki.acme.BackOff}). Whether to wait for it (unattended
 *       runs) or not (a person's apply) is the caller's decision.
 *   <li><b>Challenges exist only while an order runs.</b> Every pending authorization's challenge
 *       is presented before any is triggered, and only for an identifier the order asked for (one
 *       the CA adds is refused before anything is presented: no dns-01 record for another name); listeners are closed, token files removed and dns-01
 *       cleanup hooks run in a finally block, also after a failure (their own failures become
 *       warnings). This package starts no process: the dns-01 hook runs through the {@link
 *       org.hostpki.acme.HookRunner} the caller gives, which apply builds from its hooks ({@code
 *       Hooks#runProgram}: no shell, no secret variables, a session of its own stopped at the
 *       timeout, output escaped). Token files are written into a webroot trusting nothing in it:
 *       no link followed, nothing replaced, only what was made removed.
 *   <li><b>Bounded waits.</b> Every HTTP request has a timeout (30 s at most), the whole order
 *       {@code server.acme.timeout}: every request, poll and dns-01 hook run gets only the time
 *       left of it ({@code OrderDeadline}), and the challenge listeners are open
 *       only in between; polls follow the CA's Retry-After or back off from 100 ms to 5 s (a
 *       Retry-After past the timeout fails the order at once, and is its next attempt).
 *       Renewal information is fetched within a bound the caller gives, so a plan never waits
 *       long on a CA.
 *   <li><b>Injected clock, randomness, environment.</b> Time, randomness (keys, serials of
 *       validation certificates, temporary names) and the hook runner come from the caller; no global JCA provider is installed (acme4j signs with the JDK's own).
 *   <li><b>Text from the CA is escaped</b> ({@link org.hostpki.model.TerminalText}) before it
 *       reaches a message.
 * </ul>
 */
package org.hostpki.acme;
