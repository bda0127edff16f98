package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.FileKind;
import org.junit.jupiter.api.Test;

/**
 * A committed set is hashed in the common pool when its contents fill a quarter of the heap; a pool
 * that cannot start a thread (ulimit -u, a cgroup's pids.max: "unable to create native thread")
 * must not make the command fail after the store changed (rvsec15 L5): it is hashed one by one. In
 * a JVM of its own, whose common pool's thread factory fails as the JVM does then.
 */
class StoreFileNoThreadTest {

  /** The common pool's factory in the child JVM: every thread fails to start. */
  public static final class NoThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {
    @Override
    public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
      throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
    }
  }

  /** The child: commits a set of 200 files in a heap of 64 bytes; exit 0 when all were hashed. */
  public static void main(String[] args) {
    SortedMap<String, StoreFile> set = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      set.put("trust/" + i + ".crt", new StoreFile(("certificate " + i).getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    }
    StoreFile.committed(set, name -> ("certificate " + name.replaceAll("\\D", "")).getBytes(StandardCharsets.US_ASCII), 64);
    for (var e : set.entrySet()) {
      if (!new String(e.getValue().content(), StandardCharsets.US_ASCII).equals("certificate " + e.getKey().replaceAll("\\D", ""))) {
        System.exit(3);
      }
    }
    System.out.println("hashed " + set.size());
  }

  @Test
  void testCommitted_aPoolThatCannotStartAThreadHashesOneByOne() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(
            java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-Djava.util.concurrent.ForkJoinPool.common.threadFactory=" + NoThreads.class.getName(),
            "-cp", System.getProperty("java.class.path"), StoreFileNoThreadTest.class.getName())
        .redirectErrorStream(true)
        .start();
    child.getOutputStream().close();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo("hashed 200\n");
  }
}
