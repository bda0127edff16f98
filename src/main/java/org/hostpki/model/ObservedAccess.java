package org.hostpki.model;

import java.util.Objects;

/**
 * A file's mode, owner and group as found on disk, shown as {@code 0644 postgres:postgres}.
 *
 * @param owner the owner's name (its number where the system has none)
 * @param group the group's name (its number where the system has none)
 */
public record ObservedAccess(FileMode mode, String owner, String group) {
  public ObservedAccess {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
  }

  /**
   * Whether the file belongs to {@code declared}'s owner and lets group or others read more than
   * {@code declared}'s mode: its service user made it readable by others.
   */
  public boolean readableBeyondByItsOwner(FileAccess declared) {
    return declared.owner().filter(owner::equals).isPresent() && (mode.beyond(declared.mode()).bits() & 0044) != 0;
  }

  @Override
  public String toString() {
    return mode + " " + owner + ":" + group;
  }
}
