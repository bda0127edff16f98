package org.hostpki.acme;

import java.time.Duration;

/** Waiting between polls; a test passes one that does not sleep. */
@FunctionalInterface
public interface Pause {
  Pause SLEEP = d -> Thread.sleep(Math.max(0, d.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
