package org.hostpki.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;

/**
 * The host's own files ({@code /etc/resolv.conf}, the kernel host name, {@code /proc/net/if_inet6})
 * as text that never fails to decode. Their syntax is ASCII, but nothing stops a person from
 * writing a Latin-1 comment into resolv.conf, and one such byte must not stop every run: each
 * byte becomes one character (ISO 8859-1), so ASCII reads as itself and anything else reads as a
 * character no name or keyword contains — ignored like any other text the parsers do not know.
 */
final class HostFiles {
  private HostFiles() {}

  static String text(Path file) throws IOException {
    return new String(InputFiles.read(file, InputKind.HOST_FILE), StandardCharsets.ISO_8859_1);
  }
}
