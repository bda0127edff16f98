package org.hostpki.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a certificate's subject alternative names cover the names a server must answer to, the
 * way TLS clients match them (RFC 6125): DNS names compare case-insensitively, a wildcard
 * {@code *.example.com} covers exactly one left-most label ({@code a.example.com}, not {@code
 * example.com} nor {@code a.b.example.com}), IP addresses compare exactly.
 */
public final class SanCoverage {
  private SanCoverage() {}

  /** The wanted names the certificate's SANs do not cover, DNS names first, in wanted order. */
  public static List<String> uncovered(
      List<String> haveDns,
      List<InetAddress> haveIps,
      List<String> wantDns,
      List<InetAddress> wantIps) {
    List<String> missing = new ArrayList<>();
    for (String want : wantDns) {
      if (haveDns.stream().noneMatch(have -> covers(have, want))) {
        missing.add(want);
      }
    }
    for (InetAddress want : wantIps) {
      if (!haveIps.contains(want)) {
        missing.add(IpAddresses.format(want));
      }
    }
    return missing;
  }

  /** Whether the SAN {@code have} covers the name {@code want} (which may itself be a wildcard). */
  public static boolean covers(String have, String want) {
    String h = trimDot(have.toLowerCase(Locale.ROOT));
    String w = trimDot(want.toLowerCase(Locale.ROOT));
    if (h.equals(w)) {
      return true;
    }
    if (!h.startsWith("*.") || w.startsWith("*.")) {
      return false;
    }
    int dot = w.indexOf('.');
    return dot > 0 && w.substring(dot + 1).equals(h.substring(2));
  }

  private static String trimDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
