/**
 * Talking TLS to remote devices, to show an operator the certificate chain a device presents
 * before it is trusted ({@code hostpki fetch-cert}).
 *
 * <p>{@link org.hostpki.fetch.TlsCertificateFetcher} connects and returns a {@link
 * org.hostpki.fetch.PresentedChain}; {@link org.hostpki.fetch.ChainText} and {@link
 * org.hostpki.fetch.ChainJson} render it; {@link org.hostpki.fetch.PemCertificates} saves it for
 * a trust directory. Certificates are read with the JDK's own X.509 parser.
 *
 * <p>Policy: the fetch trusts nothing and accepts whatever chain is presented. That is safe only
 * because nothing is sent over the connection and nothing received is trusted by this code: the
 * operator compares the shown SHA-256 fingerprint with one obtained out of band before putting the
 * certificate into a trust directory. The accepting trust manager is package-private and used for
 * this display and nothing else; every connection that relies on a certificate must verify it.
 *
 * <p>Failures before a certificate arrives are {@link org.hostpki.fetch.FetchException}s with a
 * {@link org.hostpki.fetch.FetchException.Failure} and a message naming the endpoint, what
 * happened and what to check. A handshake that fails after the chain arrived is not an error: the
 * chain is returned with the problem attached. The name lookup, the connect and the handshake are
 * each bounded by the timeout.
 */
package org.hostpki.fetch;
