package org.hostpki.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;

/**
 * The plan's {@code pkcs12-password-java} warning: it needs the store password, which the planner
 * never sees.
 */
final class JavaPasswordWarning {
  private JavaPasswordWarning() {}

  /**
   * Warns when the store password has a character outside printable ASCII: Java's PKCS#12 reader
   * (its PBEKey) refuses such a password ("Password is not ASCII", which keytool shows as "keystore
   * password was incorrect"), so no Java program opens server.p12 or a PKCS#12 output, while
   * OpenSSL and NSS do. Never names the character: it is part of a secret.
   */
  static Plan added(Optional<char[]> password, Plan plan) {
    if (password.isEmpty() || plan.isRefused()) {
      return plan;
    }
    for (char c : password.get()) {
      if (c < 0x20 || c > 0x7e) {
        List<Warning> warnings = new ArrayList<>(plan.warnings());
        warnings.add(
            new Warning(
                WarningCode.PKCS12_PASSWORD_JAVA,
                "store.password",
                "store.password holds a character outside printable ASCII: Java's KeyStore (keytool,"
                    + " Tomcat, Spring Boot) cannot open server.p12 or a PKCS#12 output with it"
                    + " ('keystore password was incorrect'), OpenSSL and NSS can; if a Java program"
                    + " reads them, choose a printable ASCII password (the old one as"
                    + " store.previousPassword for one apply)"));
        return new Plan(
            plan.changes(), warnings, plan.refusals(), plan.unchanged(), plan.basis(), plan.pendingHooks(), plan.hold());
      }
    }
    return plan;
  }
}
