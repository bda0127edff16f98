package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores on one host installing into the same system trust store at the same moment (two
 * services' timers, or two watch processes). The real update-ca-certificates, run twice at once,
 * writes one temporary bundle from both runs: the trial left a bundle of one certificate (every
 * TLS client of the host failed) or of every certificate twice, and an apply failing with
 * "does not hold what it should".
 */
class SharedSystemTrustTest {
  @TempDir Path root;

  private final Certificate webCa = TestCa.selfSignedRoot("Web CA");
  private final Certificate mailCa = TestCa.selfSignedRoot("Mail CA");

  /**
   * update-ca-certificates behind a stand-in that notes when another run is under way (a folder
   * only one run can make) and when the installer's lock on the host-wide lock file is not held
   * (in /proc/locks, where the kernel lists every POSIX lock by inode), and gives the other run
   * a second to start.
   */
  private Path watchedTool(HostTree tree) throws IOException {
    Path real = Tool.UPDATE_CA_CERTIFICATES.require();
    Path lock = tree.path("usr/local/share/ca-certificates/.hostpki.lock");
    return tree.script(
        "bin/update-ca-certificates",
        "log=" + root.resolve("runs.log") + "\n"
            + "mkdir " + root.resolve("running") + " 2>/dev/null || echo OVERLAP >> $log\n"
            + "ino=$(stat -c %i " + lock + " 2>/dev/null)\n"
            + "if [ -z \"$ino\" ] || ! grep -q \" POSIX .* WRITE .*:$ino \" /proc/locks; then echo UNLOCKED >> $log; fi\n"
            + "sleep 1\n"
            + real + " \"$@\"; rc=$?\n"
            + "rmdir " + root.resolve("running") + " 2>/dev/null\n"
            + "echo RAN >> $log\n"
            + "exit $rc\n");
  }

  @Test
  void testTwoStoresAtOnce_runTheToolOneAfterTheOtherUnderTheLockAndTheBundleHoldsBothOnce() throws Exception {
    HostTree tree = HostTree.debian(root);
    Path tool = watchedTool(tree);
    ToolRunner tools = ToolRunner.system(System.getenv());
    SystemTrustLayout layout = SystemTrustLayout.detect(root).orElseThrow();
    SystemTrustInstaller web = new SystemTrustInstaller(layout, tools, tool, n -> n.startsWith("web-1a2b3c4d-"));
    SystemTrustInstaller mail = new SystemTrustInstaller(layout, tools, tool, n -> n.startsWith("mail-5e6f7a8b-"));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      runs.add(pool.submit(() -> { await(start); return web.apply(one("web-1a2b3c4d-ca", webCa)); }));
      runs.add(pool.submit(() -> { await(start); return mail.apply(one("mail-5e6f7a8b-ca", mailCa)); }));
      start.countDown();
      for (Future<?> run : runs) {
        run.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(HostTree.lines(root.resolve("runs.log"))).containsExactly("RAN", "RAN");
    List<Certificate> bundle = org.hostpki.pki.Pem.readCertificates(Files.readAllBytes(tree.path("etc/ssl/certs/ca-certificates.crt")), 100);
    assertThat(bundle.stream().map(Certificate::fingerprint).toList())
        .containsExactlyInAnyOrder(
            tree.distributionRoot.fingerprint(), tree.foreignLocalCa.fingerprint(), webCa.fingerprint(), mailCa.fingerprint());
    assertThat(web.observe().entries()).containsOnlyKeys("web-1a2b3c4d-ca");
    assertThat(mail.observe().entries()).containsOnlyKeys("mail-5e6f7a8b-ca");
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    latch.await(1, TimeUnit.MINUTES);
  }

  private static SortedMap<String, Certificate> one(String name, Certificate certificate) {
    SortedMap<String, Certificate> out = new TreeMap<>();
    out.put(name, certificate);
    return out;
  }
}
