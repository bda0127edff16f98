/**
 * Keys, certificates, certification requests, PEM and PKCS#12: the only package that touches
 * BouncyCastle. Its types wrap encoded bytes and hand out {@link org.hostpki.model} facts, so no
 * BouncyCastle type leaks to other packages.
 *
 * <p>The files services read besides the store's own ({@code outputs:}) are encoded by {@link
 * org.hostpki.pki.OutputEncoder} — {@link org.hostpki.pki.CombinedPem}, {@link
 * org.hostpki.pki.PrivateKeyPem} (PKCS#8, PKCS#1, SEC 1, encrypted PKCS#8), {@link
 * org.hostpki.pki.Pkcs12} and {@link org.hostpki.pki.UnprotectedPkcs12}, {@link
 * org.hostpki.pki.JavaKeyStore}, DER — and read back into comparable {@link
 * org.hostpki.model.OutputFacts} by {@link org.hostpki.pki.OutputReader}.
 *
 * <p>A file a user names for {@code hostpki inspect} is told apart by its content, never its
 * name, by {@link org.hostpki.pki.Material}: certificates (PEM, DER, PKCS#7), a request, or a
 * key store (PKCS#12, JKS), whose every entry {@link org.hostpki.pki.KeyStoreContents} lists
 * through the same checks as the store's own files. Private keys beside certificates are counted,
 * never decoded.
 *
 * <p>Policy:
 *
 * <ul>
 *   <li>BouncyCastle's lightweight API is used wherever it suffices. Where JCA is unavoidable
 *       (PBES2 encryption in PKCS#12) one {@code BouncyCastleProvider} instance, made on first use,
 *       is passed explicitly; nothing is installed with {@code Security.addProvider}.
 *   <li>Randomness and time are always passed in ({@link java.security.SecureRandom}, {@link
 *       java.time.Instant}); nothing here reads the clock.
 *   <li>Input a user can get wrong (a file's bytes, a password) fails with a checked {@link
 *       org.hostpki.pki.InvalidMaterialException} or {@link org.hostpki.pki.WrongPasswordException}
 *       whose message says what is wrong without naming the file: the caller knows the file and
 *       prefixes it. Programming errors (a null, a server profile without names) are unchecked
 *       {@link java.lang.IllegalArgumentException}s.
 *   <li>Callers read whole files into memory and hand over bytes; parsing never streams from disk.
 * </ul>
 */
package org.hostpki.pki;
