package org.hostpki.plan;

import java.util.Locale;

/** What a change does to a resource: the closed set of CONTRACT §4. */
public enum Action {
  CREATE("+"),
  REPLACE("~"),
  UPDATE("~"),
  DELETE("-");

  private final String symbol;

  Action(String symbol) {
    this.symbol = symbol;
  }

  /** The one-character marker of the text plan. */
  public String symbol() {
    return symbol;
  }

  /** The word used in text and JSON plans: {@code create}, {@code replace} … */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
