package org.hostpki.testkit;

/**
 * The JUnit tags of the suite, for choosing what runs ({@code mvn test -Pfast} leaves them all
 * out; see the README, "Tests"). A class carries a tag when most of its time goes to what the tag
 * names.
 */
public final class Tags {
  /** Seconds of CPU or wall time on their own: the crash enumeration, process kills, big corpora. */
  public static final String SLOW = "slow";

  /** Checks hostpki's output with outside programs: openssl, certutil, curl, shells, Chromium. */
  public static final String INTEROP = "interop";

  /** Runs commands in private Linux namespaces ({@code unshare}): needs root. */
  public static final String NAMESPACE = "namespace";

  private Tags() {}
}
