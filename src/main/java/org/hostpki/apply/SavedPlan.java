package org.hostpki.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.FileReasons;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.json.JsonReader;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import tools.jackson.databind.JsonNode;

/**
 * A plan saved by {@code plan --out}. Apply accepts it only from the hostpki build that made it
 * (as Terraform does: another build may compute the same basis and changes with other contents,
 * after an upgrade or a downgrade of the package), and only while it is current: same basis (the
 * store, host identity, desired state and declared inputs it was made from) and the same changes.
 * A stale plan's refusal names the inputs that changed, from the digests the plan recorded of each
 * ({@code basis_parts}); the records of what a fleet CA signed are none of them ({@link PlanBasis#STORE}).
 * A plan made with {@code --replace} is applied with the replacements it was made with, without
 * naming them again (as Terraform applies a plan made with {@code -replace}).
 */
public record SavedPlan(
    Path file,
    String basis,
    List<String> changes,
    Set<PlanInput.Replace> replaced,
    Optional<String> generation,
    Map<String, String> basisParts) {

  public SavedPlan {
    changes = List.copyOf(changes);
    basisParts = Collections.unmodifiableMap(new LinkedHashMap<>(basisParts));
  }

  /** Reads {@code file}, refusing a plan of another format or written by another build than {@code thisBuild}. */
  public static SavedPlan read(Path file, String thisBuild) {
    JsonNode root;
    try {
      root = JsonReader.parse(new String(InputFiles.read(file, InputKind.SAVED_PLAN), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new HostpkiException(
          "saved plan " + file + " " + FileReasons.of(e) + "; give the file 'hostpki plan --out' wrote");
    } catch (JsonReader.MalformedJsonException e) {
      // Not what the parser quotes: 'apply --plan /etc/shadow' under sudo would show its content.
      throw new HostpkiException(
          file + ": not a hostpki plan file (not JSON); make one with 'hostpki plan --out FILE'");
    }
    if (root == null || !root.isObject() || !root.has("format_version") || text(root, "basis").isEmpty()) {
      throw new HostpkiException(
          file + ": not a hostpki plan of format version " + Plan.FORMAT_VERSION + "; make it with 'hostpki plan --out'");
    }
    String version = root.get("format_version").isValueNode() ? root.get("format_version").asString() : "?";
    if (!Plan.FORMAT_VERSION.equals(version)) {
      // quoted from the file: one line, escaped, and short (an edited file may hold anything there)
      String quoted = TerminalText.escape(version.length() > 20 ? version.substring(0, 20) + "..." : version);
      throw new HostpkiException(
          "saved plan " + file + " is in plan format " + quoted + (version.compareTo(Plan.FORMAT_VERSION) < 0
              ? ", written by an older hostpki" : ", written by a newer hostpki")
              + "; this hostpki applies format " + Plan.FORMAT_VERSION + " only, and nothing was applied."
              + " Make the plan again with 'hostpki plan --out', review it, and apply that");
    }
    String writtenBy = text(root, "written_by");
    if (!thisBuild.equals(writtenBy)) {
      throw new HostpkiException(
          "saved plan " + file + " was written by "
              + (writtenBy.isEmpty() ? "an older hostpki, which did not record its build" : TerminalText.escape(writtenBy))
              + "; this is " + thisBuild + ", which applies only the plans it made itself (it may plan the"
              + " same changes with other contents), and nothing was applied. Make the plan again with"
              + " 'hostpki plan --out', review it, and apply that");
    }
    List<String> changes = new ArrayList<>();
    for (JsonNode c : root.path("changes")) {
      changes.add(text(c, "address") + " " + text(c, "action"));
    }
    Set<PlanInput.Replace> replaced = EnumSet.noneOf(PlanInput.Replace.class);
    for (JsonNode word : root.path("replace")) {
      for (PlanInput.Replace r : PlanInput.Replace.values()) {
        if (PlanJson.word(r).equals(word.isString() ? word.asString() : "")) {
          replaced.add(r);
        }
      }
    }
    Map<String, String> parts = new LinkedHashMap<>();
    JsonNode recorded = root.path("basis_parts");
    if (recorded.isObject()) {
      recorded.properties().forEach(e -> parts.put(e.getKey(), e.getValue().isString() ? e.getValue().asString() : ""));
    }
    Optional<String> generation = Optional.of(text(root, "store_generation")).filter(g -> !g.isEmpty());
    return new SavedPlan(file, text(root, "basis"), changes, replaced, generation, parts);
  }

  /**
   * The replacements to plan with: those the plan was made with. {@code --replace} given again
   * must name the same ones.
   *
   * @throws HostpkiException when {@code given} is not empty and names others
   */
  Set<PlanInput.Replace> replacements(Set<PlanInput.Replace> given) {
    if (!given.isEmpty() && !given.equals(replaced)) {
      throw new HostpkiException(
          "the saved plan " + file + " was made " + words(replaced) + ", and this apply gives "
              + words(given).replaceFirst("^with ", "") + "; nothing was applied. A saved plan is applied as it was made: give"
              + " --plan without --replace, or make the plan again with the --replace you want");
    }
    return replaced;
  }

  private static String words(Set<PlanInput.Replace> replacements) {
    return replacements.isEmpty()
        ? "without --replace"
        : "with " + replacements.stream()
            .map(r -> "--replace " + PlanJson.word(r))
            .collect(java.util.stream.Collectors.joining(" "));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isString() ? "" : v.asString();
  }

  /**
   * Refuses with a clear message when the plan computed now is not the saved one, saying which
   * of the inputs it was made from changed ({@code basis} the parts of the one computed now).
   */
  void checkCurrent(Plan now, PlanBasis basisNow) {
    List<String> current = now.changes().stream().map(SavedPlan::line).toList();
    if (!basis.equals(now.basis().hex())) {
      List<String> changed = basisNow.changedSince(generation, basisParts);
      throw new HostpkiException(
          "the saved plan "
              + file
              + " is stale: "
              + (changed.isEmpty()
                  ? "the store, the host identity, the desired state or a trusted certificate changed since it was made"
                  : "since it was made, " + and(changed) + " changed")
              + "; nothing was applied. Run 'hostpki plan --out' again and review the new plan");
    }
    if (!changes.equals(current)) {
      // Same inputs, other changes: the clock made a renewal due (or a certificate expire) since.
      throw new HostpkiException(
          "the saved plan " + file + " is stale: the store, the host identity and the desired state"
              + " are as they were, but a plan made now has other changes (saved: "
              + listed(changes.stream().map(TerminalText::escape).toList()) + "; now: " + listed(current)
              + "): time has passed since it was made (a renewal fell due), or the file was edited;"
              + " nothing was applied. Run 'hostpki plan --out' again and review the new plan");
    }
  }

  private static String and(List<String> items) {
    return items.size() == 1
        ? items.get(0)
        : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
  }

  private static String listed(List<String> changes) {
    return changes.isEmpty() ? "no changes" : String.join(", ", changes);
  }

  private static String line(Change c) {
    return c.address() + " " + c.action().word();
  }
}
