package org.hostpki.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.files.FileReasons;
import org.hostpki.files.FileTooLargeException;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.files.NotARegularFileException;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a desired-state file as text and refuses what is not a small UTF-8 YAML text: anything
 * but a regular file, files over {@link InputKind#DESIRED_STATE}'s limit (a desired state is a few
 * kilobytes; anything larger is a mistake or an attack), binary data, other encodings, control
 * characters and the line breaks YAML 1.2 does not know (NEL, LS, PS).
 */
final class FileText {
  static final int LIMIT_BYTES = Math.toIntExact(InputKind.DESIRED_STATE.limit());

  private FileText() {}

  /** The file's text, or empty with the reason in {@code problems}. */
  static Optional<String> read(Path file, Problems problems) {
    byte[] bytes;
    try {
      bytes = InputFiles.read(file, InputKind.DESIRED_STATE);
    } catch (NoSuchFileException e) {
      problems.fileError("no such file");
      return Optional.empty();
    } catch (NotARegularFileException e) {
      problems.fileError(
          e.type().equals("a directory")
              ? "is a directory, not a desired-state file"
              : e.getReason() + "; save the desired state to a file and name that");
      return Optional.empty();
    } catch (FileTooLargeException e) {
      problems.fileError(e.getReason());
      return Optional.empty();
    } catch (IOException e) {
      problems.readError("cannot read the file: " + FileReasons.cause(e));
      return Optional.empty();
    }
    return decode(bytes, problems);
  }

  /** Checks text given inline (not read from a file) the same way. */
  static Optional<String> check(String text, Problems problems) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > LIMIT_BYTES) {
      problems.fileError(tooLarge(bytes.length));
      return Optional.empty();
    }
    return decode(bytes, problems);
  }

  private static String tooLarge(long size) {
    return "is " + size + " bytes, over the " + InputKind.DESIRED_STATE.limitWords()
        + " limit for " + InputKind.DESIRED_STATE.words();
  }

  private static Optional<String> decode(byte[] bytes, Problems problems) {
    int start = 0;
    if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
      start = 3; // a UTF-8 byte order mark is harmless
    } else if (startsWith(bytes, 0xFF, 0xFE, 0x00, 0x00) || startsWith(bytes, 0x00, 0x00, 0xFE, 0xFF)) {
      problems.fileError("the file is UTF-32 text; save it as UTF-8");
      return Optional.empty();
    } else if (startsWith(bytes, 0xFE, 0xFF) || startsWith(bytes, 0xFF, 0xFE)) {
      problems.fileError("the file is UTF-16 text; save it as UTF-8");
      return Optional.empty();
    } else if (looksLike(bytes, 4)) {
      problems.fileError(
          "the file is UTF-32 text (without a byte order mark), not UTF-8; save it as UTF-8");
      return Optional.empty();
    } else if (looksLike(bytes, 2)) {
      problems.fileError(
          "the file is UTF-16 text (without a byte order mark), not UTF-8; save it as UTF-8");
      return Optional.empty();
    }
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        problems.fileError(
            "the file holds binary data (a zero byte at offset " + i + "), not YAML text");
        return Optional.empty();
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    var result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      out.flip();
      problems.error(
          positionAfter(out.toString()),
          String.format(
              "the file is not UTF-8 text (byte 0x%02x cannot start or continue a UTF-8 character); save it as UTF-8",
              bytes[offset] & 0xff));
      return Optional.empty();
    }
    out.flip();
    String text = out.toString();
    return checkCharacters(text, problems) ? Optional.of(text) : Optional.empty();
  }

  /** YAML allows only printable characters (and tab, line breaks); say where the first other is. */
  private static boolean checkCharacters(String text, Problems problems) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!StreamReader.isPrintable(cp)) {
        problems.error(
            positionAfter(text.substring(0, i)),
            String.format(
                "the control character U+%04X is not allowed in YAML text; remove it", cp));
        return false;
      }
      if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        // YAML 1.1 ended lines with them, YAML 1.2 does not: the lines around it run together,
        // and the parser's complaint about the joined line would not say why.
        problems.error(
            positionAfter(text.substring(0, i)),
            String.format(
                "U+%04X (%s) is not a line break in YAML: the lines around it run together; end"
                    + " the line with a line feed (LF) instead",
                cp,
                cp == 0x85 ? "next line" : cp == 0x2028 ? "line separator" : "paragraph separator"));
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /**
   * The position of the character following {@code prefix}, counting lines as YAML does: a line
   * ends with LF, CR LF or a CR alone (old Mac files).
   */
  private static Position positionAfter(String prefix) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      boolean crAlone = c == '\r' && (i + 1 == prefix.length() || prefix.charAt(i + 1) != '\n');
      if (c == '\n' || crAlone) {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(line, prefix.codePointCount(lineStart, prefix.length()) + 1);
  }

  /**
   * ASCII text in UTF-16 ({@code width} 2) or UTF-32 ({@code width} 4, as iconv -t UTF-32LE and
   * PowerShell's "utf32" write it) without a byte order mark: each of its first characters is one
   * byte that is not zero, first (little-endian) or last (big-endian), and bytes that are. Said
   * so, rather than "binary data".
   */
  private static boolean looksLike(byte[] bytes, int width) {
    int length = Math.min(bytes.length, 32 * width) / width * width;
    if (length < 2 * width) {
      return false;
    }
    boolean littleEndian = true;
    boolean bigEndian = true;
    for (int i = 0; i < length; i += width) {
      boolean middleZero = true;
      for (int j = 1; j < width - 1; j++) {
        middleZero &= bytes[i + j] == 0;
      }
      littleEndian &= middleZero && bytes[i] != 0 && bytes[i + width - 1] == 0;
      bigEndian &= middleZero && bytes[i] == 0 && bytes[i + width - 1] != 0;
    }
    return littleEndian || bigEndian;
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
