package org.hostpki.host;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.files.FileReasons;
import org.hostpki.files.FileTooLargeException;
import org.hostpki.files.NotARegularFileException;
import org.hostpki.model.DnsName;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;

/**
 * The host identity of the machine this runs on (Linux).
 *
 * <ul>
 *   <li>Host name: {@code <root>/proc/sys/kernel/hostname} up to the first dot, lower-case.
 *   <li>Domain, first found: {@code host.domain}; the rest of a fully qualified host name; the
 *       canonical name of the first line of {@code <root>/etc/hosts} naming the host, when it is
 *       {@code <hostname>.<domain>} (what {@code hostname -f} says); the {@code domain} or first
 *       {@code search} entry of {@code <root>/etc/resolv.conf}; when /etc/hosts has no line for the
 *       host, the resolver's canonical name for the host name when it is {@code <hostname>.<domain>}
 *       (bounded by a time limit, two seconds by default); else none. A placeholder domain ({@code
 *       localdomain}) is left out with a note, and the next source gives the domain.
 *   <li>Addresses: those of interfaces that are up and not loopback nor ignored, without loopback,
 *       link-local, multicast and wildcard addresses and without IPv6 zone ids.
 * </ul>
 */
public final class LiveHostIdentityProbe implements HostIdentityProbe {

  /** How long the canonical-name lookup may take before the domain counts as unknown. */
  public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  private final Path root;
  private final NetworkInterfaces interfaces;
  private final BoundedLookup canonicalNames;

  /**
   * @param root the file-system root the host's files are read under, normally {@code /}
   * @param interfaces the network interfaces
   * @param canonicalNames the resolver's canonical-name lookup; may block, it is bounded here
   * @param lookupTimeout how long {@code canonicalNames} may take
   */
  public LiveHostIdentityProbe(
      Path root,
      NetworkInterfaces interfaces,
      CanonicalNameLookup canonicalNames,
      Duration lookupTimeout) {
    this.root = Objects.requireNonNull(root, "root");
    this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
    this.canonicalNames = new BoundedLookup(canonicalNames, lookupTimeout);
  }

  /** With the {@link #DEFAULT_LOOKUP_TIMEOUT default} lookup time limit. */
  public LiveHostIdentityProbe(
      Path root, NetworkInterfaces interfaces, CanonicalNameLookup canonicalNames) {
    this(root, interfaces, canonicalNames, DEFAULT_LOOKUP_TIMEOUT);
  }

  /** The probe of this machine: its root file system, its interfaces, its resolver. */
  public static LiveHostIdentityProbe system() {
    Path root = FileSystems.getDefault().getPath("/");
    return new LiveHostIdentityProbe(
        root, NetworkInterfaces.system(root), CanonicalNameLookup.system());
  }

  @Override
  public HostIdentity identify(HostSpec spec) {
    return SpecOverrides.identify(spec, new Detection());
  }

  /** Detection of each part, done only when the spec does not give that part. */
  private final class Detection implements HostDetection {
    private final List<HostIdentity.Note> notes = new ArrayList<>();

    @Override
    public HostName hostname() {
      Path file = root.resolve("proc/sys/kernel/hostname");
      String text;
      try {
        text = HostFiles.text(file).strip();
      } catch (IOException e) {
        throw cannotDetect("the host name", cannotRead(file, e), "host.hostname");
      }
      if (text.isEmpty() || text.equals("(none)")) {
        throw cannotDetect(
            "the host name", "the kernel has none set (" + file + ")", "host.hostname");
      }
      return HostName.parse(text)
          .orElseThrow(
              () ->
                  cannotDetect(
                      "the host name",
                      "the kernel host name '" + TerminalText.escape(text) + "' (" + file
                          + ") is not a valid DNS name: it "
                          + TerminalText.escape(HostName.problem(text).orElseThrow()),
                      "host.hostname"));
    }

    /**
     * The domain from /etc/hosts, as {@code hostname -f} finds it; else resolv.conf's; else the
     * resolver's, asked only when /etc/hosts has no line for the host (it would answer from that
     * line). Found: with {@code 192.0.2.10 web1.corp.example web1} in /etc/hosts, the FQDN {@code
     * hostname -f}, Ansible and Facter name, and a DHCP server's {@code search lab.example} in
     * resolv.conf, the certificate named web1.lab.example and not web1.corp.example.
     */
    @Override
    public Optional<String> domain(String shortName) {
      Optional<HostsFile.Entry> hostsLine = hostsEntry(shortName);
      Optional<String> fromHosts = hostsLine.flatMap(e -> e.domain(shortName));
      fromHosts
          .filter(HostName::placeholderDomain)
          .ifPresent(
              d ->
                  notes.add(
                      SpecOverrides.placeholderDomainNote(
                          TerminalText.escape(
                              root.resolve("etc/hosts") + ":" + hostsLine.get().line() + ": the name '"
                                  + shortName + "." + d + "'"),
                          d)));
      if (fromHosts.isPresent() && !HostName.placeholderDomain(fromHosts.get())) {
        return fromHosts;
      }
      Path file = root.resolve("etc/resolv.conf");
      Optional<ResolvConf.Entry> entry = resolvConfEntry(file);
      Optional<String> declared = entry.flatMap(ResolvConf.Entry::domain);
      declared
          .filter(HostName::placeholderDomain)
          .ifPresent(
              d ->
                  notes.add(
                      SpecOverrides.placeholderDomainNote(
                          TerminalText.escape(file.toString()) + ":" + entry.get().line() + ": the "
                              + entry.get().keyword() + " entry",
                          d)));
      Optional<String> domain =
          declared
              .filter(d -> !HostName.placeholderDomain(d))
              .or(() -> hostsLine.isPresent() ? Optional.empty() : canonicalNameDomain(shortName));
      entry.ifPresent(e -> e.problem().ifPresent(why -> notes.add(leftOut(file, e, why, domain))));
      hostsLine.ifPresent(
          e ->
              e.problem(shortName)
                  .ifPresent(why -> notes.add(leftOut(root.resolve("etc/hosts"), e, why, domain, file))));
      return domain;
    }

