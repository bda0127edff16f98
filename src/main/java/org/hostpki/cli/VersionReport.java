package org.hostpki.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;
import org.hostpki.pki.BouncyCastleVersion;
import org.hostpki.json.JsonWriter;

/**
 * What {@code hostpki --version} and {@code hostpki version} report: the release, the commit and
 * time it was built from (written into the jar by the build, see pom.xml "build-info"), and the
 * Java runtime and BouncyCastle it runs with. A build without git (from a source tarball) knows no
 * commit; a run from an IDE's class folder knows neither.
 */
record VersionReport(
    String version,
    Optional<String> commit,
    Optional<String> buildDate,
    String javaVersion,
    String javaVendor,
    String javaVm,
    String javaHome,
    Optional<String> bouncyCastle) {

  /** The format of {@link #json()}, described by schema/version.schema.json. */
  static final String FORMAT_VERSION = "1";

  private static final String BUILD_PROPERTIES = "build.properties";

  static VersionReport ofThisProcess() {
    Properties build = new Properties();
    try (InputStream in = VersionReport.class.getResourceAsStream(BUILD_PROPERTIES)) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      // as without the file: every build fact is unknown
    }
    String version =
        known(build.getProperty("version"))
            .or(() -> Optional.ofNullable(VersionReport.class.getPackage().getImplementationVersion()))
            .orElse("development");
    return new VersionReport(
        version,
        known(build.getProperty("commit")),
        known(build.getProperty("date")),
        Runtime.version().toString(),
        System.getProperty("java.vendor", "unknown"),
        System.getProperty("java.vm.name", "unknown"),
        System.getProperty("java.home", "unknown"),
        BouncyCastleVersion.ofRuntime());
  }

  /** The build writes "unknown" for what it could not find out; an unfilled placeholder is unknown too. */
  private static Optional<String> known(String value) {
    return Optional.ofNullable(value)
        .map(String::strip)
        .filter(v -> !v.isEmpty() && !v.equals("unknown") && !v.contains("${"));
  }

  /**
   * Which build this is, in one line ("hostpki 0.1.0, commit 6f1d0c2…"): what a saved plan
   * records, since only the build that computed a plan applies it.
   */
  String build() {
    return "hostpki " + version + ", commit " + commit.orElse("unknown");
  }

  /** The first line is "hostpki VERSION", for scripts that read only that. */
  String text() {
    return "hostpki " + version + "\n"
        + "  commit        " + commit.orElse("unknown") + "\n"
        + "  built         " + buildDate.orElse("unknown") + "\n"
        + "  java          " + javaVersion + " (" + javaVendor + ", " + javaVm + ", " + javaHome + ")\n"
        + "  bouncycastle  " + bouncyCastle.orElse("unknown") + "\n";
  }

  String json() {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("version", version);
    w.name("commit").value(commit.orElse(null));
    w.name("build_date").value(buildDate.orElse(null));
    w.name("java").beginObject();
    w.field("version", javaVersion);
    w.field("vendor", javaVendor);
    w.field("vm", javaVm);
    w.field("home", javaHome);
    w.endObject();
    w.name("bouncycastle_version").value(bouncyCastle.orElse(null));
    return w.endObject().toString();
  }
}
