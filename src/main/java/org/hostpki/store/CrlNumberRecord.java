package org.hostpki.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.hostpki.model.HostpkiException;

/**
 * The highest CRL number a store's CA has issued, kept beside the generations ({@code
 * STORE/.crl/number}, decimal): RFC 5280 wants each CRL's number above every earlier one, and the
 * kept generations alone forget. After a rollback to a generation with an older {@code ca.crl},
 * later writes prune the generations that held the higher numbers; without this record the next
 * CRL took a number already published. Written before the commit of the set holding the CRL, so
 * that a crash leaves at most a number never used, which RFC 5280 allows.
 */
public final class CrlNumberRecord {
  /** The record's folder in a store. */
  public static final String FOLDER = ".crl";
  private static final String FILE = "number";

  private CrlNumberRecord() {}

  /** The number recorded; empty when none is, or what is there is no number (then the CRLs count). */
  public static Optional<BigInteger> highest(Path store, SecureRandom random) {
    try {
      Optional<byte[]> content = RecordDirectory.in(store, random, FOLDER).read(FILE);
      if (content.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new BigInteger(new String(content.get(), StandardCharsets.US_ASCII).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure(store, e);
    }
  }

  /** Records {@code number} as issued (under the store's lock). */
  public static void record(Path store, BigInteger number, SecureRandom random) {
    try {
      RecordDirectory.in(store, random, FOLDER)
          .replace(FILE, (number + "\n").getBytes(StandardCharsets.US_ASCII), false);
    } catch (IOException e) {
      throw failure(store, e);
    }
  }

  private static HostpkiException failure(Path store, IOException e) {
    return new HostpkiException(
        "cannot keep the CRL number record " + store.resolve(FOLDER).resolve(FILE) + ": "
            + IoFailures.describe(e) + "; the store is unchanged",
        e);
  }
}
