package org.hostpki.model;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/** A CIDR network such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}. */
public record IpNetwork(InetAddress address, int prefixLength) {

  public IpNetwork {
    Objects.requireNonNull(address, "address");
    int bits = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + bits);
    }
  }

  /** Parses {@code ADDRESS/PREFIX}; a bare address is a host network (/32 or /128). */
  public static Optional<IpNetwork> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String addressPart = slash < 0 ? text : text.substring(0, slash);
    Optional<InetAddress> address = IpAddresses.parse(addressPart);
    if (address.isEmpty()) {
      return Optional.empty();
    }
    int bits = address.get().getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}")) {
        return Optional.empty();
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        return Optional.empty();
      }
    }
    return Optional.of(new IpNetwork(address.get(), prefix));
  }

  public boolean contains(InetAddress candidate) {
    byte[] net = address.getAddress();
    byte[] other = candidate.getAddress();
    if (net.length != other.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((net[bit / 8] & mask) != (other[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return IpAddresses.format(address) + "/" + prefixLength;
  }
}
