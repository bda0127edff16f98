package org.hostpki.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.IpAddresses;

/** Reads lists of DNS names and IP addresses, checking each entry and warning on repeats. */
final class SanChecks {
  private final Fields fields;

  SanChecks(Fields fields) {
    this.fields = fields;
  }

  /** Valid names, lower-cased, without repeats; each invalid one is reported. */
  List<String> dnsNames(YamlNode.Mapping m, String key, boolean wildcardAllowed) {
    List<String> names = new ArrayList<>();
    Map<String, YamlNode> seen = new HashMap<>();
    for (Fields.Given<String> text : fields.strings(m, key)) {
      YamlNode node = text.node();
      if (IpAddresses.parse(text.value()).isPresent()) {
        fields.error(
            node,
            node.displayName() + " '" + text.value() + "' is an IP address, not a DNS name; list it under "
                + addressesKeyFor(m));
        continue;
      }
      Optional<String> problem = DnsName.problem(text.value(), wildcardAllowed);
      if (problem.isPresent()) {
        fields.error(node, node.displayName() + " '" + text.value() + "' " + problem.get());
        continue;
      }
      String name = DnsName.lowerCase(text.value());
      if (repeated(seen, name, node, m.childPath(key))) {
        continue;
      }
      names.add(name);
    }
    return names;
  }

  /** Valid addresses without repeats; each text that is no IP address is reported. */
  List<InetAddress> addresses(YamlNode.Mapping m, String key) {
    List<InetAddress> addresses = new ArrayList<>();
    Map<String, YamlNode> seen = new HashMap<>();
    for (Fields.Given<String> text : fields.strings(m, key)) {
      Optional<InetAddress> address = IpAddresses.parse(text.value());
      int zone = text.value().indexOf('%');
      if (address.isEmpty() && zone > 0 && IpAddresses.parse(text.value().substring(0, zone)).isPresent()) {
        fields.error(
            text.node(),
            text.node().displayName() + " '" + text.value() + "' has a zone id ('" + text.value().substring(zone)
                + "'), which no certificate carries: write '" + text.value().substring(0, zone) + "'");
        continue;
      }
      if (address.isEmpty()) {
        fields.error(
            text.node(),
            text.node().displayName() + " '" + text.value()
                + "' is not an IP address (an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10)");
        continue;
      }
      Optional<String> notAHost = IpAddresses.notAHost(address.get());
      if (notAHost.isPresent()) {
        fields.error(
            text.node(),
            text.node().displayName() + " '" + text.value() + "' " + notAHost.get()
                + ": list the addresses clients connect to this host by");
        continue;
      }
      if (repeated(seen, IpAddresses.format(address.get()), text.node(), m.childPath(key))) {
        continue;
      }
      addresses.add(address.get());
    }
    return addresses;
  }

  /** Whether {@code value} was seen before in {@code list}: then a warning says the repeat is ignored. */
  boolean repeated(Map<String, YamlNode> seen, String value, YamlNode node, String list) {
    YamlNode first = seen.putIfAbsent(value, node);
    if (first != null) {
      fields.warning(
          node, list + " lists '" + value + "' twice (first at " + first.position() + "); the repeat is ignored");
      return true;
    }
    return false;
  }

  private static String addressesKeyFor(YamlNode.Mapping m) {
    if (m.path().startsWith("ca.nameConstraints")) {
      return m.childPath("ipRanges");
    }
    return m.path().startsWith("ca.policy") ? m.childPath("allowedNetworks") : m.childPath("ipAddresses");
  }
}
