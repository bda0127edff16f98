package org.hostpki.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one place an X.500 name becomes text, for every output: plan, status, history, {@code
 * fetch-cert}, {@code sign}, JSON. The form is RFC 4514's: the RDNs last first ({@code
 * CN=x,O=Example Corp,C=US}), the attributes of a multi-valued RDN joined by {@code +}, and every
 * value escaped as RFC 4514 section 2.4 asks, so that {@code CN=Evil\, CN=Root\+OU=x} is one
 * attribute and reads as one.
 *
 * <p>Beyond the required escapes, every character {@link TerminalText} would escape (newline, ESC,
 * NUL, DEL, C1 controls, line separators, bidi overrides) is written as the hex pairs of its UTF-8
 * bytes ({@code \0A}, {@code \1B}, {@code \E2\80\AE}), which RFC 4514 allows for any character: the
 * text stays one line that cannot move a cursor, recolour or reorder what a reader sees, and still
 * parses back to the same name.
 */
public final class DistinguishedName {
  private DistinguishedName() {}

  /**
   * Attribute types written by keyword, by OID: RFC 4514's, and two that people read by name
   * (emailAddress, serialNumber). Any other type is written as its dotted OID with the value's DER
   * in hex ({@code 2.5.4.12=#0c0341424}), as RFC 4514 requires.
   */
  public static final Map<String, String> KEYWORDS =
      Map.ofEntries(
          Map.entry("2.5.4.3", "CN"),
          Map.entry("2.5.4.7", "L"),
          Map.entry("2.5.4.8", "ST"),
          Map.entry("2.5.4.10", "O"),
          Map.entry("2.5.4.11", "OU"),
          Map.entry("2.5.4.6", "C"),
          Map.entry("2.5.4.9", "STREET"),
          Map.entry("0.9.2342.19200300.100.1.25", "DC"),
          Map.entry("0.9.2342.19200300.100.1.1", "UID"),
          Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
          Map.entry("2.5.4.5", "serialNumber"));

  /**
   * One attribute of an RDN.
   *
   * @param type a keyword of {@link #KEYWORDS} or a dotted OID
   * @param value the value: text, or with {@code der} the value's DER encoding in hex after a
   *     {@code #}
   * @param der whether {@code value} is {@code #HEX} (a type without keyword, or a value that is
   *     no string)
   */
  public record Attribute(String type, String value, boolean der) {
    public Attribute {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }

    /** A string value of the attribute type {@code oid}; by keyword when it has one. */
    public static Attribute of(String oid, String text, byte[] valueDer) {
      String keyword = KEYWORDS.get(oid);
      if (keyword == null || text == null) {
        return encoded(keyword == null ? oid : keyword, valueDer);
      }
      return new Attribute(keyword, text, false);
    }

    /** A value written as {@code #} and the hex of its DER. */
    public static Attribute encoded(String type, byte[] valueDer) {
      return new Attribute(type, "#" + HexFormat.of().formatHex(valueDer), true);
    }

    String text() {
      return type + "=" + (der ? value : escapeValue(value));
    }
  }

  /**
   * The RFC 4514 text of a name.
   *
   * @param rdns the RDNs in encoding order (most significant, e.g. C, first), each with its
   *     attributes
   */
  public static String format(List<List<Attribute>> rdns) {
    List<String> parts = new ArrayList<>(rdns.size());
    for (int i = rdns.size() - 1; i >= 0; i--) {
      List<Attribute> rdn = new ArrayList<>(rdns.get(i));
      // A multi-valued RDN is a set: one order for every reader of the same name.
      rdn.sort(Comparator.comparing(Attribute::type).thenComparing(Attribute::value));
      parts.add(String.join("+", rdn.stream().map(Attribute::text).toList()));
    }
    return String.join(",", parts);
  }

  /** A value escaped for an RFC 4514 string (section 2.4), and safe on a terminal. */
  public static String escapeValue(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      int next = i + Character.charCount(c);
      boolean first = i == 0;
      boolean last = next == value.length();
      if (c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' || c == '\\'
          || (first && (c == ' ' || c == '#'))
          || (last && c == ' ')) {
        out.append('\\').appendCodePoint(c);
      } else if (TerminalText.isUnsafe(c)) {
        for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
          out.append('\\').append(String.format("%02X", b & 0xff));
        }
      } else {
        out.appendCodePoint(c);
      }
      i = next;
    }
    return out.toString();
  }
}
