import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;

/**
 * Fleet signing at scale: signs COUNT certificate requests with one CA store, in one JVM (as
 * `hostpki sign` would one by one, without the JVM start), and prints the CPU milliseconds per
 * sign for each batch, so a per-sign cost that grows with the issued/ record shows.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' bench/FleetSign.java CA.yaml CSRDIR COUNT [BATCH]
 * </pre>
 *
 * With -Dstart=N the requests are host-N.. to COUNT (a store grown by bench/FleetGrow.java).
 * CA.yaml must be applied already and its ca.policy must allow host-NNNNNN.fleet.example.
 * Every request has its own EC P-256 key and name; the requests are made first, untimed.
 */
public final class FleetSign {
  public static void main(String[] args) throws Exception {
    Path yaml = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    int start = Integer.parseInt(System.getProperty("start", "1"));
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (int i = start; i <= count; i++) {
      Path csr = dir.resolve(String.format("host-%06d.csr", i));
      if (Files.exists(csr)) {
        continue;
      }
      String name = String.format("host-%06d.fleet.example", i);
      KeyPair pair = generator.generateKeyPair();
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
      var request =
          new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name), pair.getPublic())
              .addAttribute(
                  PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(request);
      }
      Files.writeString(csr, pem.toString(), StandardCharsets.US_ASCII);
    }
    var bean = ManagementFactory.getThreadMXBean();
    Environment environment = Environment.system();
    // The process's CPU too: a large store is read and hashed on every core (other threads).
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long batchCpu = bean.getCurrentThreadCpuTime();
    long batchProcess = os.getProcessCpuTime();
    long batchWall = System.nanoTime();
    System.out.println(
        "signed\tCPU ms per sign (this thread)\twall ms per sign\tCPU ms per sign (process)");
    for (int i = start; i <= count; i++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Path csr = dir.resolve(String.format("host-%06d.csr", i));
      int code =
          Main.run(
              new PrintWriter(out),
              new PrintWriter(err),
              environment,
              "sign",
              "-f",
              yaml.toString(),
              "--csr",
              csr.toString(),
              "-o",
              dir.resolve(String.format("host-%06d.pem", i)).toString());
      if (code != 0) {
        System.err.println("sign " + csr + " exited " + code + ": " + err);
        System.exit(1);
      }
      if ((i - start + 1) % batch == 0) {
        long cpu = bean.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        long wall = System.nanoTime();
        System.out.printf(
            "%d\t%.1f\t%.1f\t%.1f%n",
            i, (cpu - batchCpu) / 1e6 / batch, (wall - batchWall) / 1e6 / batch,
            (process - batchProcess) / 1e6 / batch);
        batchCpu = cpu;
        batchProcess = process;
        batchWall = wall;
      }
    }
  }
}
