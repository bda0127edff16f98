package org.hostpki.cli;

import java.util.Locale;
import org.hostpki.plan.PlanInput;
import picocli.CommandLine;

/** {@code --replace ca|server}. */
final class ReplaceConverter implements CommandLine.ITypeConverter<PlanInput.Replace> {
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
