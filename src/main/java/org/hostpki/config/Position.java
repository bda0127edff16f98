package org.hostpki.config;

/** A 1-based line and column in a desired-state file; {@link #NONE} for the file as a whole. */
record Position(int line, int column) {
  static final Position NONE = new Position(0, 0);

  @Override
  public String toString() {
    return "line " + line + ", column " + column;
  }
}
