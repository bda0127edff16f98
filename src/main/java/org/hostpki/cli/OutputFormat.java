package org.hostpki.cli;

/** {@code --output}: what reporting commands print. */
public enum OutputFormat {
  text,
  json
}
