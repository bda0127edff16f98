package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hostpki.model.Fingerprint;

/**
 * One attribute of a resource in a change's {@code before} or {@code after}, with its type, as
 * Terraform's JSON plan gives them: a timestamp is a timestamp, a list of names a list — never a
 * display string a script would have to parse.
 */
public sealed interface Attribute {

  /** Words or a name: a subject, a key description. */
  record Text(String value) implements Attribute {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A list: DNS names, addresses, the subjects of a chain. */
  record Texts(List<String> values) implements Attribute {
    public Texts {
      values = List.copyOf(values);
    }
  }

  /** A point in time, e.g. {@code not_after}. */
  record Time(Instant value) implements Attribute {
    public Time {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A span of time, e.g. {@code validity}. */
  record Span(Duration value) implements Attribute {
    public Span {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A SHA-256 fingerprint. */
  record Digest(Fingerprint value) implements Attribute {
    public Digest {
      Objects.requireNonNull(value, "value");
    }
  }

  /** Yes or no, e.g. {@code new_key}. */
  record Flag(boolean value) implements Attribute {}
}
