package org.hostpki.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.hostpki.json.JsonReader;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Writes what the release tarball and the .deb ship besides the jars, all from the program's own
 * definitions: the manual pages (gzipped, as Debian installs them) and the completion scripts.
 * Run by the build (pom.xml, "distribution-files") as {@code DistributionFiles OUTPUT-FOLDER
 * EXAMPLE.yaml}.
 */
public final class DistributionFiles {
  private DistributionFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: DistributionFiles OUTPUT-FOLDER EXAMPLE.yaml");
      System.exit(ExitCodes.USAGE);
    }
    write(Path.of(args[0]), Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
  }

  static void write(Path out, String example) throws IOException {
    Environment environment =
        new Environment(FileSystems.getDefault(), Path.of("").toAbsolutePath(), Map.of(), Clock.systemUTC());
    CommandLine root =
        HostpkiCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), environment);
    // a manual is read in a terminal of any width: wrapped by man, not here
    root.setUsageHelpWidth(1000);
    VersionReport version = VersionReport.ofThisProcess();
    String date = version.buildDate().map(d -> d.substring(0, 10)).orElse("");

    JsonNode schema;
    try (InputStream in = DistributionFiles.class.getResourceAsStream("/schema/hostpki-v1.schema.json")) {
      if (in == null) {
        throw new IOException("schema/hostpki-v1.schema.json is not on the class path");
      }
      schema = JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    gzipped(out.resolve("man/man1/hostpki.1.gz"), ManPages.hostpki(root.getCommandSpec(), version.version(), date));
    gzipped(out.resolve("man/man5/hostpki.yaml.5.gz"), ManPages.hostpkiYaml(schema, example, version.version(), date));

    Completion.Tree tree = Completion.of(root.getCommandSpec());
    text(out.resolve("completion/hostpki.bash"), CompletionScripts.bash(tree));
    text(out.resolve("completion/_hostpki"), CompletionScripts.zsh(tree));
    text(out.resolve("completion/hostpki.fish"), CompletionScripts.fish(tree));
  }

  private static void text(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** gzip -9n as Debian wants: no name and no time in the header (Java writes neither). */
  private static void gzipped(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream os = Files.newOutputStream(file);
        GZIPOutputStream gz = new GZIPOutputStream(os) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
          }
        }) {
      gz.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }
}
