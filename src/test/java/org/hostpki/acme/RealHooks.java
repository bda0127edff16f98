package org.hostpki.acme;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Map;
import org.hostpki.apply.Hooks;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;

/**
 * The dns-01 hook runner as apply builds it: {@link Hooks#runProgram} for a desired state whose
 * store password and EAB HMAC key come from {@code P12_PW} and {@code EAB_HMAC}, real processes.
 */
final class RealHooks {
  private RealHooks() {}

  /** A desired state in {@code folder} (where hooks run) naming the two secret variables. */
  static DesiredState desired(Path folder) {
    String yaml =
        "apiVersion: hostpki/v1\nstore: {path: pki, password: {env: P12_PW}}\n"
            + "server:\n  issuer: acme\n  acme:\n    directory: https://acme.example.test/dir\n"
            + "    externalAccountBinding: {keyId: kid-1, hmacKey: {env: EAB_HMAC}}\n"
            + "    challenge: dns-01\n    dns01: {hook: [/bin/true]}\n";
    return new DesiredStateLoader().loadString(folder.resolve("host.yaml"), yaml).desiredState().orElseThrow();
  }

  static HookRunner runner(Path folder, Map<String, String> environment, Writer log) {
    Hooks hooks = new Hooks(new PrintWriter(log, true), environment);
    DesiredState desired = desired(folder);
    return (argv, variables, timeout, timeoutSetting) ->
        hooks.runProgram(desired, "dns-01", argv, variables, timeout, timeoutSetting);
  }

  /** With this process's environment, the log dropped. */
  static HookRunner runner(Path folder) {
    return runner(folder, System.getenv(), Writer.nullWriter());
  }
}
