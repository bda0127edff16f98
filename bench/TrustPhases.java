import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.hostpki.apply.StoreContents;
import org.hostpki.apply.StoreObserver;
import org.hostpki.apply.TrustInputs;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;

/**
 * Where the time of a trust-heavy plan and apply goes: the reconcile steps one by one, each timed
 * once (as in one CLI run: a cold JVM), wall clock and main-thread CPU.
 *
 * <pre>
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp 'target/classes:target/lib/*' \
 *     bench/TrustPhases.java DIR/bench.yaml SCRATCH_DIR
 * </pre>
 *
 * The store named in the desired state must be converged. SCRATCH_DIR receives a copy of the
 * store written the way apply writes a generation (every file, fsynced).
 */
public final class TrustPhases {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final List<String> ROWS = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Path yaml = Path.of(args[0]).toAbsolutePath();
    Path scratch = Path.of(args[1]).toAbsolutePath();
    long start = System.nanoTime();
    DesiredState desired =
        time("load desired state (YAML, schema)", () -> new DesiredStateLoader().load(yaml).desiredState().orElseThrow());
    char[] password = System.getenv("HOSTPKI_PASSWORD").toCharArray();
    HostIdentity host =
        HostIdentityProbe.fixed(new HostIdentity("bench", Optional.empty(), List.of())).identify(desired.host());
    StoreDirectory directory = new StoreDirectory(desired.store().path(), Clock.systemUTC());
    StoreSnapshot snapshot = time("store read (walk, read files, content SHA-256)", directory::read);
    StoreContents contents =
        time("store observe (parse everything: trust/, bundle, p12s, keys)", () ->
            new StoreObserver().observe(snapshot, desired.store().path(), Optional.of(password), "env"));
    time("facts of the stored trust entries", () -> {
      contents.trusted().values().forEach(Certificate::facts);
      return null;
    });
    time("  warm re-run: content fingerprint alone", () -> StoreSnapshot.fingerprintOf(snapshot.files()));
    time("  warm re-run: observe part: parse trust/*.crt", () -> {
      int n = 0;
      for (Map.Entry<String, byte[]> e : snapshot.under("trust").entrySet()) {
        n += parse(e.getValue()).size();
      }
      return n;
    });
    time("  warm re-run: observe part: parse trust-bundle.crt", () -> parseAll(snapshot.files().get("trust-bundle.crt")).size());
    time("  warm re-run: observe part: read truststore.p12", () -> read(snapshot.files().get("truststore.p12"), password));
    SortedMap<String, Certificate> trust = time("trust inputs read (files, parse)", () -> new TrustInputs().read(desired.trust()));
    SortedMap<String, CertificateFacts> facts =
        time("trust inputs facts", () -> {
          SortedMap<String, CertificateFacts> f = new TreeMap<>();
          trust.forEach((n, c) -> f.put(n, c.facts()));
          return f;
        });
    Plan plan =
        time("planner", () -> new Planner().plan(new PlanInput(
            desired, host, facts, contents.facts(), java.time.Instant.now(), Set.of(),
            Fingerprint.sha256("basis".getBytes(StandardCharsets.UTF_8)))));
    time("render bundle PEM (executor part)", () -> {
      List<Certificate> all = new ArrayList<>();
      contents.caCertificate().ifPresent(all::add);
      all.addAll(trust.values());
      return Pem.certificates(all).length();
    });
    time("build truststore.p12 (executor part)", () -> {
      SortedMap<String, Certificate> entries = new TreeMap<>(trust);
      entries.put(Planner.CA_TRUST_ALIAS, contents.caCertificate().orElseThrow());
      return Pkcs12.trustStore(entries, password, desired.store().pkcs12Profile(), new SecureRandom()).length;
    });
    SortedMap<String, StoreFile> files = new TreeMap<>();
    snapshot.files().forEach((n, b) -> files.put(n, new StoreFile(b, n.endsWith(".key") || n.endsWith(".p12"))));
    Files.createDirectories(scratch);
    time("store write of the same set (every file written and fsynced, " + files.size() + " files)",
        () -> new StoreDirectory(scratch.resolve("store"), Clock.systemUTC()).write(files, "{}".getBytes(StandardCharsets.UTF_8)));
    System.out.printf("%n%s changes pending: %s%n", plan.changes().size(), plan.isEmpty() ? "none" : plan.changes().get(0).address());
    System.out.printf("%-80s %9s %9s%n", "phase", "wall ms", "cpu ms");
    ROWS.forEach(System.out::println);
    System.out.printf("%-80s %9d%n", "total (one JVM, after start-up)", (System.nanoTime() - start) / 1_000_000);
  }

  private static List<Certificate> parse(byte[] pem) {
    try {
      return Pem.readCertificates(pem);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Certificate> parseAll(byte[] pem) {
    try {
      return Pem.readCertificates(pem, Integer.MAX_VALUE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object read(byte[] p12, char[] password) {
    try {
      return Pkcs12.read(p12, password).trustedEntries().size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T time(String what, Supplier<T> step) {
    long wall = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    T result = step.get();
    ROWS.add(String.format("%-80s %9d %9d", what,
        (System.nanoTime() - wall) / 1_000_000, (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000));
    return result;
  }
}
