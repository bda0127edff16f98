package org.hostpki.plan;

import java.util.List;
import org.hostpki.model.TerminalText;

/**
 * The store's visible links ({@code server.crt -> ..data/server.crt}) removed by hand: each is
 * made again, and only that. The generation {@code ..data} points at is the truth: a missing
 * {@code ca.crt} link is not a missing CA, and nothing is re-issued for it.
 */
final class LinkPlan {
  private LinkPlan() {}

  static void plan(PlanInput in, PlanDraft draft) {
    for (String name : in.observed().missingLinks()) {
      String shown = TerminalText.escape(name);
      draft.add(
          new Change(
              Address.link(name),
              Action.UPDATE,
              List.of(
                  new Reason(
                      ReasonCode.LINK_MISSING,
                      "the link " + shown + " -> ..data/" + shown + " is missing (removed by hand)")),
              new Intent.RestoreLink(name)));
    }
  }
}
