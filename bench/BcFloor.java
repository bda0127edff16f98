import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The floor for a JVM that touches BouncyCastle (bench/run.sh): an EC P-256 key and a
 * self-signed certificate, what the smallest hostpki run that writes anything does. With the
 * argument {@code provider} it registers BouncyCastle as a JCA provider and does both through
 * it, as most BouncyCastle programs do (the "BC + AppCDS" floor); without, the JDK's EC
 * provider makes the key and no provider is registered (its leanest floor).
 */
public final class BcFloor {
  public static void main(String[] args) throws Exception {
    boolean provider = args.length > 0 && args[0].equals("provider");
    if (provider) {
      Security.addProvider(new BouncyCastleProvider());
    }
    KeyPairGenerator generator =
        provider ? KeyPairGenerator.getInstance("EC", "BC") : KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=floor");
    Instant now = Instant.now();
    X509CertificateHolder cert =
        new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(now), Date.from(now.plusSeconds(86400)), name, keys.getPublic())
            .build(signer(provider).build(keys.getPrivate()));
    System.out.println(cert.getSubject());
  }

  private static JcaContentSignerBuilder signer(boolean provider) {
    JcaContentSignerBuilder builder = new JcaContentSignerBuilder("SHA256withECDSA");
    return provider ? builder.setProvider("BC") : builder;
  }
}
