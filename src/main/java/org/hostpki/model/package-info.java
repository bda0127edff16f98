/**
 * The domain as immutable values: the desired state read from YAML, the live host identity, and
 * the facts observed in a store. Nothing here does I/O or knows about YAML, BouncyCastle or files
 * beyond {@link java.nio.file.Path} values; every other package may use this one.
 */
package org.hostpki.model;
