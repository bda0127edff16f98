package org.hostpki.apply;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.StrictModes;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DesiredStateContent;
import org.hostpki.model.HostpkiException;
import org.hostpki.plan.LastWriter;
import org.hostpki.store.Generation;
import org.hostpki.store.StoreDirectory;

/**
 * Who wrote the store last, for the plan's {@code other-desired-state} warning: another
 * desired-state file than this one, saying other than it. The store's record names that file; it
 * is the record's word, not the person's, so the file is read only when that is safe.
 */
final class OtherWriter {
  private OtherWriter() {}

  /**
   * The desired-state file that wrote the current generation, when its record names one, it is
   * not this desired state's own file (the same file by another path counts as the same), and it
   * says other than this one: two files that say the same (a timer's file and an Ansible task's
   * inline {@code desired:} of the same settings) cannot undo each other's changes. What it says is
   * read from the file when it is still there and {@link #safeToRead safe to read} (what its next
   * run applies), else judged by the digest its record holds ({@link
   * Generation#desiredStateDigest()}); a record without one, of a file that is gone, counts as
   * another.
   */
  static Optional<LastWriter> of(DesiredState desired, StoreDirectory directory) {
    Optional<Generation> current = directory.current();
    Optional<Path> writer;
    try {
      // On the desired state's file system, as the store's (Jimfs in engine tests).
      writer = current.flatMap(Generation::desiredState).map(desired.source().getFileSystem()::getPath);
    } catch (InvalidPathException e) {
      return Optional.empty(); // a record no file of this system could have written
    }
    if (writer.isEmpty() || writer.get().equals(desired.source())) {
      return Optional.empty();
    }
    Optional<DesiredState> theirs = Optional.empty();
    try {
      if (Files.isSameFile(writer.get(), desired.source())) {
        return Optional.empty();
      }
      if (safeToRead(writer.get())) {
        theirs = new DesiredStateLoader().load(writer.get()).desiredState();
      }
    } catch (IOException | SecurityException | HostpkiException e) {
      // gone or unreadable: another file (or this one, just moved); its record tells what it said
    }
    if (theirs.isPresent()) {
      if (namesAnotherStore(theirs.get(), desired)) {
        return Optional.empty();
      }
      List<String> differ = DesiredStateContent.differences(theirs.get(), desired);
      return differ.isEmpty() ? Optional.empty() : Optional.of(new LastWriter(writer.get(), differ));
    }
    String ours = DesiredStateContent.digest(desired).hex();
    if (current.flatMap(Generation::desiredStateDigest).filter(ours::equalsIgnoreCase).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(new LastWriter(writer.get(), List.of(), notAFile(writer.get())));
  }

  /**
   * Whether the record names something there that is no file a desired state could be in: a
   * device, FIFO, socket or folder, or anything under {@code /proc}, {@code /sys} or {@code /dev}.
   * A file that is gone is not such a thing (it was renamed or removed).
   */
  static boolean notAFile(Path writer) {
    if (writer.getFileSystem() != FileSystems.getDefault() || !Files.exists(writer, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    return !ordinaryFile(writer);
  }

  /** A regular file (through links) outside the kernel's file systems. */
  private static boolean ordinaryFile(Path writer) {
    try {
      Path real = writer.toRealPath();
      for (String kernel : List.of("/proc", "/sys", "/dev")) {
        if (real.startsWith(kernel) || writer.toAbsolutePath().normalize().startsWith(kernel)) {
          return false;
        }
      }
      return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * Whether the other file's {@code store.path} is another folder: this store is a copy (a
   * backup restored elsewhere, a store moved to a new path) of the one that file applies, and the
   * two do not undo each other's changes. Removing that file, as the warning would say, would
   * remove the original's desired state.
   */
  static boolean namesAnotherStore(DesiredState other, DesiredState desired) {
    Path theirs = other.store().path();
    Path ours = desired.store().path();
    if (theirs.equals(ours)) {
      return false;
    }
    try {
      return !Files.isSameFile(theirs, ours);
    } catch (IOException | SecurityException e) {
      // Their store is not there (or cannot be looked at): that says nothing of whose this one is,
      // and a record could name such a file to silence the warning.
      return false;
    }
  }

  /**
   * Whether the file a store's record names may be read: a regular file outside {@code /proc},
   * {@code /sys} and {@code /dev} ({@code /proc/kmsg} is a regular file whose reads block and take
   * the kernel's messages from whoever else reads them; a tracing pipe blocks too), that only root
   * or this user could have written ({@link StrictModes}), as an output file's rule is. The record
   * is the store's, which another hostpki (or whoever restored it) wrote.
   */
  static boolean safeToRead(Path writer) {
    if (writer.getFileSystem() != FileSystems.getDefault()) {
      return true; // Jimfs in engine tests
    }
    return ordinaryFile(writer) && StrictModes.forThisProcess().problem(writer, "the desired state that wrote the store last").isEmpty();
  }
}
