import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Collections;

/**
 * The anchor of the 10,000-entry converged plan (bench/trust-scale.sh): a bare Java program that
 * loads a PKCS#12 trust store with the JDK's own KeyStore and fingerprints every entry (SHA-256
 * of its DER). Usage: java BareTruststore TRUSTSTORE.p12 (password in $HOSTPKI_PASSWORD).
 */
public final class BareTruststore {
  public static void main(String[] args) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      store.load(in, System.getenv("HOSTPKI_PASSWORD").toCharArray());
    }
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    int entries = 0;
    byte folded = 0;
    for (String alias : Collections.list(store.aliases())) {
      byte[] fingerprint = sha256.digest(store.getCertificate(alias).getEncoded());
      folded ^= fingerprint[0];
      entries++;
    }
    System.out.println(entries + " entries fingerprinted (" + folded + ")");
  }
}
