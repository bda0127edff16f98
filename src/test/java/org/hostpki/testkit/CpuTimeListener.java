package org.hostpki.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Where the suite's time goes, in CPU seconds, which a busy shared machine does not inflate the
 * way it inflates wall time: for each test class, the CPU this JVM used and the CPU of the child
 * processes it waited for (tools, JVMs of hostpki), from the class's start to its end. Written as
 * a table to the file the system property {@code hostpki.cpuReport} names (the pom names {@code
 * target/surefire-cpu-N.tsv} and {@code target/failsafe-cpu-N.tsv}, N the number of the forked
 * JVM); without it, nothing is recorded. {@code bench/test-cpu} adds the forks' tables up.
 *
 * <p>Surefire hands a JVM of several forks one class at a time, each its own test plan: the rows
 * are kept for the whole JVM, and the file is rewritten after each plan. The total line is the
 * JVM's own since it started (start-up and class loading included) and its reaped children's.
 * Classes that run at the same time (JUnit's parallel execution) each count the CPU of all of
 * them while they overlap; the total line is exact.
 */
public final class CpuTimeListener implements TestExecutionListener {
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  /** The rows of every plan this JVM ran (one listener instance a plan is possible). */
  private static final List<String> ROWS = new ArrayList<>();

  private final Path report;
  private final Map<String, long[]> started = new ConcurrentHashMap<>();

  public CpuTimeListener() {
    String file = System.getProperty("hostpki.cpuReport", "");
    this.report = file.isEmpty() ? null : Path.of(file);
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    if (report != null && isClass(test)) {
      started.put(test.getUniqueId(), now());
    }
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    long[] start = report == null || !isClass(test) ? null : started.remove(test.getUniqueId());
    if (start != null) {
      String name = ((ClassSource) test.getSource().orElseThrow()).getClassName();
      synchronized (ROWS) {
        ROWS.add(row(name, start, now()));
      }
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (report == null) {
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add("# class\twall s\tthis JVM cpu s\tchild processes cpu s\ttotal cpu s");
    synchronized (ROWS) {
      ROWS.sort((a, b) -> Double.compare(total(b), total(a)));
      lines.addAll(ROWS);
      long jvmStart =
          System.nanoTime()
              - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
      lines.add(row("TOTAL (this JVM)", new long[] {jvmStart, 0, 0}, now()));
      try {
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.write(report, lines, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static boolean isClass(TestIdentifier test) {
    return test.getSource().filter(ClassSource.class::isInstance).isPresent()
        && !test.getUniqueId().contains("/[nested-class:");
  }

  private static String row(String name, long[] start, long[] end) {
    double wall = (end[0] - start[0]) / 1e9;
    double self = (end[1] - start[1]) / 1e9;
    double children = (end[2] - start[2]) / 1e9;
    return String.format("%s\t%.1f\t%.1f\t%.1f\t%.1f", name, wall, self, children, self + children);
  }

  private static double total(String row) {
    String[] cells = row.split("\t");
    return Double.parseDouble(cells[cells.length - 1]);
  }

  /** Wall time, this JVM's CPU time and its reaped children's CPU time, in nanoseconds. */
  private static long[] now() {
    long self =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return new long[] {System.nanoTime(), self, childrenCpuNanos()};
  }

  /** cutime + cstime of /proc/self/stat: the CPU of the child processes this JVM waited for. */
  private static long childrenCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // fields after the command name, which is in parentheses and may hold spaces
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // cutime and cstime are fields 16 and 17 of stat(5); here, counted from state (field 3)
      return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
