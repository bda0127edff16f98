package org.hostpki.plan;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DnsName;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostIdentity.Note;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.TerminalText;

/**
 * What the server certificate keeps when host detection found no address, or no name but the
 * placeholder {@code localhost}: the host names and addresses it has, until detection finds some.
 * A network that is not up yet at boot, or every interface down during a timer's run, would
 * otherwise re-issue it without its addresses and the next run re-issue it with them: two reloads,
 * and clients connecting by address refused between them (certmonger and cert-manager do not
 * re-issue on a lookup that found nothing, either). A new certificate gets what is known.
 *
 * <p>"The certificate" is the request for an outside CA's when there is one (what hostpki asked
 * for, not what the CA added), else {@code server.crt}. Its host names and addresses are those
 * {@code server.dnsNames} and {@code server.ipAddresses} do not list. Losing some addresses but not
 * all is a change like any other.
 */
final class DetectionGaps {
  private DetectionGaps() {}

  /** The host names and addresses the server certificate keeps; none when detection found some. */
  record Kept(List<String> names, List<InetAddress> addresses) {
    static final Kept NONE = new Kept(List.of(), List.of());

    Kept {
      names = List.copyOf(names);
      addresses = List.copyOf(addresses);
    }
  }

  static Kept kept(ServerSpec server, HostIdentity host, ObservedStore observed) {
    boolean noName = host.lacks(Note.Kind.NO_HOSTNAME);
    boolean noAddress = host.lacks(Note.Kind.NO_ADDRESS);
    if (!server.includeHostIdentity() || !(noName || noAddress)) {
      return Kept.NONE;
    }
    List<String> names = new ArrayList<>();
    List<InetAddress> addresses = new ArrayList<>();
    Set<String> declared = new LinkedHashSet<>();
    server.dnsNames().forEach(n -> declared.add(DnsName.lowerCase(n)));
    if (noName) {
      for (String name : current(server, observed).names()) {
        String lower = DnsName.lowerCase(name);
        if (!declared.contains(lower) && !names.contains(lower)) {
          names.add(lower);
        }
      }
    }
    if (noAddress) {
      current(server, observed).addresses().stream()
          .filter(a -> !server.ipAddresses().contains(a) && !addresses.contains(a))
          .forEach(addresses::add);
    }
    return new Kept(names, addresses);
  }

  /**
   * A warning for each note of the host identity, when the server certificate covers the host; a
   * refusal when it would then name nothing at all (a new store on an unnamed host before its
   * network is up): a certificate needs a name, and the next run, or the desired state, has one.
   */
  static void plan(PlanInput in, PlanDraft draft) {
    ServerSpec server = in.desired().server();
    if (!server.includeHostIdentity()) {
      return;
    }
    Kept kept = kept(server, in.host(), in.observed());
    ServerNames names = ServerNames.of(in);
    if (names.dnsNames().isEmpty() && names.ipAddresses().isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.NO_SERVER_NAME,
              Address.SERVER,
              "the server certificate would name nothing: the host has no name but the placeholder"
                  + " 'localhost' and no address, and server.dnsNames and server.ipAddresses list"
                  + " none; set the host's name (hostnamectl set-hostname NAME), or give names in"
                  + " host.hostname, host.addresses, server.dnsNames or server.ipAddresses",
              List.of()));
      return;
    }
    for (Note note : in.host().notes()) {
      switch (note.kind()) {
        case NO_ADDRESS ->
            draft.warn(new Warning(WarningCode.HOST_NO_ADDRESS, Address.SERVER, noAddress(note, kept)));
        case NO_HOSTNAME ->
            draft.warn(new Warning(WarningCode.HOST_NO_NAME, Address.SERVER, noName(note, kept)));
        case HOST_FILE -> draft.warn(new Warning(WarningCode.HOST_FILE_ENTRY, Address.SERVER, note.message()));
        case PLACEHOLDER_DOMAIN -> {
          if (placeholderLeavesCertificate(in, names)) {
            draft.warn(new Warning(WarningCode.HOST_FILE_ENTRY, Address.SERVER, note.message()));
          }
        }
      }
    }
  }

  /**
   * Whether leaving out a placeholder domain changes the server certificate: a new store's (said
   * once, when it is made), or a current one that names a host under such a domain the new names
   * leave out (a host whose certificate an earlier hostpki made with {@code web1.localdomain}). A
   * host with no domain of its own is not told so on every run.
   */
  private static boolean placeholderLeavesCertificate(PlanInput in, ServerNames names) {
    ServerSpec server = in.desired().server();
    ObservedStore observed = in.observed();
    boolean none =
        server.issuer() == ServerSpec.Issuer.EXTERNAL
            ? observed.serverCsr().isEmpty()
            : observed.serverCertificate().isEmpty();
    if (none) {
      return true;
    }
    return current(server, observed).names().stream()
        .filter(name -> !names.dnsNames().contains(name))
        .anyMatch(name -> name.indexOf('.') > 0 && DnsName.placeholderDomain(name.substring(name.indexOf('.') + 1)));
  }

  private static String noAddress(Note note, Kept kept) {
    String fix = " (list the host's addresses in host.addresses to give them";
    if (kept.addresses().isEmpty()) {
      return note.message() + "; the server certificate has none of them until one is" + fix + ")";
    }
    return note.message()
        + "; the server certificate keeps its addresses "
        + String.join(", ", kept.addresses().stream().map(IpAddresses::format).toList())
        + " until one is"
        + fix
        + ", or host.addresses: [] for none)";
  }

  private static String noName(Note note, Kept kept) {
    String fix =
        ": set the host's name (hostnamectl set-hostname NAME), or name the host in host.hostname"
            + " or the server in server.dnsNames";
    if (kept.names().isEmpty()) {
      return note.message() + "; the server certificate leaves it out" + fix;
    }
    return note.message()
        + "; the server certificate keeps its names "
        + TerminalText.escape(String.join(", ", kept.names()))
        + " until the host has its own"
        + fix;
  }

  /** The names and addresses of the outside CA's request, else of server.crt; none in a new store. */
  private static Kept current(ServerSpec server, ObservedStore observed) {
    if (server.issuer() == ServerSpec.Issuer.EXTERNAL && observed.serverCsr().isPresent()) {
      CsrFacts csr = observed.serverCsr().get();
      return new Kept(csr.dnsNames(), csr.ipAddresses());
    }
    return observed
        .serverCertificate()
        .map(c -> new Kept(c.dnsNames(), c.ipAddresses()))
        .orElse(Kept.NONE);
  }
}
