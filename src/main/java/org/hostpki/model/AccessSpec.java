package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Owner, group and mode as a desired state declares them, each part optional: {@code store.access}
 * (for the files that hold the server's private key) or one output's own settings, which take
 * precedence part by part.
 *
 * <p>Limits, checked when the desired state is read: a file that holds a private key is never
 * readable by others, and never writable by its group ({@link #KEY_LIMIT}); any other file is
 * never writable by group or others ({@link #PUBLIC_LIMIT}); nothing is executable; the owner can
 * always read.
 */
public record AccessSpec(Optional<String> owner, Optional<String> group, Optional<FileMode> mode) {
  /** The widest mode of a file that holds a private key: {@code 0640}. */
  public static final FileMode KEY_LIMIT = FileMode.GROUP_READABLE;

  /** The widest mode of a file without a private key: {@code 0644}. */
  public static final FileMode PUBLIC_LIMIT = FileMode.PUBLIC;

  public static final AccessSpec NONE = new AccessSpec(Optional.empty(), Optional.empty(), Optional.empty());

  public AccessSpec {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(mode, "mode");
  }

  public boolean isEmpty() {
    return owner.isEmpty() && group.isEmpty() && mode.isEmpty();
  }

  /** The widest mode a file may have. */
  public static FileMode limit(boolean holdsPrivateKey) {
    return holdsPrivateKey ? KEY_LIMIT : PUBLIC_LIMIT;
  }

  /**
   * The access a file gets: each part declared here, else (for a file with a private key) the part
   * {@code storeWide} declares, else the default. The default mode of a key is {@code 0600}, or
   * {@code 0640} when a group is declared (the group is declared to read it); of any other file
   * {@code 0644}. {@code store.access} is about keys: a file without one takes only its own
   * settings.
   */
  public FileAccess resolve(boolean holdsPrivateKey, AccessSpec storeWide) {
    AccessSpec inherited = holdsPrivateKey ? storeWide : NONE;
    Optional<String> resolvedOwner = owner.or(inherited::owner);
    Optional<String> resolvedGroup = group.or(inherited::group);
    FileMode resolvedMode =
        mode.or(inherited::mode)
            .orElse(
                !holdsPrivateKey
                    ? FileMode.PUBLIC
                    : resolvedGroup.isPresent() ? FileMode.GROUP_READABLE : FileMode.OWNER_ONLY);
    return new FileAccess(resolvedOwner, resolvedGroup, resolvedMode);
  }
}
