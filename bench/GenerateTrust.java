import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;

/**
 * Makes trusted certificates for the trust-scale benchmark, fast: one EC P-256 key signs them
 * all (a trust store does not care whose key a root has); each has its own subject and serial.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' bench/GenerateTrust.java DIR PREFIX COUNT
 * </pre>
 *
 * writes DIR/PREFIX-000001.pem … DIR/PREFIX-COUNT.pem, one PEM certificate each, valid for ten
 * years from now, using every core.
 */
public final class GenerateTrust {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: GenerateTrust DIR PREFIX COUNT");
      System.exit(64);
    }
    Path dir = Path.of(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    Files.createDirectories(dir);
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), random);
    Instant now = Instant.now();
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Void>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      parts.add(
          pool.submit(
              () -> {
                CertificateIssuer issuer = new CertificateIssuer(new SecureRandom());
                for (int i = first + 1; i <= count; i += threads) {
                  String name = String.format("%s-%06d", prefix, i);
                  Subject subject =
                      new Subject(
                          java.util.Optional.of("hostpki bench " + name),
                          java.util.Optional.of("Example Bench Corp"),
                          java.util.Optional.empty(),
                          java.util.Optional.empty(),
                          java.util.Optional.empty(),
                          java.util.Optional.of("US"),
                          java.util.Optional.empty());
                  String pem = issuer.selfSignedCa(subject, key, now, Duration.ofDays(3650)).pem();
                  write(dir.resolve(name + ".pem"), pem);
                }
                return null;
              }));
    }
    for (Future<Void> part : parts) {
      part.get();
    }
    pool.shutdown();
  }

  private static void write(Path file, String pem) {
    try {
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
