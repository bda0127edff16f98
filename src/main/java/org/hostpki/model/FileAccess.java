package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may use one file, settled: its owner, group and exact mode, as it is to be created.
 *
 * @param owner a user name or number; empty: the user hostpki runs as
 * @param group a group name or number; empty: the group a new file gets where it is created
 * @param mode the file's mode, whatever the umask
 */
public record FileAccess(Optional<String> owner, Optional<String> group, FileMode mode) {
  public FileAccess {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(mode, "mode");
  }

  /** A file of hostpki's own user with this mode, as the store's files are without declarations. */
  public static FileAccess own(FileMode mode) {
    return new FileAccess(Optional.empty(), Optional.empty(), mode);
  }

  /** Whether an owner or group other than the defaults is asked for. */
  public boolean changesOwnership() {
    return owner.isPresent() || group.isPresent();
  }

  /** {@code 0640 root:ssl-cert}, with {@code -} for a default owner or group. */
  @Override
  public String toString() {
    return mode + " " + owner.orElse("-") + ":" + group.orElse("-");
  }
}
