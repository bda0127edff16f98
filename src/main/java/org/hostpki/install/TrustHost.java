package org.hostpki.install;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What installing needs from the host, injected so that tests run against a directory tree and
 * stand-in tools: the file system root, the Java that runs hostpki, and how tools are found and
 * run.
 *
 * @param root the file system root ({@code /} on a real host)
 * @param javaHome the {@code java.home} of the running Java, under {@code root}
 */
public record TrustHost(Path root, Path javaHome, ToolRunner tools) {
  public TrustHost {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(javaHome, "javaHome");
    Objects.requireNonNull(tools, "tools");
  }

  /** This host, its tools started without these environment variables ({@link ToolRunner#withholding}). */
  public TrustHost withholding(java.util.Collection<String> variables) {
    return new TrustHost(root, javaHome, tools.withholding(variables));
  }

  /** This host, as the process sees it. */
  public static TrustHost live(Map<String, String> environment) {
    return new TrustHost(Path.of("/"), Path.of(System.getProperty("java.home")), ToolRunner.system(environment));
  }
}
