package org.hostpki.install;

import java.util.SortedMap;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallTarget;
import org.hostpki.pki.Certificate;

/**
 * One install target, read and changed with the platform's own tool. Only entries marked as
 * hostpki's ({@link org.hostpki.model.InstallEntryNames#MARK}) and owned by this store (its
 * {@linkplain org.hostpki.model.InstallEntryNames#tag tag}, or named in its install record) are
 * ever read into an observation or changed; everything else in the target — another store's
 * entries too — stays as it is.
 */
public sealed interface TrustInstaller
    permits SystemTrustInstaller, JavaKeystoreInstaller, NssDatabaseInstaller {

  InstallTarget target();

  /** Where the entries go, in words for a plan: {@code /usr/local/share/ca-certificates/hostpki-NAME.crt, then update-ca-certificates}. */
  String describe();

  /**
   * hostpki's entries in the target now. Reads only; a target that does not exist yet (no
   * {@code cacerts} file, say) is an error, not an empty observation, except where noted.
   *
   * @throws InstallException when the target cannot be read
   */
  InstallObservation observe();

  /**
   * Makes hostpki's entries in the target exactly {@code desired}: adds what is missing, replaces
   * what differs or is damaged, removes marked entries not desired, then checks by observing
   * again. On any failure it puts back what this call changed and throws; the exception says
   * whether that worked ({@link InstallException#rolledBack()}).
   *
   * @param desired by entry name ({@link org.hostpki.model.InstallEntryNames}), each certificate
   *     once
   * @return the observation after the change, equal to {@code desired}
   * @throws InstallException with the tool's own message when a step fails
   * @throws IllegalArgumentException for an invalid name or a certificate given twice
   */
  default InstallObservation apply(SortedMap<String, Certificate> desired) {
    return apply(desired, notice -> {}, line -> {});
  }

  /**
   * {@link #apply(SortedMap)}, telling {@code notices} what went wrong that does not fail the step
   * (the system store's own hooks: see {@link SystemTrustInstaller}).
   */
  default InstallObservation apply(SortedMap<String, Certificate> desired, java.util.function.Consumer<String> notices) {
    return apply(desired, notices, line -> {});
  }

  /**
   * {@link #apply(SortedMap, java.util.function.Consumer)}, telling {@code waiting} once, when the
   * wait begins, that another process holds the target's lock ({@link TargetLock}): whom it waits
   * for and how long at most. A timer's run that waits minutes for it says so in the journal, not
   * only when it gives up.
   */
  InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting);

  /**
   * {@link #apply(SortedMap, java.util.function.Consumer, java.util.function.Consumer)}, telling
   * {@code hookFailures} (not {@code notices}) of a hook the target's tool runs that failed while
   * the entries went in (the system store's update.d hooks): the entries stay, the caller records
   * the failure. With {@code again}, the tool runs even when the entries are as desired: the last
   * run's hook failed, and only a run whose hooks succeed settles it. Targets without such hooks
   * ignore both.
   */
  default InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting,
      java.util.function.Consumer<String> hookFailures,
      boolean again) {
    return apply(desired, notices, waiting);
  }
}
