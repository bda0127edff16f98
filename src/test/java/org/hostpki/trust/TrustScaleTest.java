package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.root;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.apply.StoreContents;
import org.hostpki.apply.StoreObserver;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreSnapshot;
import org.junit.jupiter.api.Test;

/**
 * A store must stay readable whatever the number of trusted certificates (bench/trust-scale.sh
 * measures how fast). Checked on the observer with a snapshot, so that it costs a second, not
 * the minute a 10,000-certificate apply takes.
 */
class TrustScaleTest {

  @Test
  void testObserve_bundleOfMoreThanTenThousandCertificatesIsReadable() {
    Certificate one = root("Many Times Root");
    int count = Pem.DEFAULT_MAX_CERTIFICATES + 1;
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("trust-bundle.crt", one.pem().repeat(count).getBytes(StandardCharsets.US_ASCII));
    StoreSnapshot snapshot =
        new StoreSnapshot(
            true,
            Optional.of("..2026_11_27_08_00_00.000000000"),
            files,
            StoreSnapshot.fingerprintOf(files));

    StoreContents contents =
        new StoreObserver().observe(snapshot, Path.of("/var/lib/hostpki"), Optional.empty(), "no password");

    assertThat(contents.facts().trustBundle()).hasValueSatisfying(b -> assertThat(b).hasSize(count));
  }
}
