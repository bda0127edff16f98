package org.hostpki.acme;

import java.util.List;

/**
 * Answers the CA's validation requests while an order runs. {@link #present} makes every
 * challenge answerable before any is triggered; {@link #cleanUp} undoes it and runs whatever
 * happened in between (also after a failure, from a finally block).
 */
interface ChallengeResponder {
  /** Makes the challenges answerable; a failure is {@link AcmeFailure.Kind#CHALLENGE_SETUP}. */
  void present(List<PendingChallenge> challenges) throws AcmeFailure;

  /** Stops listening, removes token files or TXT records; never throws: problems become warnings. */
  List<String> cleanUp();
}
