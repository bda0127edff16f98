package org.hostpki.apply;

/**
 * Hears what a long reconcile is doing (reading 10,000 trusted certificates takes seconds). The
 * CLI shows it on a terminal only; scripts, timers and Ansible get none of it.
 */
@FunctionalInterface
public interface Progress {
  /** Nothing is shown. */
  Progress NONE = step -> {};

  /** A step is starting, in words for a person: "reading the store /var/lib/hostpki". */
  void step(String description);
}
