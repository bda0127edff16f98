package org.hostpki.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * Certificate path validation by implementations other than hostpki's and the JDK's: OpenSSL's
 * {@code verify} and GnuTLS's {@code certtool}, both checking a server name too.
 */
final class Verifiers {
  /** The TLS server authentication purpose, id-kp-serverAuth, for certtool. */
  private static final String SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1";

  private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]+(\\.[0-9]+){3}");

  private Verifiers() {}

  /**
   * {@code openssl verify -x509_strict -purpose sslserver} of {@code server.crt} for a DNS name
   * or an IP address, with the store's intermediates (if any) as untrusted chain certificates.
   *
   * @param scratch a directory for the intermediates file
   */
  static ProcessResult openssl(Store store, Path trustedCa, String name, Path scratch) {
    List<String> arguments =
        new ArrayList<>(List.of("verify", "-x509_strict", "-purpose", "sslserver"));
    arguments.add(isIpAddress(name) ? "-verify_ip" : "-verify_hostname");
    arguments.add(name);
    arguments.addAll(List.of("-CAfile", trustedCa.toString()));
    for (Path intermediates : store.writeIntermediates(scratch.resolve("intermediates.pem"))) {
      arguments.addAll(List.of("-untrusted", intermediates.toString()));
    }
    arguments.add(store.serverCertificate().toString());
    return Tool.OPENSSL.command(arguments.toArray(String[]::new)).run();
  }

  /**
   * {@code certtool --verify} of {@code server-fullchain.crt} (GnuTLS builds the path from the
   * chain file) for a host name or IP address and the TLS server purpose.
   */
  static ProcessResult certtool(Store store, Path trustedCa, String name) {
    return Tool.CERTTOOL.command("--verify",
            "--load-ca-certificate", trustedCa.toString(),
            "--infile", store.serverFullchain().toString(),
            "--verify-hostname", name,
            "--verify-purpose", SERVER_AUTH_OID)
        .run();
  }

  static boolean isIpAddress(String name) {
    return name.contains(":") || IPV4_LITERAL.matcher(name).matches();
  }
}
