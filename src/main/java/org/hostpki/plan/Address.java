package org.hostpki.plan;

import org.hostpki.model.StoreLayout;

/**
 * The resources a plan changes, by their addresses: stable words of the plan contract (the JSON
 * plan's {@code address}), not store file names.
 */
public final class Address {
  /** The internal CA: {@code ca.crt} and {@code ca.key}. */
  public static final String CA = "ca";
  /** The CA a phased rotation moves to: {@code ca-next.crt} and {@code ca-next.key}. */
  public static final String CA_NEXT = "ca-next";
  /** The CA a rotation moved away from, still trusted: {@code ca-previous.crt}. */
  public static final String CA_PREVIOUS = "ca-previous";
  /** The server certificate and its key. */
  public static final String SERVER = "server";
  /** The certificate request for an external CA (and the record of the chain imported last). */
  public static final String SERVER_CSR = "server.csr";
  /** {@code ca.crl}: a fleet CA's revocation list, renewed before its nextUpdate. */
  public static final String CA_CRL = StoreLayout.CA_CRL;
  /** The record of what the PKCS#12 files hold. */
  public static final String PKCS12_RECORD = output(StoreLayout.PKCS12_RECORD);

  private static final String TRUST_PREFIX = "trust/";
  private static final String OUTPUT_PREFIX = "output/";
  private static final String LINK_PREFIX = "link/";

  private Address() {}

  /** {@code trust/NAME}: one trusted certificate. */
  public static String trust(String name) {
    return TRUST_PREFIX + name;
  }

  /** Whether the address is a trusted certificate's. */
  public static boolean isTrust(String address) {
    return address.startsWith(TRUST_PREFIX);
  }

  /** {@code link/NAME}: the store's visible link {@code NAME -> ..data/NAME}. */
  public static String link(String name) {
    return LINK_PREFIX + name;
  }

  /** {@code output/FILE}: a file derived from the certificates and keys. */
  public static String output(String file) {
    return OUTPUT_PREFIX + file;
  }
}
