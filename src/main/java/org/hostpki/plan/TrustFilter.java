package org.hostpki.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.TrustFilters;

/**
 * {@code trust.excludeExpired} and {@code trust.caOnly} over the certificates of every trust
 * source (declared, from directories, the system's roots): a pure function of the certificates and
 * the time, so the planner can show what it left out and why. As in trust-manager, "expired" means
 * the notAfter is before now (a certificate not yet valid is kept), and "a CA" means
 * basicConstraints cA=TRUE (an X.509 v1 certificate has no basicConstraints and is no CA here).
 */
public final class TrustFilter {
  private TrustFilter() {}

  /** Why a certificate was left out. */
  public enum Cause {
    EXPIRED("trust.excludeExpired"),
    NOT_A_CA("trust.caOnly");

    private final String setting;

    Cause(String setting) {
      this.setting = setting;
    }

    /** The setting that left it out. */
    public String setting() {
      return setting;
    }
  }

  /** A certificate left out, with every cause that applies. */
  public record Dropped(String name, CertificateFacts facts, List<Cause> causes) {
    public Dropped {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(facts, "facts");
      causes = List.copyOf(causes);
    }

    /** {@code expired on 2024-05-01T00:00:00Z (trust.excludeExpired)}. */
    public String describe() {
      List<String> words = new ArrayList<>();
      for (Cause c : causes) {
        words.add(
            (c == Cause.EXPIRED ? "expired on " + facts.notAfter() : "not a CA (no basicConstraints cA=TRUE)")
                + " (" + c.setting() + ")");
      }
      return String.join(", ", words);
    }
  }

  /** What is kept, by name, and what was left out, in name order. */
  public record Result<T>(SortedMap<String, T> kept, List<Dropped> dropped) {
    public Result {
      kept = Collections.unmodifiableSortedMap(new TreeMap<>(kept));
      dropped = List.copyOf(dropped);
    }
  }

  /**
   * Applies the filters.
   *
   * @param certificates by name; any type that has facts (parsed certificates at the edge, facts in
   *     the planner)
   * @param facts how to get a certificate's facts
   */
  public static <T> Result<T> apply(
      SortedMap<String, T> certificates, Function<T, CertificateFacts> facts, TrustFilters filters, Instant now) {
    if (filters.isNone()) {
      return new Result<>(certificates, List.of());
    }
    SortedMap<String, T> kept = new TreeMap<>();
    List<Dropped> dropped = new ArrayList<>();
    for (Map.Entry<String, T> entry : certificates.entrySet()) {
      CertificateFacts f = facts.apply(entry.getValue());
      List<Cause> causes = new ArrayList<>();
      if (filters.excludeExpired() && f.notAfter().isBefore(now)) {
        causes.add(Cause.EXPIRED);
      }
      if (filters.caOnly() && !f.ca()) {
        causes.add(Cause.NOT_A_CA);
      }
      if (causes.isEmpty()) {
        kept.put(entry.getKey(), entry.getValue());
      } else {
        dropped.add(new Dropped(entry.getKey(), f, causes));
      }
    }
    return new Result<>(kept, dropped);
  }
}
