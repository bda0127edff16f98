/**
 * Fetching the certificate chain a TLS server presents, to show it to an operator before it is
 * trusted ({@code hostpki fetch-cert}). The edge of hostpki that talks to other hosts; it uses the
 * model and the JSON writer, nothing else of hostpki.
 *
 * <p>{@link org.hostpki.fetch.TlsCertificateFetcher} connects and returns a {@link
 * org.hostpki.fetch.PresentedChain}; {@link org.hostpki.fetch.ChainText} and {@link
 * org.hostpki.fetch.ChainJson} render it; {@link org.hostpki.fetch.PemCertificates} saves it for
 * a trust directory.
 *
 * <p>Why no BouncyCastle here, unlike {@code pki}: the handshake is the JDK's own TLS stack
 * (SunJSSE through {@code SSLSocket}), and it hands the presented chain to the trust manager
 * already parsed by the JDK's X.509 parser as {@code X509Certificate}s. Everything shown is read
 * from those (names through their RFC 2253 form into {@link
 * org.hostpki.model.DistinguishedName}, alternative names, key, fingerprints over the encoded
 * bytes), so no second parser is needed, and none is loaded: {@code fetch-cert} starts with the
 * JVM, the TLS stack and this package, about 2,600 classes and none of BouncyCastle's, where a
 * converged {@code plan} loads some 430 BouncyCastle classes (measured with {@code
 * -verbose:class}). It also shows the chain as the JDK's TLS clients see it.
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
