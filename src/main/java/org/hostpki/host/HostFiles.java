package org.hostpki.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;

/**
 * The host's own files ({@code /etc/resolv.conf}, the kernel host name, {@code /proc/net/if_inet6})
 * as text that never fails to decode. Their syntax is ASCII, but nothing stops a person from
 * writing a Latin-1 comment into resolv.conf, and one such byte must not stop every run. A file
 * that is valid UTF-8 reads as what it says (so a hostile host name is shown escaped as the
 * characters it holds); any other reads byte for byte as ISO 8859-1, so ASCII reads as itself and
 * every other byte as a character no name or keyword contains — ignored like any other text the
 * parsers do not know, and shown as {@code \xNN} where it is quoted.
 */
final class HostFiles {
  private HostFiles() {}

  static String text(Path file) throws IOException {
    byte[] bytes = InputFiles.read(file, InputKind.HOST_FILE);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException notUtf8) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
