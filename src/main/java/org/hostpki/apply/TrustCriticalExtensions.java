package org.hostpki.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.hostpki.model.TrustFilters;
import org.hostpki.plan.Address;
import org.hostpki.plan.Plan;
import org.hostpki.plan.TrustFilter;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.hostpki.pki.Certificate;

/**
 * The plan's {@code trust-critical-extension} warnings: a trusted certificate with an extension
 * marked critical that OpenSSL does not know is installed all the same (Java and NSS may accept
 * it), but OpenSSL clients refuse every chain through it, so the trust it was declared for does
 * not hold there. The planner sees only certificate facts; the extensions are read here. Only
 * what is installed is checked: a certificate {@code trust.caOnly} or {@code trust.excludeExpired}
 * leaves out has its {@code trust-filtered} warning and no other.
 */
final class TrustCriticalExtensions {
  private TrustCriticalExtensions() {}

  /**
   * @param trust every declared certificate, by name, before the filters
   * @param filters {@code trust.caOnly} and {@code trust.excludeExpired}, as the planner applies them
   */
  static Plan added(Plan plan, SortedMap<String, Certificate> trust, TrustFilters filters, Instant now) {
    if (plan.isRefused()) {
      return plan;
    }
    List<Warning> warnings = new ArrayList<>(plan.warnings());
    for (Map.Entry<String, Certificate> e : TrustFilter.apply(trust, Certificate::facts, filters, now).kept().entrySet()) {
      List<String> unknown = e.getValue().criticalExtensionsOpensslRefuses();
      if (!unknown.isEmpty()) {
        warnings.add(
            new Warning(
                WarningCode.TRUST_CRITICAL_EXTENSION,
                Address.trust(e.getKey()),
                "trusted certificate '" + e.getKey() + "' has "
                    + (unknown.size() == 1 ? "an extension" : "extensions")
                    + " marked critical that OpenSSL does not know (" + String.join(", ", unknown)
                    + "): OpenSSL clients (curl, nginx, HAProxy, Python) refuse it and every"
                    + " certificate it signs ('unhandled critical extension'); ask its CA for a"
                    + " certificate without it, or remove it from the trust sources"));
      }
    }
    if (warnings.size() == plan.warnings().size()) {
      return plan;
    }
    return new Plan(
        plan.changes(), warnings, plan.refusals(), plan.unchanged(), plan.basis(), plan.pendingHooks(), plan.hold());
  }
}
