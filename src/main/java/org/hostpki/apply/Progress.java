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

  /**
   * The run waits for another (a writer holding the store's lock): whom for and how long at most,
   * said once when the wait begins. Unlike a step, for a log too: a timer's apply or a watch
   * waiting minutes for an Ansible run must say so where its output goes.
   */
  default void waiting(String description) {
    step(description);
  }

  /**
   * An apply has made the store what the plan says (written a generation, or found nothing to
   * write) and the hooks due run next: what it did so far, with no hook run yet. Whoever reports
   * the apply reports this part now, so that in a log the hooks' output follows the plan it
   * belongs to.
   */
  default void committed(Reconciler.Result beforeHooks) {}
}
