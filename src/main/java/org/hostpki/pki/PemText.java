package org.hostpki.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The blocks of a PEM text (RFC 7468), found in one pass over the bytes and decoded on demand. Text
 * outside blocks is ignored, as OpenSSL does (files often carry {@code subject=} lines or "Bag
 * Attributes"), but binary bytes outside blocks are refused: they mean a corrupt file or the wrong
 * file, not a comment.
 */
final class PemText {
  private PemText() {}

  private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "-----END ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UTF16LE_BEGIN = "-----BEGIN ".getBytes(StandardCharsets.UTF_16LE);
  private static final byte[] UTF16BE_BEGIN = "-----BEGIN ".getBytes(StandardCharsets.UTF_16BE);

  /**
   * One block, not yet decoded.
   *
   * @param number 1-based position among the file's blocks
   * @param label the text between {@code -----BEGIN } and {@code -----}
   * @param line 1-based line of the BEGIN line
   * @param bodyStart offset of the first byte after the BEGIN line
   * @param bodyEnd offset of the first byte of the END line
   */
  record Block(int number, String label, int line, int bodyStart, int bodyEnd) {
    /** How messages name the block: {@code block 2 (CERTIFICATE, line 31)}. */
    String describe() {
      return "block " + number + " (" + label + ", line " + line + ")";
    }

    boolean isPrivateKey() {
      return label.endsWith("PRIVATE KEY");
    }
  }

  /** A decoded block: its RFC 1421 headers (e.g. {@code Proc-Type}) and its binary content. */
  record Decoded(Map<String, String> headers, byte[] content) {
    boolean isEncrypted() {
      return headers.getOrDefault("Proc-Type", "").toUpperCase(Locale.ROOT).contains("ENCRYPTED");
    }
  }

  // What each byte is inside a block's base64 text; the table is filled once and never changed.
  private static final byte OTHER = 0;
  private static final byte BASE64 = 1;
  private static final byte SPACE = 2;
  private static final byte PAD = 3;
  private static final byte[] KIND = new byte[256];

  static {
    for (int b = 0; b < 256; b++) {
      byte value = (byte) b;
      KIND[b] = isSpace(value) ? SPACE : value == '=' ? PAD : isBase64(value) ? BASE64 : OTHER;
    }
  }

  /** Whether the data has a BEGIN line anywhere, i.e. is meant to be PEM. */
  static boolean hasBeginLine(byte[] data) {
    return indexOf(data, BEGIN, 0) >= 0;
  }

  static boolean isBlank(byte[] data) {
    for (int i = textStart(data); i < data.length; i++) {
      if (!isSpace(data[i]) && data[i] != '\n') {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the text starts: after a UTF-8 byte order mark, which Windows editors write and OpenSSL
   * skips, so a PEM file saved by Notepad reads as it does there.
   */
  private static int textStart(byte[] data) {
    return data.length >= 3
            && (data[0] & 0xff) == 0xEF
            && (data[1] & 0xff) == 0xBB
            && (data[2] & 0xff) == 0xBF
        ? 3
        : 0;
  }

  /**
   * Refuses PEM text saved as UTF-16 (Windows "Unicode"), which no PEM reader takes, with the fix;
   * without this check it would read as binary garbage.
   */
  static void refuseUtf16(byte[] data) throws InvalidMaterialException {
    // UTF-16 text of ASCII has a zero byte in every character: text without one (every PEM file
    // and a trust store's thousands of them) is passed in one quick scan.
    int zero = indexOf(data, (byte) 0, 0);
    if (zero < 0) {
      return;
    }
    int from = Math.max(0, zero - 1);
    if (indexOf(data, UTF16LE_BEGIN, from) >= 0 || indexOf(data, UTF16BE_BEGIN, from) >= 0) {
      throw new InvalidMaterialException(
          "is UTF-16 text; PEM is ASCII text: save the file as UTF-8 or ASCII");
    }
  }

  /** Finds the blocks; refuses unbalanced BEGIN/END lines and binary data outside blocks. */
  static List<Block> blocks(byte[] data) throws InvalidMaterialException {
    List<Block> blocks = new ArrayList<>();
    String openLabel = null;
    int openLine = 0;
    int bodyStart = 0;
    int line = 0;
    int pos = textStart(data);
    while (pos < data.length) {
      int newline = indexOf(data, (byte) '\n', pos);
      int lineEnd = newline < 0 ? data.length : newline;
      int next = newline < 0 ? data.length : newline + 1;
      line++;
      int s = pos;
      int e = lineEnd;
      while (s < e && isSpace(data[s])) {
        s++;
      }
      while (e > s && isSpace(data[e - 1])) {
        e--;
      }
      String begin = boundaryLabel(data, s, e, BEGIN);
      String end = begin == null ? boundaryLabel(data, s, e, END) : null;
      if (openLabel == null) {
        if (begin != null) {
          openLabel = begin;
          openLine = line;
          bodyStart = next;
        } else if (end != null) {
          throw new InvalidMaterialException(
              "line " + line + ": -----END " + end + "----- without a matching BEGIN line");
        } else {
          int binary = firstBinaryByte(data, pos, lineEnd);
          if (binary >= 0) {
            throw binaryData(blocks, binary);
          }
        }
      } else if (end != null) {
        Block block = new Block(blocks.size() + 1, openLabel, openLine, bodyStart, pos);
        if (!end.equals(openLabel)) {
          throw new InvalidMaterialException(
              block.describe() + " ends with -----END " + end + "----- at line " + line);
        }
        blocks.add(block);
        openLabel = null;
      } else if (begin != null) {
        throw new InvalidMaterialException(
            new Block(blocks.size() + 1, openLabel, openLine, bodyStart, pos).describe()
                + " is truncated: line "
                + line
                + " begins a new block before its -----END "
                + openLabel
                + "----- line");
      }
      pos = next;
    }
    if (openLabel != null) {
      throw new InvalidMaterialException(
          new Block(blocks.size() + 1, openLabel, openLine, bodyStart, data.length).describe()
              + " is truncated: the -----END "
              + openLabel
              + "----- line is missing");
    }
    return blocks;
  }

  /** Decodes a block's headers and base64 content, with the line of any bad character. */
  static Decoded decode(byte[] data, Block block) throws InvalidMaterialException {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] base64 = new byte[block.bodyEnd() - block.bodyStart()];
    int length = 0;
    int line = block.line();
    boolean first = true;
    boolean inHeaders = false;
    boolean padding = false;
    int pos = block.bodyStart();
    while (pos < block.bodyEnd()) {
      int newline = indexOf(data, (byte) '\n', pos, block.bodyEnd());
      int lineEnd = newline < 0 ? block.bodyEnd() : newline;
      line++;
      int colon = first || inHeaders ? indexOf(data, (byte) ':', pos, lineEnd) : -1;
      if (colon >= 0) {
        // an RFC 1421 header such as Proc-Type: 4,ENCRYPTED
        headers.put(ascii(data, pos, colon).trim(), ascii(data, colon + 1, lineEnd).trim());
        inHeaders = true;
      } else if (inHeaders && (isBlankRange(data, pos, lineEnd) || isSpace(data[pos]))) {
        // a folded header line, or the blank line that ends the headers
        inHeaders = !isBlankRange(data, pos, lineEnd);
      } else {
        inHeaders = false;
        for (int i = pos; i < lineEnd; i++) {
          byte b = data[i];
          // One table look-up per character: a trust store's files hold millions of them.
          byte kind = KIND[b & 0xff];
          if (kind == SPACE) {
            continue;
          }
          if (kind == PAD) {
            padding = true;
          } else if (padding || kind != BASE64) {
            throw new InvalidMaterialException(
                block.describe()
                    + " has invalid base64 at line "
                    + line
                    + ": "
                    + (padding && isBase64(b)
                        ? "data after '=' padding"
                        : "unexpected " + show(b)));
          }
          base64[length++] = b;
        }
      }
      first = false;
      pos = lineEnd + 1;
    }
    if (length == 0) {
      throw new InvalidMaterialException(block.describe() + " is empty");
    }
    if (length % 4 != 0) {
      throw new InvalidMaterialException(
          block.describe()
              + " is truncated: its base64 text is cut short ("
              + length
              + " characters, not a multiple of 4)");
    }
    try {
      return new Decoded(headers, Base64.getDecoder().decode(Arrays.copyOf(base64, length)));
    } catch (IllegalArgumentException e) {
      throw new InvalidMaterialException(
          block.describe() + " has invalid base64: " + e.getMessage());
    }
  }

  /** One PEM block: 64-column base64, LF line ends, a final LF. */
  /** The length of {@link #encode}'s block for content of this length, in bytes (ASCII). */
  static int encodedLength(String label, int contentLength) {
    int base64 = 4 * ((contentLength + 2) / 3);
    int body = base64 == 0 ? 0 : base64 + (base64 + 63) / 64; // a LF after each line
    return ("-----BEGIN ".length() + label.length() + "-----\n".length()) * 2 - 2 + body;
  }

  /**
   * Writes {@link #encode}'s block into {@code target} from {@code offset}, byte for byte the
   * same, without a String of it: a bundle of 100,000 certificates is 75 MB.
   *
   * @return the offset after it
   */
  static int encodeInto(String label, byte[] content, byte[] target, int offset) {
    int at = put("-----BEGIN " + label + "-----\n", target, offset);
    byte[] body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encode(content);
    System.arraycopy(body, 0, target, at, body.length);
    at += body.length;
    if (body.length > 0) {
      target[at++] = '\n';
    }
    return put("-----END " + label + "-----\n", target, at);
  }

  private static int put(String ascii, byte[] target, int offset) {
    byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, target, offset, bytes.length);
    return offset + bytes.length;
  }

  static String encode(String label, byte[] content) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(content);
    StringBuilder sb = new StringBuilder(body.length() + 2 * label.length() + 40);
    sb.append("-----BEGIN ").append(label).append("-----\n");
    if (!body.isEmpty()) {
      sb.append(body).append('\n');
    }
    sb.append("-----END ").append(label).append("-----\n");
    return sb.toString();
  }

  /** Offset of the first byte in the range that cannot occur in text, or -1. */
  static int firstBinaryByte(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = data[i] & 0xff;
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0b && b != 0x0c)
          || b == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  private static InvalidMaterialException binaryData(List<Block> blocks, int offset) {
    if (blocks.isEmpty()) {
      return new InvalidMaterialException(
          "holds binary data at byte " + offset + ": it is neither PEM text nor DER");
    }
    Block last = blocks.get(blocks.size() - 1);
    return new InvalidMaterialException(
        "holds binary data after "
            + last.describe()
            + ", at byte "
            + offset
            + ": a PEM file is text; the file is corrupt or has garbage appended");
  }

  private static String boundaryLabel(byte[] data, int s, int e, byte[] prefix) {
    int length = e - s;
    if (length < prefix.length + DASHES.length
        || !regionMatches(data, s, prefix)
        || !regionMatches(data, e - DASHES.length, DASHES)) {
      return null;
    }
    return new String(
        data,
        s + prefix.length,
        length - prefix.length - DASHES.length,
        StandardCharsets.ISO_8859_1);
  }

  private static String ascii(byte[] data, int from, int to) {
    return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static boolean isBlankRange(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isSpace(data[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean regionMatches(byte[] data, int at, byte[] expected) {
    if (at < 0 || at + expected.length > data.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (data[at + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == 0x0b || b == 0x0c;
  }

  private static boolean isBase64(byte b) {
    return (b >= 'A' && b <= 'Z')
        || (b >= 'a' && b <= 'z')
        || (b >= '0' && b <= '9')
        || b == '+'
        || b == '/';
  }

  private static String show(byte b) {
    int v = b & 0xff;
    return v >= 0x21 && v < 0x7f ? "character '" + (char) v + "'" : String.format("byte 0x%02x", v);
  }

  private static int indexOf(byte[] data, byte b, int from) {
    return indexOf(data, b, from, data.length);
  }

  private static int indexOf(byte[] data, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
