package org.hostpki.acme;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * bench/acme.sh's driver: first issuance and renewal (a second order, the account reused) time,
 * hostpki's ACME edge next to lego and certbot against one pebble. Prints a Markdown table.
 * Usage: java -cp TEST-CLASSPATH org.hostpki.acme.AcmeBench RUNS
 */
public final class AcmeBench {
  private AcmeBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createTempDirectory("hostpki-acme-bench");
    try (Pebble pebble = Pebble.start(Files.createDirectory(dir.resolve("pebble")))) {
      AcmeIssuerPebbleTest.useForBench(pebble);
      System.out.println("| client | first issuance (ms, median of " + runs + ") | renewal (ms, median) |");
      System.out.println("|---|---|---|");
      long[] first = new long[runs];
      long[] renew = new long[runs];
      for (int i = 0; i < runs; i++) {
        Path store = Files.createDirectory(dir.resolve("store-" + i));
        AcmeIssuer issuer = new AcmeIssuer(AcmeSettings.of(AcmeIssuerPebbleTest.spec(AcmeIssuerPebbleTest.http01())),
            store, Clock.systemUTC(), new SecureRandom(), RealHooks.runner(dir));
        long t0 = System.nanoTime();
        issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("bench" + i + ".example.test"), List.of()));
        long t1 = System.nanoTime();
        issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("bench" + i + ".example.test"), List.of()));
        long t2 = System.nanoTime();
        first[i] = (t1 - t0) / 1_000_000;
        renew[i] = (t2 - t1) / 1_000_000;
      }
      row("hostpki (acme4j, in-process)", first, renew);
      applyRow(pebble, dir, runs);
      for (String client : List.of("lego", "certbot")) {
        long[] f = new long[runs];
        long[] r = new long[runs];
        for (int i = 0; i < runs; i++) {
          Path work = Files.createDirectory(dir.resolve(client + "-" + i));
          String name = client + i + ".example.test";
          f[i] = time(command(client, pebble, work, name, false));
          byte[] issued = Files.readAllBytes(certificate(client, work, name));
          r[i] = time(command(client, pebble, work, name, true));
          if (java.util.Arrays.equals(issued, Files.readAllBytes(certificate(client, work, name)))) {
            throw new IllegalStateException(client + " exited 0 but did not renew " + name + ": no time to compare");
          }
        }
        row(client + " (process)", f, r);
      }
    }
  }

  /**
   * hostpki as a user runs it: {@code bin/hostpki apply} (a process, JVM start included) for the
   * first issuance, {@code apply --replace server} for a renewal; the same http-01 on loopback.
   * A build that refuses {@code server.issuer: acme} gets a row saying so instead of numbers.
   */
  private static void applyRow(Pebble pebble, Path dir, int runs) throws Exception {
    String hostpki = Path.of(System.getProperty("hostpki.launcher", "bin/hostpki")).toAbsolutePath().toString();
    long[] f = new long[runs];
    long[] r = new long[runs];
    for (int i = 0; i < runs; i++) {
      Path work = Files.createDirectory(dir.resolve("apply-" + i));
      String name = "apply" + i + ".example.test";
      Files.writeString(work.resolve("host.yaml"), String.join("\n",
          "apiVersion: hostpki/v1",
          "store: {path: pki}",
          "host: {detect: false, hostname: apply" + i + ", domain: example.test, addresses: [127.0.0.1]}",
          "server:",
          "  issuer: acme",
          "  includeHostIdentity: false",
          "  dnsNames: [" + name + "]",
          "  acme:",
          "    directory: " + pebble.directory(),
          "    caBundle: " + pebble.caBundle(),
          "    contact: [mailto:ops@example.test]",
          "    termsOfServiceAgreed: true",
          "    identifiers: all",
          "    challenge: http-01",
          "    http01: {listen: \"127.0.0.1:" + pebble.httpPort + "\"}",
          ""));
      String yaml = work.resolve("host.yaml").toString();
      try {
        f[i] = time(List.of(hostpki, "apply", "-f", yaml, "--no-color"));
        r[i] = time(List.of(hostpki, "apply", "-f", yaml, "--no-color", "--replace", "server"));
      } catch (IllegalStateException e) {
        String why = e.getMessage().lines().filter(l -> l.startsWith("error:")).findFirst().orElse("it failed");
        System.out.println("| hostpki apply (a process) | not run: " + why.replace("|", "\\|") + " | |");
        return;
      }
    }
    row("hostpki apply (a process)", f, r);
  }

  /** Where the client keeps the certificate it got, to see that a renewal made a new one. */
  private static Path certificate(String client, Path work, String name) {
    return client.equals("lego")
        ? work.resolve("certificates").resolve(name + ".crt")
        : work.resolve("c/live").resolve(name).resolve("cert.pem");
  }

  private static List<String> command(String client, Pebble pebble, Path work, String name, boolean renew) {
    if (client.equals("lego")) {
      List<String> lego = new java.util.ArrayList<>(List.of("env", "LEGO_CA_CERTIFICATES=" + pebble.caBundle(), "lego",
          "--server", pebble.directory().toString(), "--accept-tos", "--email", "ops@example.test", "--path",
          work.toString(), "--key-type", "ec256", "--domains", name, "--http", "--http.port",
          "127.0.0.1:" + pebble.httpPort));
      lego.addAll(renew ? List.of("renew", "--days", "100000", "--no-random-sleep") : List.of("run"));
      return lego;
    }
    return List.of("env", "REQUESTS_CA_BUNDLE=" + pebble.caBundle(), "certbot", "certonly", "--standalone",
        "--non-interactive", "--agree-tos", "-m", "ops@example.test", "--server", pebble.directory().toString(),
        "--http-01-address", "127.0.0.1", "--http-01-port", String.valueOf(pebble.httpPort), "--config-dir",
        work.resolve("c").toString(), "--work-dir", work.resolve("w").toString(), "--logs-dir", work.resolve("l").toString(),
        "--key-type", "ecdsa", "-d", name, renew ? "--force-renewal" : "--quiet");
  }

  private static long time(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    Path log = Files.createTempFile("hostpki-acme-bench", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + Files.readString(log));
    }
    Files.delete(log);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void row(String client, long[] first, long[] renew) {
    System.out.println("| " + client + " | " + median(first) + " | " + median(renew) + " |");
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
