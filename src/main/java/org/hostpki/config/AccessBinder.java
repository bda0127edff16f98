package org.hostpki.config;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.FileMode;
import org.hostpki.model.ShellCommand;

/**
 * Owner, group and mode as declared ({@code store.access}, an output's own). A user or group is
 * looked up in the user database of the file system the desired state lives on, the one {@code
 * chown} will use (on Linux the JDK asks {@code getpwnam}/{@code getgrnam}, so NSS sources count
 * as they do for chown); a name it does not know is an error naming it. A number is taken as is.
 * A file system without users (an in-memory one in tests) accepts every name. For {@code
 * validate}, run in CI on files meant for other hosts, an unknown name is a warning instead, saying
 * that apply on a host without it refuses it; plan and apply keep the error.
 */
final class AccessBinder {
  private final Fields fields;
  private final UserPrincipalLookupService accounts;
  private final Map<String, Boolean> knownUsers = new HashMap<>();
  private final Map<String, Boolean> knownGroups = new HashMap<>();

  private final boolean accountsElsewhere;

  /** @param accountsElsewhere an unknown name is a warning (validate), not an error (plan, apply) */
  AccessBinder(Fields fields, boolean accountsElsewhere) {
    this.fields = fields;
    this.accountsElsewhere = accountsElsewhere;
    this.accounts = fields.folder().getFileSystem().getUserPrincipalLookupService();
  }

  /**
   * The owner, group and mode set in {@code m}.
   *
   * @param what the file or files they are for, in words, for messages ({@code files that hold
   *     the private key})
   * @param limit the widest mode allowed
   */
  AccessSpec bind(YamlNode.Mapping m, String what, FileMode limit) {
    Optional<String> owner = fields.string(m, "owner").filter(this::userExists).map(Fields.Given::value);
    Optional<String> group = fields.string(m, "group").filter(this::groupExists).map(Fields.Given::value);
    Optional<FileMode> mode = fields.string(m, "mode").flatMap(text -> mode(text, what, limit));
    return new AccessSpec(owner, group, mode);
  }

  private Optional<FileMode> mode(Fields.Given<String> text, String what, FileMode limit) {
    Optional<FileMode> mode = FileMode.parse(text.value());
    if (mode.isEmpty()) {
      return Optional.empty(); // reported by the schema check
    }
    YamlNode node = text.node();
    FileMode beyond = mode.get().beyond(limit);
    if (beyond.bits() != 0) {
      fields.error(
          node,
          node.displayName() + " '" + text.value() + "' allows more than " + what + " may allow ("
              + describe(beyond) + "); the widest mode for them is " + limit + ", e.g. mode: \""
              + new FileMode(mode.get().bits() & limit.bits()) + "\"");
      return Optional.empty();
    }
    if (!mode.get().ownerCanRead()) {
      fields.error(
          node,
          node.displayName() + " '" + text.value() + "' does not let the owner read the file; give"
              + " the owner at least read access, e.g. mode: \"" + new FileMode(mode.get().bits() | 0400) + "\"");
      return Optional.empty();
    }
    return mode;
  }

  /** The bits in words: {@code others may read}, {@code the group may write}. */
  private static String describe(FileMode beyond) {
    int bits = beyond.bits();
    java.util.List<String> parts = new java.util.ArrayList<>();
    if ((bits & 0111) != 0) {
      parts.add("it is executable");
    }
    if ((bits & 0020) != 0) {
      parts.add("the group may write");
    }
    if ((bits & 0006) != 0) {
      parts.add("others may " + ((bits & 0006) == 0006 ? "read and write" : (bits & 0004) != 0 ? "read" : "write"));
    }
    if ((bits & 0040) != 0) {
      parts.add("the group may read");
    }
    return String.join(", ", parts);
  }

  private boolean userExists(Fields.Given<String> name) {
    boolean known =
        knownUsers.computeIfAbsent(name.value(), n -> exists(() -> accounts.lookupPrincipalByName(n)));
    if (!known) {
      unknown(
          name, "is not a user on this host", "create the user first (the service's package usually does)");
    }
    return known || accountsElsewhere;
  }

  private boolean groupExists(Fields.Given<String> name) {
    boolean known =
        knownGroups.computeIfAbsent(
            name.value(), n -> exists(() -> accounts.lookupPrincipalByGroupName(n)));
    if (!known) {
      unknown(
          name, "is not a group on this host",
          "create the group first (" + ShellCommand.of("groupadd", "--system", name.value()) + ")");
    }
    return known || accountsElsewhere;
  }

  /** A name an account can have anywhere: the schema's {@code account} pattern. */
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*[$]?");

  /** An account this machine does not know: an error here, a warning for validate. */
  private void unknown(Fields.Given<String> name, String problem, String create) {
    String named = name.node().displayName() + " '" + name.value() + "' " + problem;
    if (accountsElsewhere) {
      if (!ACCOUNT.matcher(name.value()).matches()) {
        return; // no account anywhere: the schema check's error says so
      }
      fields.warning(
          name.node(),
          named + "; apply on a host without it refuses the file: " + create + " on the host it is"
              + " applied on, or correct the name");
    } else {
      fields.error(name.node(), named + "; " + create + ", or correct the name");
    }
  }

  private interface Lookup {
    Object run() throws IOException;
  }

  private static boolean exists(Lookup lookup) {
    try {
      lookup.run();
      return true;
    } catch (UserPrincipalNotFoundException e) {
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      return true; // no user database to ask: apply will find out when it sets the owner
    }
  }
}
