package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a Linux family keeps its system trust store: where a local CA goes, the tool that takes it
 * up, the bundle that tool writes, and the Java {@code cacerts} it rebuilds too.
 *
 * @param root the file system root everything is under ({@code /}, or a test's directory)
 * @param anchors the directory for local CA files
 * @param suffix the file name ending the tool looks for
 * @param bundle the PEM bundle the tool writes, which clients read
 * @param javaKeystore the Java {@code cacerts} the tool rebuilds from the same sources, when it
 *     does (then Java is installed through the system store, as one target)
 */
public record SystemTrustLayout(
    Family family, Path root, Path anchors, String suffix, Path bundle, Optional<Path> javaKeystore) {

  public enum Family {
    /** Debian, Ubuntu and their derivatives: ca-certificates' update-ca-certificates. */
    DEBIAN("Debian/Ubuntu", "update-ca-certificates", "ca-certificates"),
    /** Fedora, RHEL, CentOS, Rocky, Alma: p11-kit's update-ca-trust. */
    FEDORA("Fedora/RHEL", "update-ca-trust", "ca-certificates");

    private final String description;
    private final String tool;
    private final String packageName;

    Family(String description, String tool, String packageName) {
      this.description = description;
      this.tool = tool;
      this.packageName = packageName;
    }

    public String description() {
      return description;
    }

    /** The tool that takes up the anchors. */
    public String tool() {
      return tool;
    }

    public String packageName() {
      return packageName;
    }
  }

  /** Debian's hook that hands the changes to ca-certificates-java. */
  static final String JAVA_HOOK = "etc/ca-certificates/update.d/jks-keystore";

  /** The name of {@link #lockFile()}. */
  static final String LOCK_FILE = ".hostpki.lock";

  private static final Pattern CACERTS_UPDATES =
      Pattern.compile("^\\s*cacerts_updates=([\"']?)([A-Za-z]*)\\1\\s*$", Pattern.MULTILINE);

  /**
   * The layout of the system under {@code root}, or empty when it is neither family. Fedora is
   * looked for first, as mkcert does: its anchors directory exists only there, while a Fedora
   * host may have a stray {@code /usr/local/share/ca-certificates}.
   */
  public static Optional<SystemTrustLayout> detect(Path root) {
    Path fedoraAnchors = root.resolve("etc/pki/ca-trust/source/anchors");
    if (Files.isDirectory(fedoraAnchors)) {
      Path extracted = root.resolve("etc/pki/ca-trust/extracted");
      Path java = extracted.resolve("java/cacerts");
      return Optional.of(
          new SystemTrustLayout(
              Family.FEDORA,
              root,
              fedoraAnchors,
              ".pem",
              extracted.resolve("pem/tls-ca-bundle.pem"),
              Files.exists(java) ? Optional.of(java) : Optional.empty()));
    }
    Path debianAnchors = root.resolve("usr/local/share/ca-certificates");
    if (Files.isDirectory(debianAnchors) && Files.isRegularFile(root.resolve("etc/ca-certificates.conf"))) {
      Path java = root.resolve("etc/ssl/certs/java/cacerts");
      boolean javaFollows =
          Files.isExecutable(root.resolve(JAVA_HOOK)) && Files.exists(java) && debianJavaUpdatesEnabled(root);
      return Optional.of(
          new SystemTrustLayout(
              Family.DEBIAN,
              root,
              debianAnchors,
              ".crt",
              root.resolve("etc/ssl/certs/ca-certificates.crt"),
              javaFollows ? Optional.of(java) : Optional.empty()));
    }
    return Optional.empty();
  }

  /**
   * ca-certificates-java updates {@code cacerts} only when {@code /etc/default/cacerts} says
   * {@code cacerts_updates=yes} (its postinst tests exactly that, so a missing line disables it).
   */
  private static boolean debianJavaUpdatesEnabled(Path root) {
    try {
      Optional<byte[]> text = InstallFiles.read(root.resolve("etc/default/cacerts"), 64 * 1024, true);
      if (text.isEmpty()) {
        return false;
      }
      Matcher m = CACERTS_UPDATES.matcher(new String(text.get(), StandardCharsets.UTF_8));
      String last = null;
      while (m.find()) {
        last = m.group(2);
      }
      return "yes".equals(last);
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code hostpki-NAME.crt} (Debian) or {@code hostpki-NAME.pem} (Fedora). */
  String fileName(String entryName) {
    return org.hostpki.model.InstallEntryNames.MARK + entryName + suffix;
  }

  /**
   * The file whose lock keeps two stores' installs into this system store apart ({@link
   * TargetLock}): hidden, where the family's tool reads nothing of it. Debian's
   * update-ca-certificates takes only {@code *.crt} from the anchors directory; Fedora's p11-kit
   * reads every file among its anchors, but nothing at the top of {@code extracted/} (the anchors
   * directory only where that is missing: the file is then one p11-kit cannot parse and skips).
   */
  Path lockFile() {
    Path extracted = root.resolve("etc/pki/ca-trust/extracted");
    Path folder = family == Family.FEDORA && Files.isDirectory(extracted) ? extracted : anchors;
    return folder.resolve(LOCK_FILE);
  }

  /** Debian: the link update-ca-certificates makes in /etc/ssl/certs for an anchor file. */
  Path debianLink(String entryName) {
    return root.resolve("etc/ssl/certs").resolve(org.hostpki.model.InstallEntryNames.MARK + entryName + ".pem");
  }

  /** Debian: the cacerts alias ca-certificates-java gives an anchor file's link. */
  static String debianJavaAlias(String entryName) {
    return "debian:" + org.hostpki.model.InstallEntryNames.MARK + entryName + ".pem";
  }

  /** Debian: the jks-keystore hook. */
  Path debianJavaHook() {
    return root.resolve(JAVA_HOOK);
  }

  /**
   * The command that takes the anchors up. Debian's plain run does not notice a file that was
   * removed or rewritten (it neither drops the link nor tells ca-certificates-java), so then it
   * runs with {@code --fresh}. Outside the real root, Debian's tool is pointed at the root's
   * directories with its own options (Fedora's has none: there a test's stand-in knows its root).
   */
  List<String> refreshCommand(Path tool, boolean removedOrRewritten) {
    List<String> command = new ArrayList<>();
    command.add(tool.toString());
    if (family == Family.FEDORA) {
      command.add("extract");
      return command;
    }
    if (removedOrRewritten) {
      command.add("--fresh");
    }
    if (!root.equals(root.getFileSystem().getPath("/"))) {
      command.addAll(
          List.of(
              "--certsconf", root.resolve("etc/ca-certificates.conf").toString(),
              "--certsdir", root.resolve("usr/share/ca-certificates").toString(),
              "--localcertsdir", anchors.toString(),
              "--etccertsdir", root.resolve("etc/ssl/certs").toString(),
              "--hooksdir", root.resolve("etc/ca-certificates/update.d").toString()));
    }
    return command;
  }

  /** What the plan shows about this target. */
  public String describe() {
    String where = anchors + "/" + org.hostpki.model.InstallEntryNames.MARK + "NAME" + suffix + ", then " + family.tool()
        + (family == Family.FEDORA ? " extract" : "");
    return javaKeystore
        .map(j -> where + " (also Java's " + j + ", which " + family.tool() + " rebuilds)")
        .orElse(where);
  }
}
