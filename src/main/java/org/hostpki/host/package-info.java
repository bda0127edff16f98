/**
 * The live host identity: the short host name, the DNS domain and the addresses a server
 * certificate must cover.
 *
 * <p>{@link org.hostpki.host.HostIdentityProbe} is what the rest of hostpki calls; {@link
 * org.hostpki.host.LiveHostIdentityProbe} is the real one. Its inputs (a file-system root, the
 * network interfaces, the canonical-name lookup) are injected, so it runs against fake files and
 * interfaces in tests.
 *
 * <p>Policy: each part given in {@code host:} overrides detection of that part, and a part that is
 * given is never detected, so a host whose detection fails can always be described by hand.
 * Detection that fails (an unreadable file, no interface list) is a {@link
 * org.hostpki.model.HostpkiException} naming the YAML key to set instead ({@code host.hostname},
 * {@code host.domain}, {@code host.addresses}). An unknown domain is not a failure: the identity
 * then has no FQDN. The canonical-name lookup is bounded (two seconds), because a host with a dead
 * name server must still be able to plan.
 *
 * <p>Detection that runs but finds nothing usable is no failure either: no address on any
 * interface, the placeholder host name {@code localhost}, a resolv.conf entry that is no domain are
 * {@link org.hostpki.model.HostIdentity.Note notes} of the identity. The planner keeps the server
 * certificate's own names or addresses for the first two and warns about each: a network that is
 * not up yet must not re-issue the certificate twice.
 */
package org.hostpki.host;
