package org.hostpki.files;

/**
 * The kinds of files hostpki reads, each with the most it reads of one. A limit is far above any
 * real file of its kind and far below what would strain the memory; it is named in the message
 * that refuses a file over it.
 */
public enum InputKind {
  /** A desired state is a few kilobytes. */
  DESIRED_STATE("a desired-state file", 1L << 20),
  /** One password, perhaps with a line end. */
  PASSWORD("a password file", 64L << 10),
  /** A trusted certificate file may hold up to 10,000 certificates (a CA bundle). */
  TRUSTED_CERTIFICATES("a trusted certificate file", 64L << 20),
  /** A CRL a member host consumes ({@code trust.crls}): a large CA's list of revoked serials. */
  REVOCATION_LIST("a CRL file", 64L << 20),
  /** An external chain holds at most 20 certificates. */
  CHAIN("a certificate chain", 1L << 20),
  /** A certificate request: one key, a subject and its names. */
  CERTIFICATE_REQUEST("a certificate request", 1L << 20),
  /** What {@code inspect} reads: as large as a bundle of trusted certificates. */
  INSPECTED("a file to inspect", 64L << 20),
  /** A saved plan lists one change per trusted certificate: 100,000 of them fit. */
  SAVED_PLAN("a saved plan", 256L << 20),
  /** {@code /etc/resolv.conf}, {@code /proc/sys/kernel/hostname}, {@code /proc/net/if_inet6}. */
  HOST_FILE("a host configuration file", 16L << 20),
  /** The metrics file hostpki wrote before: one series per trusted certificate of 100,000 fits. */
  METRICS_FILE("a metrics file", 64L << 20),
  /**
   * An output of the store (a combined PEM, a key, a PKCS#12 or JKS file, a DER certificate): one
   * key and a chain of at most 1 MiB. Read only this far, so that a service user it is handed to,
   * who may write it, cannot make every run read a gigabyte, nor stop them with a larger file.
   */
  OUTPUT_FILE("an output file", 4L << 20),
  /** A store file: a trust bundle or trust store of 100,000 certificates fits. */
  STORE_FILE("a store file", 1L << 30);

  private final String words;
  private final long limit;

  InputKind(String words, long limit) {
    this.words = words;
    this.limit = limit;
  }

  /** The most bytes read of one file of this kind. */
  public long limit() {
    return limit;
  }

  /** How messages name the kind: {@code a password file}. */
  public String words() {
    return words;
  }

  /** The limit as a person reads it: {@code 64 KiB}, {@code 1 MiB}, {@code 1 GiB}. */
  public String limitWords() {
    return FileReasons.size(limit);
  }
}
