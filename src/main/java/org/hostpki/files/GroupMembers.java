package org.hostpki.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Whether a file's group is its owner's alone, so that the group's write permission gives no one
 * else a say: a user private group (Debian's and Ubuntu's {@code USERGROUPS_ENAB}, under which
 * {@code umask 002} makes files 0664 and folders 0775), or group 0 of a file root owns. The
 * account files say: the group's entry in {@code /etc/group} must bear the owner's name (or be
 * gid 0, the owner root) and list no member but the owner, and no other account in
 * {@code /etc/passwd} may have it as its primary group. A group those files do not list (a
 * directory service's), one they hand to NIS ({@code +} lines), or files that cannot be read leave
 * the question open, and the group counts as others'.
 */
public final class GroupMembers {
  static final String GROUP = "/etc/group";
  static final String PASSWD = "/etc/passwd";

  /** Most members a reason names; the rest are counted. */
  private static final int NAMED = 5;

  /** Reads an account file, {@code /etc/group} or {@code /etc/passwd}, by that path. */
  @FunctionalInterface
  public interface Source {
    String read(String file) throws IOException;
  }

  private final Source source;

  public GroupMembers(Source source) {
    this.source = source;
  }

  /** The host's own account files. */
  public static GroupMembers system() {
    return new GroupMembers(file -> new String(Files.readAllBytes(Path.of(file)), UTF_8));
  }

  /** Account files given as text, {@code /etc/group}'s and {@code /etc/passwd}'s. */
  public static GroupMembers of(String group, String passwd) {
    return new GroupMembers(file -> file.equals(GROUP) ? group : passwd);
  }

  /**
   * Why the group of {@code path} may not be trusted with writing it, as words that follow
   * {@code its group NAME} in parentheses ({@code members other than alice: bob, www-data}); empty
   * when the group is its owner's alone. Names are as the account files hold them: escape them.
   *
   * @param attributes {@code path}'s, as the caller read them (links followed or not)
   */
  public Optional<String> othersThanOwner(Path path, PosixFileAttributes attributes) {
    String owner = attributes.owner().getName();
    String group = attributes.group().getName();
    OptionalInt gid = OptionalInt.empty();
    OptionalInt uid = OptionalInt.empty();
    boolean ownerIsRoot = owner.equals("root");
    try {
      if (path.getFileSystem() == FileSystems.getDefault()
          && path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
        // The kernel's numbers, not the names the JDK found for them, say which entry is the group's.
        gid = OptionalInt.of((Integer) Files.getAttribute(path, "unix:gid"));
        uid = OptionalInt.of((Integer) Files.getAttribute(path, "unix:uid"));
        ownerIsRoot |= uid.getAsInt() == 0;
      }
    } catch (IOException | RuntimeException e) {
      return Optional.of("who is in it cannot be read: " + e.getMessage());
    }
    List<String[]> groups;
    List<String[]> accounts;
    try {
      groups = entries(GROUP, 4);
      accounts = entries(PASSWD, 7);
    } catch (IOException e) {
      return Optional.of("who is in it cannot be read: " + reason(e));
    } catch (DelegatedException e) {
      return Optional.of("who is in it cannot be told: " + e.getMessage() + " hands entries to NIS");
    }
    // The owner's names: an alias with the same uid (toor, root's) is the owner, not another member.
    Set<String> owners = new LinkedHashSet<>(List.of(owner));
    for (String[] account : accounts) {
      if (uid.isPresent() && account[2].equals(Integer.toString(uid.getAsInt()))) {
        owners.add(account[0]);
      }
    }
    Set<String> names = new LinkedHashSet<>();
    Set<String> others = new LinkedHashSet<>();
    List<String> ids = new ArrayList<>();
    for (String[] entry : groups) {
      if (gid.isPresent() ? entry[2].equals(Integer.toString(gid.getAsInt())) : entry[0].equals(group)) {
        names.add(entry[0]);
        ids.add(entry[2]);
        for (String member : entry[3].split(",", -1)) {
          if (!member.isBlank() && !owners.contains(member.strip())) {
            others.add(member.strip());
          }
        }
      }
    }
    if (names.isEmpty()) {
      return Optional.of("not listed in " + GROUP);
    }
    for (String[] account : accounts) {
      if (ids.contains(account[3]) && !owners.contains(account[0])) {
        others.add(account[0]);
      }
    }
    if (!others.isEmpty()) {
      List<String> all = List.copyOf(others);
      String named = String.join(", ", all.subList(0, Math.min(NAMED, all.size())));
      return Optional.of(
          "members other than " + owner + ": " + named
              + (all.size() > NAMED ? " and " + (all.size() - NAMED) + " more" : ""));
    }
    boolean rootsGroup = ownerIsRoot && ids.contains("0");
    if (names.stream().noneMatch(owners::contains) && !rootsGroup) {
      return Optional.of("not " + owner + "'s own group");
    }
    return Optional.empty();
  }

  /** The entries of an account file, each split into at least {@code fields} fields. */
  private List<String[]> entries(String file, int fields) throws IOException {
    List<String[]> entries = new ArrayList<>();
    for (String line : source.read(file).split("\n")) {
      if (line.startsWith("+") || line.startsWith("-")) {
        throw new DelegatedException(file);
      }
      String[] entry = line.split(":", -1);
      if (!line.startsWith("#") && entry.length >= fields) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static String reason(IOException e) {
    String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + " " : "";
    return file + FileReasons.of(e);
  }

  /** An account file whose entries continue in NIS, which hostpki does not ask. */
  private static final class DelegatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DelegatedException(String file) {
      super(file, null, false, false);
    }
  }
}
