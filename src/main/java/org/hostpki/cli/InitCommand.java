package org.hostpki.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.hostpki.files.FileReasons;
import org.hostpki.files.KernelPaths;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.store.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/**
 * {@code hostpki init}: writes a desired state to start from, commented, with what this host's
 * identity is now and the {@code $schema} line that lets an editor check it. It never replaces a
 * file. What it detects goes into comments only (escaped): a hostile host name can change no
 * setting.
 */
@Command(
    name = "init",
    description =
        "Write a desired-state file to start from, with this host's detected identity in its"
            + " comments and the schema line editors check it by. Never replaces a file.",
    footer = {
      "",
      "Examples:",
      "  hostpki init              # /etc/hostpki/host.yaml, where commands look",
      "  hostpki init -o host.yaml && hostpki plan host.yaml",
      "  hostpki init -o - | less",
      "",
      "The store is /var/lib/hostpki/pki for a file in /etc/hostpki (the layout of the systemd units), else pki beside the file.",
      "",
      "Exit codes:",
      "  0   written",
      "  1   error: the file exists, or cannot be written; nothing was written",
      "  64  usage error"
    })
final class InitCommand implements Callable<Integer> {
  /** Where the shipped units keep the store of {@link DesiredStateFile#DEFAULT}. */
  static final String SYSTEM_STORE = "/var/lib/hostpki/pki";

  static final String SCHEMA_FILE = "hostpki-v1.schema.json";

