package org.hostpki.cli;

import java.util.Locale;
import org.hostpki.plan.PlanInput;
import picocli.CommandLine;

/** {@code --replace ca|server}. */
final class ReplaceConverter implements CommandLine.ITypeConverter<PlanInput.Replace> {
  /** What {@code --replace} takes, as the converter takes it, for shell completion. */
  static final class Candidates extends java.util.ArrayList<String> {
    Candidates() {
      super(Completion.lowercase(PlanInput.Replace.values()));
    }
  }

  @Override
  public PlanInput.Replace convert(String value) {
    try {
      return PlanInput.Replace.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' cannot be replaced; use ca or server");
    }
  }
}
