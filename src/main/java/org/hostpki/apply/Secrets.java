package org.hostpki.apply;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.hostpki.files.FileOwners;
import org.hostpki.files.FileReasons;
import org.hostpki.files.GroupMembers;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.files.NotARegularFileException;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.TerminalText;

/** Resolves the store password from where the desired state says it is. */
public final class Secrets {
  private static final String ROOT = "root";

  private final Map<String, String> environment;
  private final String userName;
  private final GroupMembers groups;

  /** Secrets for a process running as the JVM's user ({@code user.name}). */
  public Secrets(Map<String, String> environment) {
    this(environment, FileOwners.processUser());
  }

  /**
   * @param userName the user running hostpki: a password file must be theirs or root's
   */
  public Secrets(Map<String, String> environment, String userName) {
    this(environment, userName, GroupMembers.system());
  }

  /**
   * @param groups who is in a group, for one that may write a password file: only a group that is
   *     the file owner's alone may
   */
  public Secrets(Map<String, String> environment, String userName, GroupMembers groups) {
    this.environment = Map.copyOf(environment);
    this.userName = userName;
    this.groups = groups;
  }

  /**
   * How messages name where a password comes from.
   *
   * @param env what names the variable, e.g. {@code store.password}
   * @param file what names the file, e.g. {@code store.password.file}
   * @param insteadOfEnv the other way to give it, for the hint when the variable is unset
   * @param insteadOfFile the other way to give it, for the hint when the file is unusable
   * @param holding what the file holds, e.g. {@code the password}
   */
  private record Naming(String env, String file, String insteadOfEnv, String insteadOfFile, String holding) {
    /** A desired-state key, {@code {env: ...}} or {@code {file: ...}}. */
    static Naming key(String key, String holding) {
      return new Naming(
          key, key + ".file", "point " + key + ".file at a file holding " + holding,
          "or give it in an environment variable: " + key + ": {env: VARIABLE}", holding);
    }
  }

  private static final Naming STORE = Naming.key("store.password", "the password");
  private static final Naming PREVIOUS = Naming.key("store.previousPassword", "the old password");
  private static final Naming EAB_HMAC = Naming.key("server.acme.externalAccountBinding.hmacKey", "the key");
  private static final Naming OPTION =
      new Naming(
          "--password-env", "--password-file", "give --password-file with a file holding the password",
          "or give --password-env with a variable holding it", "the password");

  private static final Naming JAVA = Naming.key("trust.install.javaPassword", "the password");

  /** The Java trust stores' password of {@code trust.install}, or empty for Java's default. */
  public Optional<char[]> javaPassword(Optional<PasswordSource> source) {
    return source.map(s -> password(s, JAVA));
  }

  /**
   * The password of a Java trust store the install record names and the desired state no longer
   * does: hostpki needs it to remove its entries there.
   */
  public Optional<char[]> recordedPassword(String target, Optional<PasswordSource> source) {
    String what = "the install record's password for " + target + " (to remove hostpki's entries there)";
    String again = "set trust.install.javaPassword to the password's source again";
    return source.map(s -> password(s, new Naming(what, what, again, again, "the password")));
  }

  /** The password, or empty when none is configured. Never logs or echoes the value. */
  public Optional<char[]> password(Optional<PasswordSource> source) {
    return source.map(s -> password(s, STORE));
  }

  /** The password being replaced ({@code store.previousPassword}), or empty when none is set. */
  public Optional<char[]> previousPassword(Optional<PasswordSource> source) {
    return source.map(s -> password(s, PREVIOUS));
  }

  /**
   * A password a command-line option names ({@code --password-env VAR}, {@code --password-file
   * FILE}), read and checked as the store's is; messages name the option.
   */
  public char[] fromOption(PasswordSource source) {
    return password(source, OPTION);
  }

  /** The external account binding's HMAC key ({@code server.acme.externalAccountBinding.hmacKey}). */
  public String acmeHmacKey(PasswordSource source) {
    return new String(password(source, EAB_HMAC));
  }

  private char[] password(PasswordSource source, Naming naming) {
    String at = source.origin().map(SourcePosition::prefix).orElse("");
    if (source instanceof PasswordSource.Env env) {
      String value = environment.get(env.variable());
      if (value == null || value.isEmpty()) {
        throw new HostpkiException(
            at + naming.env() + ": environment variable "
                + TerminalText.escape(env.variable())
                + " is not set or empty; export it before running hostpki, or " + naming.insteadOfEnv());
      }
      if (naming == STORE || naming == JAVA) {
        refuseControlCharacters(value, at + naming.env() + ": environment variable " + TerminalText.escape(env.variable()), naming);
      }
      return value.toCharArray();
    }
    return fromFile(((PasswordSource.File) source).path(), at, naming);
  }

