package org.hostpki.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What a terminal shows after it was sent {@code text}: a carriage return goes back to the line's
 * start, ESC[2K clears the line, colours are dropped. Enough to tell a transient line (drawn,
 * then erased) from one that stays.
 */
final class TerminalScreen {
  private TerminalScreen() {}

  static String visible(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int column = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        lines.add(line.toString().stripTrailing());
        line.setLength(0);
        column = 0;
      } else if (c == '\r') {
        column = 0;
      } else if (c == '\u001b' && text.startsWith("[2K", i + 1)) {
        line.setLength(0);
        i += 3;
      } else if (c == '\u001b' && i + 1 < text.length() && text.charAt(i + 1) == '[') {
        int end = i + 2;
        while (end < text.length() && !Character.isLetter(text.charAt(end))) {
          end++;
        }
        i = end; // a colour: nothing to show
      } else {
        if (column < line.length()) {
          line.setCharAt(column, c);
        } else {
          line.append(c);
        }
        column++;
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString().stripTrailing());
    }
    return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
  }
}