    @Override
    public List<HostIdentity.Note> notes() {
      return List.copyOf(notes);
    }

    @Override
    public List<InetAddress> addresses(List<String> ignoreInterfaces) {
      List<NetworkInterfaces.Nic> nics;
      try {
        nics = interfaces.list();
      } catch (IOException | RuntimeException e) {
        throw cannotDetect(
            "the host's addresses",
            "the network interfaces cannot be listed (" + describe(e) + ")",
            "host.addresses");
      }
      return IdentityAddresses.select(nics, ignoreInterfaces);
    }

    /**
     * The /etc/hosts line naming the host; empty when there is none, or the file cannot be read
     * (missing, a blocklist larger than a host file may be): then the resolver is asked, as before.
     */
    private Optional<HostsFile.Entry> hostsEntry(String shortName) {
      try {
        return HostsFile.entry(HostFiles.text(root.resolve("etc/hosts")), shortName);
      } catch (IOException | RuntimeException unreadable) {
        return Optional.empty();
      }
    }

    private Optional<ResolvConf.Entry> resolvConfEntry(Path file) {
      try {
        return ResolvConf.entry(HostFiles.text(file));
      } catch (NoSuchFileException noDnsConfiguration) {
        return Optional.empty();
      } catch (IOException e) {
        throw cannotDetect("the host's domain", cannotRead(file, e), "host.domain");
      }
    }

    /**
     * Only an answer of the form {@code <hostname>.<domain>} says something about this host; a
     * placeholder domain ({@code web1.localdomain} from /etc/hosts) is noted and left out.
     */
    private Optional<String> canonicalNameDomain(String shortName) {
      Optional<String> domain =
          canonicalNames
              .canonicalName(shortName)
              .flatMap(DnsName::fromHost)
              .map(DnsName::value)
              .filter(name -> name.startsWith(shortName + ".") && !shortName.equals("localhost"))
              .map(name -> name.substring(shortName.length() + 1));
      domain
          .filter(HostName::placeholderDomain)
          .ifPresent(
              d ->
                  notes.add(
                      SpecOverrides.placeholderDomainNote(
                          "the resolver's name for " + shortName + ", " + shortName + "." + d
                              + " (from /etc/hosts, most often),",
                          d)));
      return domain.filter(d -> !HostName.placeholderDomain(d));
    }
  }

  /**
   * The note on a resolv.conf entry that names no domain: the resolver takes it as it is, so
   * nothing else points at the typo that leaves the host's FQDN out of its certificate.
   */
  private static HostIdentity.Note leftOut(
      Path file, ResolvConf.Entry entry, String why, Optional<String> domain) {
    return new HostIdentity.Note(
        HostIdentity.Note.Kind.HOST_FILE,
        TerminalText.escape(
            file + ":" + entry.line() + ": " + entry.keyword() + " entry '" + entry.value()
                + "' left out, so "
                + domain
                    .map(d -> "the host's domain is " + d + ", from the resolver")
                    .orElse("the host has no domain")
                + ": it " + why + "; correct it, or set host.domain in the desired state"));
  }

  /**
   * The note on the /etc/hosts line naming the host whose first name, {@code <hostname>.<domain>},
   * is no DNS name: {@code hostname -f} and Ansible give that name, and the certificate silently
   * named the host under resolv.conf's domain instead. Found in a trial: {@code 192.0.2.10
   * web1.bücher.example web1} with {@code search lab.example} gave web1.lab.example, unsaid.
   */
  private static HostIdentity.Note leftOut(
      Path hosts, HostsFile.Entry entry, String why, Optional<String> domain, Path resolvConf) {
    return new HostIdentity.Note(
        HostIdentity.Note.Kind.HOST_FILE,
        TerminalText.escape(
            hosts + ":" + entry.line() + ": the name '" + entry.canonicalName() + "' left out, so "
                + domain
                    .map(d -> "the host's domain is " + d + ", from " + resolvConf)
                    .orElse("the host has no domain")
                + ": it " + why + "; correct it, or set host.domain in the desired state"));
  }

  private static HostpkiException cannotDetect(String part, String why, String yamlKey) {
    return new HostpkiException(
        "could not detect "
            + part
            + ": "
            + why
            + "; set "
            + yamlKey
            + " in the desired state to give it instead");
  }

  private static String cannotRead(Path file, IOException e) {
    return "cannot read " + file + " (" + describe(e) + ")";
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof NotARegularFileException || e instanceof FileTooLargeException) {
      return "it " + ((FileSystemException) e).getReason();
    }
    if (e instanceof FileSystemException f) {
      return FileReasons.cause(f);
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