  /**
   * A line break or another control character in a variable that hostpki writes a key store with
   * ({@code store.password}, {@code trust.install.javaPassword}): as in a file, it would silently be
   * part of the password, and key stores written with it open with no password anyone types. A
   * trailing line break is the usual one ({@code echo pw | base64} for a Kubernetes secret). The
   * others are taken as they are: the old password ({@code store.previousPassword}) and an option's
   * open a store written with such a password (to move it to a new one), and the ACME key is
   * stripped where it is used.
   */
  private static void refuseControlCharacters(String value, String name, Naming naming) {
    OptionalInt at = controlCharacter(value);
    if (at.isPresent()) {
      int i = at.getAsInt();
      String what = value.charAt(i) == '\n' && i == value.length() - 1
          ? " ends with a line break, which would be part of " + naming.holding() + " (echo adds one;"
              + " printf '%s' and echo -n do not)"
          : controlCharacterWords(value, i);
      throw new HostpkiException(
          name + what + "; no one could type " + naming.holding() + ": set it to printable text"
              + (naming == STORE
                  ? " (a store written with it opens with it as store.previousPassword, for one apply)"
                  : ""));
    }
  }

  /** Where {@code value} holds a control character other than a tab, if it does. */
  private static OptionalInt controlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  private static String controlCharacterWords(String value, int i) {
    return String.format(Locale.ROOT, " holds the control character U+%04X at character %d", (int) value.charAt(i), i + 1);
  }

  /**
   * The password in a file that only its owner — this user or root — may read or write. Checked
   * in this order, each before the file is opened: that it is a regular file (a FIFO such as
   * {@code /dev/stdin} would block, and advice to chmod a device would break the system), its
   * owner, its mode.
   */
  private char[] fromFile(Path file, String at, Naming naming) {
    String shown = TerminalText.escape(file.toString());
    String name = at + naming.file() + " " + shown;
    try {
      InputFiles.requireRegular(file, InputKind.PASSWORD);
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        requirePrivate(name, file, Files.readAttributes(file, PosixFileAttributes.class));
      }
      byte[] bytes = InputFiles.read(file, InputKind.PASSWORD);
      String value = UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      if (value.startsWith("\uFEFF")) {
        value = value.substring(1); // a byte order mark, as Windows editors save: not the password's
      }
      value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
          : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        throw new HostpkiException(name + " is empty; write " + naming.holding() + " into it, on one line");
      }
      OptionalInt control = controlCharacter(value);
      if (control.isPresent()) {
        char c = value.charAt(control.getAsInt());
        if (c == '\n' || c == '\r') {
          // A blank line at the end, or a note under the password: it would silently become part
          // of it, and a key store written with it opens with no password anyone types.
          throw new HostpkiException(
              name + " holds more than one line; write " + naming.holding() + " alone on its first"
                  + " line (a blank line after it would be part of it too)");
        }
        throw new HostpkiException(
            name + controlCharacterWords(value, control.getAsInt()) + "; no one could type " + naming.holding()
                + ": write it as printable text");
      }
      return value.toCharArray();
    } catch (NotARegularFileException e) {
      throw new HostpkiException(
          name + " " + e.getReason() + "; it must be a regular file that holds " + naming.holding()
              + ": point " + naming.file() + " at one, " + naming.insteadOfFile());
    } catch (CharacterCodingException e) {
      throw new HostpkiException(name + " is not UTF-8 text");
    } catch (NoSuchFileException e) {
      throw new HostpkiException(
          name + " does not exist; create it holding " + naming.holding() + " (mode 0600), " + naming.insteadOfFile());
    } catch (IOException e) {
      throw new HostpkiException(name + " " + FileReasons.of(e));
    }
  }

  private void requirePrivate(String name, Path file, PosixFileAttributes attributes) throws IOException {
    // The file a link points at is what others could read (Kubernetes mounts secrets as links
    // to 0600 files); a link's own mode is always 0777. So these are the target's.
    String owner = attributes.owner().getName();
    if (!FileOwners.isUserOrRoot(file, attributes.owner(), userName)) {
      throw new HostpkiException(
          name + " is owned by " + owner + ", not by the user running"
              + " hostpki (" + userName + ")" + (userName.equals(ROOT) ? "" : " or root")
              + "; its owner could change the password hostpki uses. Run: "
              + TerminalText.escape(ShellCommand.of("chown", userName, file)));
    }
    Set<PosixFilePermission> perms = attributes.permissions();
    if (perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new HostpkiException(
          name + " is readable or writable by other users; run: chmod o-rwx "
              + TerminalText.escape(file.toString()));
    }
    Optional<String> others =
        perms.contains(PosixFilePermission.GROUP_WRITE) ? groups.othersThanOwner(file, attributes) : Optional.empty();
    if (others.isPresent()) {
      // Reading is a group's due (a service that opens the PKCS#12 file); writing is not, unless
      // the group is the owner's alone (umask 002 with user private groups makes files 0664).
      throw new HostpkiException(
          name + " is writable by its group "
              + TerminalText.escape(attributes.group().getName() + " (" + others.get() + ")")
              + ", whose members could change the password hostpki uses; run: chmod g-w "
              + TerminalText.escape(file.toString()));
    }
  }
}
