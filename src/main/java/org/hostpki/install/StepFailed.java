package org.hostpki.install;

/**
 * A step of an install that failed, with a message for the user (a tool's own words, or what is
 * not as it should be), caught by the installer to put back what it changed.
 */
final class StepFailed extends Exception {
  StepFailed(String message) {
    super(message, null, false, false);
  }
}
