package org.hostpki.plan;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.ServerSpec;

/**
 * The names of a server certificate the internal CA signs, held against that CA's name
 * constraints. OpenSSL, Chromium, NSS and Java refuse a whole certificate when one of its names
 * lies outside them, so a name outside never goes into it:
 *
 * <ul>
 *   <li>a name the live host identity brought ({@code server.includeHostIdentity}: the short
 *       name, the FQDN, an address) is left out, with a warning naming it, the constraint and the
 *       ways to have it: the host identity moves under hostpki, and a new interface must not stop
 *       the renewal of the names that are still fine;
 *   <li>a name {@code server.dnsNames} or {@code server.ipAddresses} lists is refused, as step-ca
 *       refuses to sign outside its constraints: the desired state asks for a certificate no client
 *       accepts; so is a certificate left with no name at all.
 * </ul>
 */
final class ServerNameConstraints {
  private ServerNameConstraints() {}

  /**
   * The names the certificate gets.
   *
   * @param constraints those of the CA that signs the server certificate after this plan
   * @param declared whether {@code ca.nameConstraints} is set: if not, the CA keeps those it was
   *     made with, and the advice is to declare them anew or replace the CA
   */
  static ServerNames within(
      ServerSpec server,
      ServerNames names,
      Optional<NameConstraints> constraints,
      boolean declared,
      PlanDraft draft) {
    if (constraints.isEmpty() || constraints.get().isEmpty()) {
      return names;
    }
    NameConstraints nc = constraints.get();
    List<String> declaredNames = server.dnsNames().stream().map(DnsName::lowerCase).toList();
    List<String> dns = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String name : names.dnsNames()) {
      Optional<NameConstraints.Refusal> why = nc.dnsNameRefusal(name);
      if (why.isEmpty()) {
        dns.add(name);
      } else if (declaredNames.contains(name)) {
        dns.add(name);
        refused.add("server.dnsNames: " + name + " " + why.get().reason(WHOSE));
      } else {
        leaveOut(name, why.get(), fix(why.get(), declared, "dnsDomains", "it or a domain above it"), draft);
      }
    }
    for (InetAddress address : names.ipAddresses()) {
      Optional<NameConstraints.Refusal> why = nc.addressRefusal(address);
      String shown = IpAddresses.format(address);
      if (why.isEmpty()) {
        ips.add(address);
      } else if (server.ipAddresses().contains(address)) {
        ips.add(address);
        refused.add("server.ipAddresses: " + shown + " " + why.get().reason(WHOSE));
      } else {
        leaveOut(
            shown,
            why.get(),
            fix(why.get(), declared, "ipRanges", "a network holding it")
                + ", or keep the address out of the host identity with host.ignoreInterfaces or"
                + " host.addresses",
            draft);
      }
    }
    if (!refused.isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.NAME_CONSTRAINTS,
              Address.SERVER,
              "the server certificate would name what the CA's name constraints do not allow, and"
                  + " clients refuse such a certificate as a whole: remove the name from the desired"
                  + " state, or "
                  + (declared ? "widen ca.nameConstraints (the CA is re-issued through its rotation)" : UNSET),
              refused));
    } else if (dns.isEmpty() && ips.isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.NAME_CONSTRAINTS,
              Address.SERVER,
              "none of the server's names lies inside the CA's name constraints ("
                  + nc
                  + "): list a name inside them in server.dnsNames or server.ipAddresses, or "
                  + (declared ? "widen ca.nameConstraints" : UNSET),
              List.of()));
      return names;
    }
    return new ServerNames(server.subject().withCommonNameFrom(dns), dns, ips);
  }

  private static final String WHOSE = "the CA's name constraints";

  /**
   * The way out when {@code ca.nameConstraints} is not set: the CA keeps the constraints it was
   * made with, since dropping them would widen what it may sign.
   */
  private static final String UNSET =
      "declare ca.nameConstraints to allow it (the CA is re-issued through its rotation); the CA"
          + " keeps the constraints it was made with while ca.nameConstraints is not set, and only a"
          + " new CA drops them: 'hostpki apply --replace ca' (every client that trusts the current CA"
          + " must then trust the new one)";

  /** {@code add it or a domain above it to ca.nameConstraints.permitted.dnsDomains (...)}. */
  private static String fix(NameConstraints.Refusal why, boolean declared, String kind, String what) {
    if (!declared) {
      return UNSET;
    }
    return (why.outsidePermitted()
            ? "add " + what + " to ca.nameConstraints.permitted." + kind
            : "take it out of ca.nameConstraints.excluded." + kind)
        + " (the CA is re-issued through its rotation)";
  }

  private static void leaveOut(String name, NameConstraints.Refusal why, String fix, PlanDraft draft) {
    draft.warn(
        new Warning(
            WarningCode.NAME_CONSTRAINTS,
            Address.SERVER,
            "the server certificate leaves out "
                + name
                + " of the host identity: it "
                + why.reason(WHOSE)
                + ", and clients refuse a certificate with a name outside them; to have it, "
                + fix));
  }
}