  private final Environment environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      completionCandidates = Completion.Files.class,
      description =
          "Write it to FILE, which must not exist (default: $" + DesiredStateFile.VARIABLE + ", else "
              + DesiredStateFile.DEFAULT + "); - is standard output.")
  String target;

  InitCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    String named =
        target != null
            ? target
            : environment.variable(DesiredStateFile.VARIABLE).filter(v -> !v.isBlank()).orElse(DesiredStateFile.DEFAULT);
    boolean toStandardOutput = OutputOption.STANDARD_OUTPUT.equals(named);
    Path path = toStandardOutput ? null : environment.resolve(named);
    if (path != null && KernelPaths.goesUp(path)) {
      // OutputFile takes the names as they stand: it would write beside the link, not where '..' leads
      throw new CommandLine.ParameterException(spec.commandLine(), named + " " + KernelPaths.goesUpAdvice());
    }
    boolean system = path == null || path.startsWith(environment.resolve(DesiredStateFile.DEFAULT).getParent());
    HostIdentity host;
    Optional<String> undetected = Optional.empty();
    Optional<String> noAddresses = Optional.empty();
    try {
      host = environment.hostProbe().identify(HostSpec.defaults());
    } catch (HostpkiException e) {
      // A kernel host name hostpki cannot use (web_01): the file to write is where host.hostname
      // goes, so write it all the same, with the reason in its comments.
      host = new HostIdentity("localhost", Optional.empty(), List.of());
      undetected = Optional.of(e.headline());
    }
    if (host.addresses().size() > ServerSpec.MAX_SUBJECT_ALT_NAMES) {
      // The file's server certificate includes the host identity: the plan would refuse it, so
      // the file asks for the addresses clients use instead of listing them all.
      noAddresses = Optional.of(tooManyAddresses(host.addresses().size()));
      host = new HostIdentity(host.hostname(), host.domain(), List.of(), host.notes());
    }
    String text = text(host, undetected, noAddresses, system ? SYSTEM_STORE : "pki", schema());
    TerminalWriter err = TerminalWriter.of(spec.commandLine().getErr());
    (undetected.isPresent() ? undetected : noAddresses).ifPresent(why -> err.println("warning: " + why));
    if (toStandardOutput) {
      TerminalWriter out = TerminalWriter.of(spec.commandLine().getOut());
      out.print(text);
      out.flush();
      return ExitCodes.OK;
    }
    if (target == null) {
      makeFolder(path.getParent()); // /etc/hostpki on a fresh host
    }
    OutputFile file = OutputFile.at(path);
    file.create(
        text.getBytes(StandardCharsets.UTF_8),
        "edit it, or choose another name with -o FILE (" + spec.qualifiedName() + " -o - prints it)");
    err.println("Wrote " + file.path() + ": a desired state for " + (undetected.isPresent() ? "this host (set host.hostname in it)" : named(host))
        + (noAddresses.isPresent() ? " (set host.addresses or host.ignoreInterfaces in it)" : "") + ".");
    // The default is where commands look; another file is named.
    Object[] validate = target == null ? new Object[] {"validate"} : new Object[] {"validate", named};
    Object[] plan = target == null ? new Object[] {"plan"} : new Object[] {"plan", named};
    err.println("Next: edit it, then '" + ShellCommand.hostpki(validate) + "' and '" + ShellCommand.hostpki(plan) + "'.");
    err.flush();
    return ExitCodes.OK;
  }

  private static String tooManyAddresses(int count) {
    return "the host has " + count + " addresses on interfaces that are up, more than the "
        + ServerSpec.MAX_SUBJECT_ALT_NAMES + " one certificate can carry (TLS clients refuse larger"
        + " ones): list those clients connect to in host.addresses, or leave interfaces out with"
        + " host.ignoreInterfaces";
  }

  /** The host as the summary line names it: {@code web01.example.com (192.0.2.10, 2001:db8::1)}. */
  private static String named(HostIdentity host) {
    String name = TerminalText.escape(host.fqdn().orElse(host.hostname()));
    return host.addresses().isEmpty()
        ? name
        : name + " (" + String.join(", ", host.addresses().stream().map(IpAddresses::format).toList()) + ")";
  }

  /**
   * Creates the default file's folder, {@code /etc/hostpki}, when it is missing: mode 0755 exactly,
   * as the guide's {@code install -d -m 0755} (root's umask 002 made it 0775), with each missing
   * folder above it.
   */
  private static void makeFolder(Path folder) {
    if (folder == null || Files.isDirectory(folder)) {
      return;
    }
    try {
      makeFolders(folder);
    } catch (IOException e) {
      throw new HostpkiException(
          "cannot create " + folder + ": " + FileReasons.cause(e) + "; create it (as root for /etc), or write the file elsewhere with -o FILE");
    }
  }

  private static void makeFolders(Path folder) throws IOException {
    makeFolders(folder, made -> {});
  }

  /** A folder of the default file's path, as {@link #makeFolder} makes it. */
  static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

  /**
   * Makes each missing folder of {@code folder}'s path 0755, never through a link: a user who can
   * write a folder on the way (HOSTPKI_CONFIG under /tmp) could swap a folder just made for a link
   * to any file, and a chmod by name as root would follow it (rvsec16). Each folder is made with
   * the mode (the umask can only take from it), then opened without following links from its
   * parent, itself held open, and its mode set on that handle when the umask took some away.
   *
   * @param made told each folder just made, before its mode is set (a test swaps it for a link)
   */
  static void makeFolders(Path folder, Consumer<Path> made) throws IOException {
    List<Path> missing = new ArrayList<>();
    Path existing = folder.toAbsolutePath();
    for (; existing != null && !Files.isDirectory(existing); existing = existing.getParent()) {
      missing.add(0, existing);
    }
    if (existing == null || missing.isEmpty()) {
      return;
    }
    DirectoryStream<Path> held = Files.newDirectoryStream(existing);
    try {
      for (Path next : missing) {
        boolean ours = true;
        try {
          Files.createDirectory(next, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
        } catch (FileAlreadyExistsException e) {
          if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(next + " exists and is no folder (a link is not followed)", e);
          }
          ours = false; // made meanwhile by another run: its mode is its maker's
        }
        made.accept(next);
        if (!(held instanceof SecureDirectoryStream<Path> parent)) {
          throw new IOException("this platform cannot open a folder without following links");
        }
        SecureDirectoryStream<Path> opened;
        try {
          opened = parent.newDirectoryStream(next.getFileName(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          throw new IOException(
              next + " was replaced while hostpki made it (by a link or a file?), and it is not followed: "
                  + FileReasons.cause(e), e);
        }
        held.close();
        held = opened;
        if (ours) {
          PosixFileAttributeView view = opened.getFileAttributeView(PosixFileAttributeView.class);
          if (!view.readAttributes().permissions().equals(FOLDER_MODE)) {
            view.setPermissions(FOLDER_MODE); // on the folder held open, not on the name
          }
        }
      }
    } finally {
      held.close();
    }
  }

  /**
   * The installed schema: {@code schema/} beside the folder of hostpki's jar — the checkout
   * (target/), the tarball and the package (lib/, /usr/share/hostpki/lib) all have it there.
   */
  static Optional<Path> schema() {
    try {
      Path code = Path.of(InitCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path d = code.getParent(); d != null && d.getNameCount() >= code.getNameCount() - 3; d = d.getParent()) {
        Path schema = d.resolve("schema").resolve(SCHEMA_FILE);
        if (Files.isRegularFile(schema)) {
          return Optional.of(schema);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source on the file system: no schema line
    }
    return Optional.empty();
  }

  /**
   * The file: constant settings, and what was detected in comments, each one line, escaped.
   *
   * @param undetected why the host's identity could not be detected (then {@code host} is a
   *     placeholder and the file asks for {@code host.hostname})
   * @param noAddresses why the host's addresses could not be detected (then the file asks for
   *     {@code host.addresses} or {@code host.ignoreInterfaces})
   */
  static String text(
      HostIdentity host, Optional<String> undetected, Optional<String> noAddresses, String store, Optional<Path> schema) {
    String name = undetected.isPresent() ? "this host" : TerminalText.escape(host.fqdn().orElse(host.hostname()));
    List<String> addresses = host.addresses().stream().map(InitCommand::address).toList();
    // No names for a placeholder host name (localhost), no addresses before the network is up.
    List<String> covered = new ArrayList<>(host.dnsNames().stream().map(TerminalText::escape).toList());
    covered.addAll(addresses);
    String identity = covered.isEmpty() || undetected.isPresent() ? "(none detected now)" : String.join(", ", covered);
    StringBuilder y = new StringBuilder();
    schema.ifPresent(s -> y.append("# yaml-language-server: $schema=").append(TerminalText.escape(s.toString())).append('\n'));
    y.append("# hostpki desired state for ").append(name).append(", written by 'hostpki init'.\n")
        .append("# Every key is described in the schema (man 5 hostpki.yaml); 'hostpki validate'\n")
        .append("# checks this file, 'hostpki plan' shows what 'hostpki apply' would do.\n")
        .append("apiVersion: hostpki/v1\n")
        .append('\n')
        .append("store:\n")
        .append("  path: ").append(store).append("   # keys and certificates (relative: to this file's folder)\n")
        .append("  # password: {file: /etc/hostpki/p12-password}   # also write server.p12 and truststore.p12\n")
        .append('\n')
        .append("# The host's names and addresses are detected at every run, and the server\n")
        .append("# certificate follows them. Detected now:\n")
        .append("#   host name ")
        .append(undetected.map(why -> "(not detected: " + TerminalText.escape(why) + ")").orElse(TerminalText.escape(host.hostname())))
        .append('\n')
        .append("#   domain    ").append(host.domain().map(TerminalText::escape).orElse("(none)")).append('\n')
        .append("#   addresses ")
        .append(noAddresses.map(why -> "(not detected: " + TerminalText.escape(why) + ")")
            .orElse(addresses.isEmpty() ? "(none)" : String.join(", ", addresses)))
        .append('\n')
        .append("host:\n")
        .append("  detect: true\n")
        .append(undetected.isPresent() ? "  # hostname: NAME                   # needed: see 'host name' above\n" : "")
        .append(noAddresses.isPresent() ? "  # addresses: [ADDRESS]             # needed, or ignoreInterfaces: see 'addresses' above\n" : "")
        .append("  # ignoreInterfaces: [docker0]        # addresses that are not for clients\n")
        .append('\n')
        .append("ca:\n")
        .append("  # subject: {commonName: Example Corp Portal CA, organization: Example Corp}\n")
        .append("  #   (default: the host name, e.g. CN=").append(undetected.isPresent() ? "NAME" : TerminalText.escape(host.hostname())).append(" hostpki CA)\n")
        .append("  key: {algorithm: EC, curve: P-256}\n")
        .append("  validity: 3650d\n")
        .append("  renewBefore: 90d\n")
        .append("  # rotation: {overlap: 7d}            # replace the CA in three steps, without an outage\n")
        .append('\n')
        .append("server:\n")
        .append("  includeHostIdentity: true           # the names and addresses above:\n")
        .append("  #   ").append(identity).append('\n')
        .append("  # dnsNames: [portal.example.com]     # more names clients use\n")
        .append("  key: {algorithm: EC, curve: P-256}\n")
        .append("  validity: 398d\n")
        .append("  renewBefore: 33%                    # renew when two thirds of its lifetime have passed\n")
        .append('\n')
        .append("# trust:                                # certificates this host trusts\n")
        .append("#   directories: [/etc/hostpki/trusted.d]\n")
        .append('\n')
        .append("# renewal:                              # when unattended runs may renew\n")
        .append("#   windows: [{days: [Sat, Sun], start: \"02:00\", end: \"05:00\"}]\n")
        .append('\n')
        .append("# hooks:\n")
        .append("#   afterServerChange:                   # argument lists, no shell\n")
        .append("#     - [systemctl, try-reload-or-restart, nginx]\n");
    return y.toString();
  }

  private static String address(InetAddress address) {
    return IpAddresses.format(address);
  }
}
