package org.hostpki.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.install.InstallTargets;
import org.hostpki.install.TrustHost;
import org.hostpki.install.TrustInstaller;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * Runs hostpki's installers on this host as the apply edge will, in a JVM of its own (started in a
 * test's mount namespace): {@code [--system] [--java] [--nss DIR]... [NAME=PEMFILE]...} resolves
 * the targets on the live host and makes each hold exactly the named certificates (none:
 * uninstall). Prints each note, problem and the resulting observation; exits 1 on a problem or a
 * failed install, with the message.
 */
public final class InstallDriver {
  private InstallDriver() {}

  public static void main(String[] args) throws IOException, InvalidMaterialException {
    boolean system = false;
    boolean java = false;
    List<Path> nss = new ArrayList<>();
    SortedMap<String, Certificate> desired = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--system" -> system = true;
        case "--java" -> java = true;
        case "--nss" -> nss.add(Path.of(args[++i]));
        default -> {
          String[] nameAndFile = args[i].split("=", 2);
          desired.put(nameAndFile[0], Pem.readCertificates(Files.readAllBytes(Path.of(nameAndFile[1]))).get(0));
        }
      }
    }
    InstallSpec spec =
        new InstallSpec(
            List.of(InstallSpec.Content.CA), system, java, List.of(), Optional.empty(), nss,
            new SourcePosition(Path.of("/test/host.yaml"), 1, 1));
    InstallTargets.Resolution resolution = new InstallTargets(TrustHost.live(System.getenv()), name -> true).resolve(spec, Optional.empty());
    resolution.notes().forEach(n -> System.out.println("note: " + n));
    resolution.problems().forEach(p -> System.out.println("problem: " + p));
    if (!resolution.problems().isEmpty()) {
      System.exit(1);
    }
    try {
      for (TrustInstaller installer : resolution.installers()) {
        InstallObservation after = installer.apply(desired);
        for (Map.Entry<String, ?> e : after.entries().entrySet()) {
          System.out.println("installed " + installer.target().address() + " " + e.getKey() + " " + e.getValue());
        }
        System.out.println("target " + installer.target().address() + " holds " + after.entries().size());
      }
    } catch (HostpkiException e) {
      System.out.println("error: " + e.getMessage());
      System.exit(1);
    }
  }
}
