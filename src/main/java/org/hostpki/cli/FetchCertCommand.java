package org.hostpki.cli;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.fetch.AddressResolver;
import org.hostpki.fetch.ChainJson;
import org.hostpki.fetch.ChainText;
import org.hostpki.fetch.Endpoint;
import org.hostpki.fetch.PemCertificates;
import org.hostpki.fetch.PresentedChain;
import org.hostpki.fetch.TlsCertificateFetcher;
import org.hostpki.store.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostpki fetch-cert HOST[:PORT]}: shows the chain a device presents so the operator can
 * confirm it before trusting it, and with {@code -o} saves it as PEM for a trust directory.
 */
@Command(
    name = "fetch-cert",
    description = {
      "Show the certificate chain a TLS server presents, leaf first, to confirm a device's"
          + " certificate before you trust it.",
      "Nothing is trusted and no data is sent: compare the SHA-256 fingerprint with the one the"
          + " device's console, label or owner gives you."
    },
    footer = {
      "",
      "Examples:",
      "  hostpki fetch-cert bmc-01.example.com",
      "  hostpki fetch-cert 192.0.2.20:8443 --servername bmc-01.example.com",
      "  hostpki fetch-cert [2001:db8::20]:636 --chain -o ldap.pem --output json",
      "",
      "Exit codes:",
      "  0   shown; also when the handshake failed after the chain arrived (a warning)",
      "  1   error: no chain arrived (unknown host, refused, timeout, not TLS), -o not written",
      "  64  usage error"
    })
final class FetchCertCommand implements Callable<Integer> {
  private final Environment environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Parameters(
      index = "0",
      paramLabel = "HOST[:PORT]",
      completionCandidates = Completion.Hosts.class,
      converter = EndpointConverter.class,
      description = "A host name, an IPv4 address or an IPv6 address in brackets ([::1]:8443); port 443 by default.")
  Endpoint endpoint;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      completionCandidates = Completion.Files.class,
      description = "Also write the leaf certificate as PEM to FILE (a new file renamed into place; never inside a store), ready for a trust directory; - writes it to standard output and the report to standard error.")
  String out;

  @Option(names = "--chain", description = "With -o: write every presented certificate, leaf first, not only the leaf.")
  boolean chain;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = TimeoutConverter.class,
      description = "Limit for each of name lookup, connect and handshake: 10s, 1500ms, 2m or ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--servername",
      paramLabel = "NAME",
      description = "The name to send as SNI (default: HOST when it is a name; none for an address).")
  String serverName;

  @Mixin FormatOption output;

  FetchCertCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Endpoint target = endpoint;
    if (serverName != null) {
      try {
        target = endpoint.withServerName(serverName);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--servername: " + e.getMessage());
      }
    }
    if (chain && out == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--chain chooses what -o writes: give -o FILE as well");
    }
    Optional<OutputFile> file = OutputOption.file(spec.commandLine(), environment, out);
    boolean pemToStandardOutput = OutputOption.STANDARD_OUTPUT.equals(out);
    TlsCertificateFetcher fetcher = new TlsCertificateFetcher(timeout, AddressResolver.system(), new SecureRandom());
    PresentedChain presented = fetcher.fetch(target);

    TerminalWriter stdout = TerminalWriter.of(spec.commandLine().getOut());
    TerminalWriter stderr = TerminalWriter.of(spec.commandLine().getErr());
    TerminalWriter reportTo = pemToStandardOutput ? stderr : stdout;
    presented.handshakeProblem()
        .ifPresent(p -> stderr.println("warning: the TLS handshake with " + presented.endpoint() + " did not complete: " + p));
    if (!output.json()) {
      reportTo.print(ChainText.lines(presented, environment.clock().instant()), false);
      reportTo.flush();
    }
    if (out != null) {
      List<X509Certificate> written = chain ? presented.certificates() : List.of(presented.leaf());
      String pem = PemCertificates.encode(written);
      if (file.isPresent()) {
        file.get().write(pem.getBytes(StandardCharsets.US_ASCII));
      } else {
        stdout.print(pem);
        stdout.flush();
      }
      String what =
          !chain
              ? "the leaf certificate"
              : written.size() == 1
                  ? "the only certificate presented (the leaf)"
                  : "all " + written.size() + " certificates, leaf first,";
      stderr.println(
          "wrote " + what + " as PEM to " + (file.isPresent() ? out : "standard output"));
    }
    if (output.json()) {
      // After the file is written: a failed write prints the error document alone.
      reportTo.print(ChainJson.render(presented, environment.clock().instant()));
      reportTo.flush();
    }
    stderr.flush();
    return ExitCodes.OK;
  }

  /** HOST[:PORT] syntax errors are usage errors (exit 64), reported before any connection. */
  static final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint> {
    @Override
    public Endpoint convert(String value) {
      try {
        return Endpoint.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code 10s}, {@code 1500ms}, {@code 2m}, or ISO-8601 {@code PT10S}; positive, at most an hour. */
  static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {
    private static final DurationConverter TIMEOUT =
        new DurationConverter("ms|s|m", true, ": write e.g. 10s, 1500ms, 2m or PT10S", Optional.of(Duration.ofHours(1)));

    @Override
    public Duration convert(String value) {
      return TIMEOUT.convert(value);
    }
  }

}
