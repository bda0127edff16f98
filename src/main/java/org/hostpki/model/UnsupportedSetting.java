package org.hostpki.model;

import java.util.Objects;

/**
 * A setting this build reads and checks but cannot carry out yet. {@code validate} accepts a
 * desired state that uses one, with a warning; {@code plan} and {@code apply} refuse it and change
 * nothing, rather than silently leave the setting out. The config binder records each one it
 * meets; a setting leaves the list when the plan learns to carry it out.
 *
 * @param key the setting, as written: {@code trust.install}, {@code outputs}
 * @param position where it is written
 */
public record UnsupportedSetting(String key, SourcePosition position) {
  public UnsupportedSetting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(position, "position");
  }
}
