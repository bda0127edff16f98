package org.hostpki.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a desired state says, apart from where it was written down: its settings as parsed (paths
 * resolved, defaults filled in), without the file it came from and the places in it ({@link
 * SourcePosition}). Two files that say the same, a YAML file and the JSON an Ansible task's inline
 * {@code desired:} becomes, have the same {@link #digest}: applying one after the other changes
 * nothing, and neither undoes the other's changes.
 *
 * <p>The text is made from the records' components, by name, in order; a set's members and a
 * map's entries sorted (the order a file lists them in changes nothing they mean).
 */
public final class DesiredStateContent {

  private DesiredStateContent() {}

  /** The SHA-256 of {@code desired}'s canonical text. */
  public static Fingerprint digest(DesiredState desired) {
    return Fingerprint.sha256(text(desired).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The top-level sections ({@code store}, {@code host}, {@code server}, {@code outputs}...) whose
   * settings differ between the two, in the order a desired state lists them; empty when they say
   * the same.
   */
  public static List<String> differences(DesiredState one, DesiredState other) {
    List<String> differ = new ArrayList<>();
    for (RecordComponent c : DesiredState.class.getRecordComponents()) {
      if (c.getName().equals("source")) {
        continue;
      }
      if (!text(value(c, one)).equals(text(value(c, other)))) {
        differ.add(c.getName());
      }
    }
    return differ;
  }

  /** The canonical text of {@code desired} (for tests and the digest). */
  static String text(DesiredState desired) {
    StringBuilder out = new StringBuilder();
    for (RecordComponent c : DesiredState.class.getRecordComponents()) {
      if (!c.getName().equals("source")) {
        out.append(c.getName()).append('=').append(text(value(c, desired))).append('\n');
      }
    }
    return out.toString();
  }

  private static String text(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null || value instanceof SourcePosition) {
      out.append('-');
    } else if (value instanceof Optional<?> o) {
      if (o.isPresent()) {
        out.append("some(");
        write(o.get(), out);
        out.append(')');
      } else {
        out.append("none");
      }
    } else if (value instanceof Set<?> set) {
      out.append('{').append(String.join(",", sorted(set))).append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      String comma = "";
      for (Object o : list) {
        out.append(comma);
        write(o, out);
        comma = ",";
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(text(k) + ":" + text(v)));
      out.append('{').append(String.join(",", entries.stream().sorted().toList())).append('}');
    } else if (value.getClass().isRecord()) {
      out.append(value.getClass().getSimpleName()).append('(');
      String comma = "";
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        out.append(comma).append(c.getName()).append('=');
        write(value(c, value), out);
        comma = ",";
      }
      out.append(')');
    } else if (value instanceof CharSequence text) {
      out.append(text.length()).append(':').append(text); // a string's end is not guessed
    } else {
      out.append(value.getClass().getSimpleName()).append(':').append(value);
    }
  }

  private static List<String> sorted(Collection<?> values) {
    return values.stream().map(DesiredStateContent::text).sorted().toList();
  }

  private static Object value(RecordComponent c, Object record) {
    try {
      java.lang.reflect.Method accessor = c.getAccessor();
      accessor.setAccessible(true); // a record nested in another class may not be public
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c, e);
    }
  }
}
