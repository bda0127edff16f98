package org.hostpki.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Problem;
import org.hostpki.json.JsonWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostpki validate FILE...}: checks desired-state files and reports every problem, one line
 * each ({@code FILE:LINE:COLUMN: error: MESSAGE}) or as JSON. Reads the given files and, of the
 * host, only the accounts outputs name (owner, group): never a store.
 */
@Command(
    name = "validate",
    description = "Check desired-state files; touches nothing else.",
    footer = {
      "",
      "Examples:",
      "  hostpki validate /etc/hostpki/host.yaml",
      "  hostpki validate --output github hosts/*.yaml   # in GitHub Actions",
      "",
      "Exit codes:",
      "  0   all files valid (warnings allowed)",
      "  1   a file is invalid",
      "  64  usage error"
    })
final class ValidateCommand implements Callable<Integer> {
  private final Environment environment;

  ValidateCommand(Environment environment) {
    this.environment = environment;
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Parameters(
      arity = "0..*",
      completionCandidates = Completion.Files.class,
      paramLabel = "FILE",
      description = "Desired-state files to check (default: $" + DesiredStateFile.VARIABLE + ", else " + DesiredStateFile.DEFAULT + ").")
  List<String> files = List.of();

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (one line per problem), json (a document with every problem on stdout) or github"
              + " (GitHub Actions workflow commands: ::error file=F,line=L,col=C::MESSAGE).")
  Format output = Format.text;

  /**
   * What {@code --output} takes: the reporting commands' {@link OutputFormat} and github. An enum,
   * as theirs is, so that a word not among them reads as it does for them ("'xml' is not one of
   * text, json, github") and completion offers the words.
   */
  enum Format {
    text,
    json,
    github
  }

  @Override
  public Integer call() {
    List<String> files = this.files;
    if (files.stream().anyMatch(String::isBlank)) {
      // as plan and the others say it (an unset variable in "hostpki validate $FILE"), not
      // "is a directory" for the working directory
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "a desired-state file name is empty (FILE ''): name a file, or leave it out for the default");
    }
    files.forEach(f -> DesiredStateFile.refuseStandardInput(spec, f));
    if (files.isEmpty()) {
      DesiredStateFile chosen = DesiredStateFile.choose(spec, environment, null, null);
      chosen.note().ifPresent(n -> spec.commandLine().getErr().println(n));
      files = List.of(chosen.file());
    }
    DesiredStateLoader loader = DesiredStateLoader.forValidation();
    List<Problem> problems = new ArrayList<>();
    List<Boolean> valid = new ArrayList<>();
    int invalid = 0;
    long errors = 0;
    long warnings = 0;
    for (String file : files) {
      LoadResult result = loader.load(environment.resolve(file));
      // Show the path as typed, as compilers do, so the lines match what the user ran.
      Path shown = environment.fileSystem().getPath(file);
      result.problems().forEach(p -> problems.add(p.withFile(shown)));
      invalid += result.hasErrors() ? 1 : 0;
      valid.add(!result.hasErrors());
      errors += result.errorCount();
      warnings += result.warningCount();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == Format.json) {
      out.print(toJson(problems, valid, errors, warnings));
    } else if (output == Format.github) {
      problems.forEach(p -> out.println(GithubAnnotation.of(p)));
      spec.commandLine().getErr().println(summary(files.size(), invalid, errors, warnings));
    } else {
      problems.forEach(p -> out.println(p.format()));
      spec.commandLine().getErr().println(summary(files.size(), invalid, errors, warnings));
    }
    out.flush();
    return invalid == 0 ? ExitCodes.OK : ExitCodes.ERROR;
  }

  private static String summary(int files, int invalid, long errors, long warnings) {
    String checked = plural(files, "file") + " checked: ";
    String verdict =
        invalid == 0
            ? (files == 1 ? "valid" : "all valid")
            : invalid + " invalid (" + plural(errors, "error") + ")";
    return checked + verdict + ", " + plural(warnings, "warning");
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** The format of the JSON document, described by schema/validate.schema.json. */
  static final String FORMAT_VERSION = "1";

  private String toJson(List<Problem> problems, List<Boolean> valid, long errors, long warnings) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("valid", !valid.contains(false));
    w.name("files").beginArray();
    for (int i = 0; i < files.size(); i++) {
      w.beginObject().field("file", files.get(i)).field("valid", valid.get(i)).endObject();
    }
    w.endArray();
    w.field("error_count", errors);
    w.field("warning_count", warnings);
    w.name("diagnostics").beginArray();
    problems.forEach(p -> Diagnostics.problem(w, p));
    w.endArray();
    return w.endObject().line();
  }
}
