package org.hostpki.acme;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the dns-01 hook by the rules every hook of the desired state runs by — argv without a
 * shell; refused when others could change the program; hostpki's environment less every variable
 * a secret is read from (the store password, the EAB HMAC key); a session of its own, stopped
 * with everything it started at the timeout; its output relayed escaped. The caller builds it
 * from the desired state's hooks ({@code apply.Hooks#runProgram}); this package never starts a
 * process itself.
 */
@FunctionalInterface
public interface HookRunner {
  /** The setting messages name for a dns-01 hook's timeout. */
  String TIMEOUT_SETTING = "server.acme.dns01.timeout";

  /**
   * @param variables added to the hook's environment (the record's name and value)
   * @param timeoutSetting the setting that limits this run, as its timeout message names it: {@link
   *     #TIMEOUT_SETTING}, or {@code server.acme.timeout} when less than that is left of the order
   * @return empty when it exited 0, else what went wrong in words, the program not named
   */
  Optional<String> run(List<String> argv, Map<String, String> variables, Duration timeout, String timeoutSetting);

  /** For issuers whose challenge runs no hook: a run is a programming error. */
  HookRunner NONE =
      (argv, variables, timeout, timeoutSetting) -> {
        throw new IllegalStateException("no hook runner was given for the dns-01 hook " + argv);
      };
}
