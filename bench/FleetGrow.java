import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.SecureRandom;
import java.time.*;
import java.util.*;
import org.hostpki.model.*;
import org.hostpki.pki.*;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.store.*;

/**
 * Grows a CA store's issued/ record to measure signing at scale without signing one by one:
 * adds records for host-FROM..TO.fleet.example (EC P-256 keys made here) in ONE generation.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' bench/FleetGrow.java STORE FROM TO
 * java -Dstart=TO+1 -cp ... bench/FleetSign.java CA.yaml CSRDIR TO+40 20   # then sign from there
 * </pre>
 */
public final class FleetGrow {
  public static void main(String[] a) throws Exception {
    Path store = Path.of(a[0]);
    int from = Integer.parseInt(a[1]), to = Integer.parseInt(a[2]);
    Clock clock = Clock.systemUTC();
    Certificate ca = Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0);
    KeyMaterial caKey = KeyMaterial.fromPem(Files.readAllBytes(store.resolve("ca.key")));
    SecureRandom random = new SecureRandom();
    StoreDirectory dir = new StoreDirectory(store, clock);
    try (StoreCommit c = StoreCommit.begin(dir, Duration.ZERO, "sign", clock)) {
      SortedMap<String, StoreFile> files = c.carriedOver();
      for (int i = from; i <= to; i++) {
        String name = String.format("host-%06d.fleet.example", i);
        KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
        Certificate cert = new CertificateIssuer(random).server(
            new ServerProfile(Subject.empty(), List.of(name), List.of(), Duration.ofDays(90), false),
            key.publicKey(), ca, caKey, clock.instant());
        IssuedCertificate issued = IssuedCertificate.of(cert);
        files.put(issued.fileName(), new StoreFile(cert.pem().getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
      }
      System.out.println(c.commit(files, "{\"bench\":\"grow\"}".getBytes(StandardCharsets.UTF_8), new ArrayList<>()));
    }
  }
}
