package org.hostpki.model;

/**
 * What is left out of every trust source (declared certificates, directories, the system's
 * roots), as trust-manager does for its bundles ({@code --filter-expired-certificates}, {@code
 * useCACertsOnly}).
 *
 * @param excludeExpired leave out certificates whose notAfter has passed
 * @param caOnly leave out certificates that are not CAs (basicConstraints cA=TRUE)
 */
public record TrustFilters(boolean excludeExpired, boolean caOnly) {
  public static final TrustFilters NONE = new TrustFilters(false, false);

  public boolean isNone() {
    return !excludeExpired && !caOnly;
  }
}
